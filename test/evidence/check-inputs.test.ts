// Evidence of what a check looked at: a check step records every file it
// reads (sha256, the git HEAD of the checkout holding it) and keeps a copy
// under steps/<id>/attempt-<n>/inputs/; `cutover verify` runs the check
// again on the copies. Real runs through the CLI, on a real git checkout of
// the MemoryKernel reference files; forgeries edit a real bundle, recompute
// the hash chain, digests and summaries, and verify must still name them.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckInputRecord } from '../../src/engine/events.js';
import { sha256 } from '../../src/evidence/canonical.js';
import { MAX_INPUT_COPY_BYTES } from '../../src/checks/inputs.js';
import { cli, REPO } from '../helpers/cli.js';
import { readEvents, tempDir } from '../fixtures/engine/scenario.js';
import { flipByte, rechain, resummarize, writeJournal } from './forge.js';
import { BASELINE_SHA, copyBundle, filesHolding, finishedOf, forgeFile, git, HANDOFF_STEP, MANIFEST_REL, PAYLOAD_REL, producer, run, runbookWith, type Finished, type Started, TARGET_SHA, verify } from './check-inputs-helpers.js';

describe('a check step records and copies what it read', () => {
  let dir: string;
  let head: string;
  let passing: Awaited<ReturnType<typeof run>>;
  let drifted: Awaited<ReturnType<typeof run>>;
  let driftDir: string;

  // Made once for the whole describe (tempDir() is emptied after each test).
  const longLived: string[] = [];
  const suiteDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'cutover-check-inputs-'));
    longLived.push(d);
    return d;
  };
  afterAll(() => longLived.forEach((d) => rmSync(d, { recursive: true, force: true })));

  beforeAll(async () => {
    dir = suiteDir();
    head = producer(dir).head;
    passing = await run(dir, runbookWith(dir, HANDOFF_STEP));
    // A payload regenerated at the baseline commit (with the manifest to match): only the target pins catch it.
    driftDir = suiteDir();
    const root = producer(driftDir, (p) => {
      p.commit_sha = BASELINE_SHA;
      (p.active_runtime_baseline as Record<string, unknown>).commit_sha = BASELINE_SHA;
    }).root;
    const manifest = JSON.parse(readFileSync(join(root, MANIFEST_REL), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(root, MANIFEST_REL), `${JSON.stringify({ ...manifest, commit_sha: BASELINE_SHA }, null, 2)}\n`);
    git(root, 'commit', '-qam', 'regenerated at the wrong commit');
    drifted = await run(driftDir, runbookWith(driftDir, HANDOFF_STEP));
  }, 180_000);

  it('records each input with its digest, the git HEAD of its checkout and a byte-exact copy; verify recomputes it', async () => {
    expect(passing.code, passing.out).toBe(0);
    const inputs = finishedOf(passing.bundle, 'handoff').check!.inputs!;
    expect(inputs.map((i) => i.param)).toEqual(['manifest', 'payload']);
    for (const [i, rel] of [[inputs[0]!, MANIFEST_REL], [inputs[1]!, PAYLOAD_REL]] as const) {
      const original = readFileSync(join(dir, 'producer', rel));
      expect(i).toMatchObject({ path: join(dir, 'producer', rel), bytes: original.length, sha256: sha256(original), git_head: head });
      expect(i.copy!.file).toBe(`steps/handoff/attempt-1/inputs/${i.param}/${rel.split('/').pop()}`);
      expect(readFileSync(join(passing.bundle, i.copy!.file)).equals(original)).toBe(true);
      expect(i.not_copied).toBeUndefined();
    }
    const v = await verify(passing.bundle);
    expect(v.code, v.out).toBe(0);
    expect(v.out).not.toContain('note:');
  });

  it('verify given a relative bundle path runs the check again on the copies all the same', async () => {
    const ok = await cli(['verify', basename(passing.bundle)], { cwd: dirname(passing.bundle) });
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    const bundle = copyBundle(passing.bundle);
    const copy = finishedOf(bundle, 'handoff').check!.inputs!.find((i) => i.param === 'payload')!.copy!.file;
    await forgeFile(bundle, copy, readFileSync(join(bundle, copy), 'utf8').replaceAll(TARGET_SHA, BASELINE_SHA));
    const forged = await cli(['verify', basename(bundle)], { cwd: dirname(bundle) });
    expect(forged.code, forged.stdout).toBe(1);
    expect(forged.stdout).toContain('but run again on its copied inputs');
  });

  it('fails a payload that names another commit than the target, naming both values', async () => {
    expect(drifted.code, drifted.out).toBe(1);
    expect(drifted.out).toContain(`$.commit_sha: expected "${TARGET_SHA}" (with.expect_commit_sha), got "${BASELINE_SHA}"`);
    const v = await verify(drifted.bundle);
    expect(v.code, v.out).toBe(0);
  });

  it('forgery: a copied input edited, with every digest and the chain recomputed, is found by running the check again', async () => {
    const bundle = copyBundle(passing.bundle);
    const copy = finishedOf(bundle, 'handoff').check!.inputs!.find((i) => i.param === 'payload')!.copy!.file;
    const text = readFileSync(join(bundle, copy), 'utf8').replaceAll(TARGET_SHA, BASELINE_SHA);
    await forgeFile(bundle, copy, text);
    const v = await verify(bundle);
    expect(v.code, v.out).toBe(1);
    expect(v.out).toMatch(/journal\.ndjson: seq \d+: check handoff-payload of attempt 1 of "handoff" is recorded as passed, but run again on its copied inputs \(.*inputs\/payload\/PRODUCER_RELEASE_HANDOFF_LATEST\.json\) it fails: failed with \d+ finding\(s\) .*\[manifest-drift \$\.commit_sha\]/);
    expect(v.out).toMatch(/steps\/handoff\/attempt-1\/data\.json: does not hold what check handoff-payload finds when run again on its copied inputs/);
  });

  it('forgery: a failed check rewritten as passed (verdict, data.json, report, summaries) is found from the copied inputs', async () => {
    const bundle = copyBundle(drifted.bundle);
    const data = JSON.parse(readFileSync(join(bundle, 'steps/handoff/attempt-1/data.json'), 'utf8')) as Record<string, unknown>;
    const passedSummary = 'handoff check passed: docs/implementation/PRODUCER_RELEASE_HANDOFF_LATEST.json (stable) matches the manifest; 0 violations, 0 warnings';
    await forgeFile(bundle, 'steps/handoff/attempt-1/data.json', `${JSON.stringify({ ...data, passed: true, violations: [] }, null, 2)}\n`);
    await forgeFile(bundle, 'steps/handoff/attempt-1/report.txt', `${passedSummary}\n`, (events) => {
      const f = events.find((e): e is Finished => e.type === 'step.finished' && e.step === 'handoff')!;
      f.check!.passed = true;
      f.check!.summary = passedSummary;
    });
    const v = await verify(bundle);
    expect(v.code, v.out).toBe(1);
    expect(v.out).toContain(`is recorded as passed, but run again on its copied inputs`);
    expect(v.out).toMatch(/it fails: failed with 1 finding\(s\) \[target-drift \$\.commit_sha\]/);
  });

  it('forgery: a copy changed without its digests is named by its digest', async () => {
    const bundle = copyBundle(passing.bundle);
    const copy = finishedOf(bundle, 'handoff').check!.inputs!.find((i) => i.param === 'manifest')!.copy!.file;
    flipByte(join(bundle, copy));
    const v = await verify(bundle);
    expect(v.code, v.out).toBe(1);
    expect(v.out).toContain(`${copy}: sha256`);
  });

  it('forgery: a copy recorded with another digest than the input it copies is named', async () => {
    const bundle = copyBundle(passing.bundle);
    const events = readEvents(bundle);
    const input = (events.find((e): e is Finished => e.type === 'step.finished')!.check!.inputs as CheckInputRecord[])[1]!;
    input.sha256 = '0'.repeat(64);
    writeJournal(bundle, rechain(events));
    await resummarize(bundle);
    const v = await verify(bundle);
    expect(v.code, v.out).toBe(1);
    expect(v.out).toMatch(/inputs\/payload\/PRODUCER_RELEASE_HANDOFF_LATEST\.json: is recorded \(seq \d+\) as the copy of input payload .* which had sha256 0{64}, but the copy is recorded with [0-9a-f]{64}/);
  });

  it('forgery: the inputs taken out of the journal (and their copies deleted) are missed, since cutover 0.3.0 always records them', async () => {
    const bundle = copyBundle(drifted.bundle);
    const events = readEvents(bundle);
    const f = events.find((e): e is Finished => e.type === 'step.finished' && e.step === 'handoff')!;
    for (const i of f.check!.inputs!) rmSync(join(bundle, i.copy!.file));
    delete f.check!.inputs;
    writeJournal(bundle, rechain(events));
    await resummarize(bundle);
    const v = await verify(bundle);
    expect(v.code, v.out).toBe(1);
    expect(v.out).toMatch(/check handoff-payload of attempt 1 of "handoff" records no inputs, but the bundle was written by cutover \d+\.\d+\.\d+, which records what every check read: they were taken out/);
  });

  it('forgery: a small input claimed too large to copy (its copy deleted) is named with its size', async () => {
    const bundle = copyBundle(drifted.bundle);
    const events = readEvents(bundle);
    const payload = events.find((e): e is Finished => e.type === 'step.finished' && e.step === 'handoff')!.check!.inputs!.find((i) => i.param === 'payload')!;
    rmSync(join(bundle, payload.copy!.file));
    delete payload.copy;
    payload.not_copied = 'larger than 1 MiB: only its digest is kept';
    writeJournal(bundle, rechain(events));
    await resummarize(bundle);
    const v = await verify(bundle);
    expect(v.code, v.out).toBe(1);
    expect(v.out).toContain(`input payload (${join(driftDir, 'producer', PAYLOAD_REL)}) is recorded as not copied because it is larger than 1 MiB, but it has ${payload.bytes} bytes`);
  });

  it('forgery: the parameters the attempt ran with, changed in step.started, are held against the runbook', async () => {
    const bundle = copyBundle(drifted.bundle);
    const events = readEvents(bundle);
    const started = events.find((e): e is Started => e.type === 'step.started' && e.step === 'handoff')!;
    started.check!.params.expect_commit_sha = BASELINE_SHA;
    writeJournal(bundle, rechain(events));
    await resummarize(bundle);
    const v = await verify(bundle);
    expect(v.code, v.out).toBe(1);
    expect(v.out).toContain(`the step.started records with.expect_commit_sha = "${BASELINE_SHA}", but the runbook gives "${TARGET_SHA}"`);
  });
});

