// verify recomputes from the copied inputs of the other checks too: an
// envelope check runs again on its copied sample and the copied built-in
// policy; an artifact-digest check's copied `from` list gives the pins that
// data.json must account for (the runbook lists none itself). Real runs on
// a real git checkout; forgeries recompute every digest, the chain and the
// summaries.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../src/evidence/canonical.js';
import { tempDir } from '../fixtures/engine/scenario.js';
import { copyBundle, finishedOf, forgeFile, git, producer, run, runbookWith, type Finished, verify } from './check-inputs-helpers.js';

const VALID = `${JSON.stringify({ service_contract_version: 'service.v3', error: { code: 'write_failed', message: 'the write failed' } })}\n`;
const LEGACY = `${JSON.stringify({ service_contract_version: 'service.v3', error: { code: 'write_failed', message: 'the write failed' }, legacy_error: 'write_failed' })}\n`;

describe('verify recomputes envelope and artifact-digest checks from their copied inputs', () => {
  it('envelope: a copied sample made to break the policy, digests and chain recomputed, contradicts the recorded pass', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'samples.ndjson'), VALID + VALID);
    const r = await run(dir, runbookWith(dir, `      - id: envelope
        kind: check
        title: Envelope
        check: envelope
        with: { contract: v3, sample: samples.ndjson }
`));
    expect(r.code, r.out).toBe(0);
    const inputs = finishedOf(r.bundle, 'envelope').check!.inputs!;
    expect(inputs.map((i) => i.param)).toEqual(['sample', 'policy']);
    expect((await verify(r.bundle)).code).toBe(0);

    const bundle = copyBundle(r.bundle);
    await forgeFile(bundle, inputs[0]!.copy!.file, VALID + LEGACY);
    const v = await verify(bundle);
    expect(v.code, v.out).toBe(1);
    expect(v.out).toMatch(/check envelope of attempt 1 of "envelope" is recorded as passed, but run again on its copied inputs \(steps\/envelope\/attempt-1\/inputs\/sample\/samples\.ndjson, steps\/envelope\/attempt-1\/inputs\/policy\/envelope-policy\.json\) it fails: failed with 1 finding\(s\) \[envelope-forbidden \$\.legacy_error #1 line 2\]/);
  }, 120_000);

  it('artifact-digest: the from list is copied and the root\'s git HEAD recorded; a pin taken out of data.json is found from the copy', async () => {
    const dir = tempDir();
    const { root } = producer(dir);
    writeFileSync(join(root, 'a.txt'), 'alpha\n');
    writeFileSync(join(root, 'b.txt'), 'beta\n');
    writeFileSync(join(root, 'release.json'), `${JSON.stringify({ artifacts: [{ path: 'a.txt', sha256: sha256('alpha\n') }, { path: 'b.txt', sha256: sha256('beta\n') }] }, null, 2)}\n`);
    git(root, 'add', '.');
    git(root, 'commit', '-qm', 'artifacts');
    const head = git(root, 'rev-parse', 'HEAD');
    const r = await run(dir, runbookWith(dir, `      - id: digests
        kind: check
        title: Artifacts
        check: artifact-digest
        with: { root: producer, from: producer/release.json }
`));
    expect(r.code, r.out).toBe(0);
    const check = finishedOf(r.bundle, 'digests').check!;
    expect(check.inputs!.map((i) => [i.param, i.git_head, i.copy?.file])).toEqual([['from', head, 'steps/digests/attempt-1/inputs/from/release.json']]);
    expect(check.root).toEqual({ dir: root, git_head: head });
    expect((await verify(r.bundle)).code).toBe(0);

    // b.txt taken out: out of data.json, its copy deleted and unrecorded; the run still says passed.
    const bundle = copyBundle(r.bundle);
    const dataFile = 'steps/digests/attempt-1/data.json';
    const data = JSON.parse(readFileSync(join(bundle, dataFile), 'utf8')) as { artifacts: { path: string }[] };
    const copy = 'steps/digests/attempt-1/artifacts/verified/b.txt';
    rmSync(join(bundle, copy));
    await forgeFile(bundle, dataFile, `${JSON.stringify({ ...data, artifacts: data.artifacts.filter((a) => a.path !== 'b.txt') }, null, 2)}\n`, (events) => {
      const f = events.find((e): e is Finished => e.type === 'step.finished' && e.step === 'digests')!;
      f.check!.files = f.check!.files!.filter((x) => x.file !== copy);
    });
    const v = await verify(bundle);
    expect(v.code, v.out).toBe(1);
    expect(v.out).toContain(`${dataFile}: does not account for the pin of its copied artifact list (inputs/from/) of b.txt (sha256 ${sha256('beta\n')})`);
    expect(v.out).toContain('the artifact-digest check is recorded as passed');
  }, 120_000);
});