describe('inputs kept by their digest only', () => {
  it('an envelope sample over 1 MiB is recorded by digest, the built-in policy is copied; verify notes it could not recompute', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'samples'));
    const line = `${JSON.stringify({ service_contract_version: 'service.v3', error: { code: 'write_failed', message: 'the write failed' } })}\n`;
    const sample = line.repeat(Math.ceil((MAX_INPUT_COPY_BYTES + 1) / line.length));
    writeFileSync(join(dir, 'samples/big.ndjson'), sample);
    writeFileSync(join(dir, 'samples/small.json'), line);
    const step = (id: string, file: string) => `      - id: ${id}
        kind: check
        title: Envelope ${id}
        check: envelope
        with: { contract: v3, sample: samples/${file} }
`;
    const r = await run(dir, runbookWith(dir, step('big', 'big.ndjson') + step('small', 'small.json')));
    expect(r.code, r.out).toBe(0);
    const big = finishedOf(r.bundle, 'big').check!.inputs!;
    expect(big.map((i) => [i.param, i.builtin ?? false])).toEqual([['sample', false], ['policy', true]]);
    expect(big[0]).toMatchObject({ bytes: sample.length, sha256: sha256(sample), not_copied: 'larger than 1 MiB: only its digest is kept' });
    expect(big[0]!.copy).toBeUndefined();
    expect(big[1]!.copy!.file).toBe('steps/big/attempt-1/inputs/policy/envelope-policy.json');
    expect(readFileSync(join(r.bundle, big[1]!.copy!.file)).equals(readFileSync(join(REPO, 'contracts/envelope-policy.json')))).toBe(true);
    const v = await verify(r.bundle);
    expect(v.code, v.out).toBe(0);
    expect(v.out).toMatch(/journal\.ndjson: note: seq \d+: check envelope of attempt 1 of "big": not recomputed, input sample \(.*big\.ndjson\) was not copied: larger than 1 MiB/);
    expect(v.out).not.toMatch(/"small": not recomputed/);
  }, 120_000);

  it('an input holding a secret value is not copied; no file of the bundle holds the secret', async () => {
    const dir = tempDir();
    const secret = 'tok-4f9a1c7e2b';
    producer(dir, (p) => {
      p.changelog_path = `/srv/${secret}/CHANGELOG.md`;
    });
    const r = await run(dir, runbookWith(dir, HANDOFF_STEP, 'secrets: [HANDOFF_TOKEN]\n'), { HANDOFF_TOKEN: secret });
    expect(r.code, r.out).toBe(0);
    const [manifest, payload] = finishedOf(r.bundle, 'handoff').check!.inputs!;
    expect(manifest!.copy).toBeDefined();
    expect(payload).toMatchObject({ not_copied: 'it holds the value of a secret: only its digest is kept' });
    expect(payload!.copy).toBeUndefined();
    expect(filesHolding(r.bundle, secret)).toEqual([]);
    const v = await verify(r.bundle);
    expect(v.code, v.out).toBe(0);
    expect(v.out).toContain('was not copied: it holds the value of a secret');
  }, 120_000);
});
