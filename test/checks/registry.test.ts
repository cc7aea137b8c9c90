// BUILTIN_CHECKS as the runbook engine calls them: parameters relative to
// the step's cwd, copies into the artifact directory, and input problems
// turned into failed outcomes (never a throw).
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_CHECKS, type CheckContext } from '../../src/checks/index.js';
import { CANDIDATE, EVIDENCE, MANIFEST, MK, REHEARSAL, SAMPLES, STABLE, STACK_FRAME, readJson, tempDir } from './helpers.js';

function context(): CheckContext {
  const cwd = tempDir();
  for (const f of [MANIFEST, STABLE, CANDIDATE, REHEARSAL, EVIDENCE]) copyFileSync(f, join(cwd, f.split('/').pop()!));
  copyFileSync(join(SAMPLES, 'v3-responses.ndjson'), join(cwd, 'responses.ndjson'));
  copyFileSync(join(SAMPLES, 'v3-drifted.ndjson'), join(cwd, 'drifted.ndjson'));
  return { cwd, artifactDir: join(tempDir(), 'attempt-1', 'artifacts') };
}

const check = (name: string) => BUILTIN_CHECKS[name]!;

describe('BUILTIN_CHECKS', () => {
  it('registers the three checks under the names runbooks use', () => {
    expect(Object.keys(BUILTIN_CHECKS).sort()).toEqual(['artifact-digest', 'envelope', 'handoff-payload']);
    for (const [name, c] of Object.entries(BUILTIN_CHECKS)) {
      expect(c.name).toBe(name);
      expect(c.description.length).toBeGreaterThan(20);
      expect(c.params?.some((p) => p.required)).toBe(true);
    }
  });

  it('handoff-payload passes the real payloads, with JSON-able data', async () => {
    const ctx = context();
    for (const payload of ['PRODUCER_RELEASE_HANDOFF_LATEST.json', 'PRODUCER_HANDOFF_SERVICE_V3_CANDIDATE.generated.json']) {
      const outcome = await check('handoff-payload').run({ manifest: 'producer-contract-manifest.json', payload }, ctx);
      expect(outcome.passed).toBe(true);
      expect(outcome.summary).not.toContain('\n');
      expect(JSON.parse(JSON.stringify(outcome.data))).toMatchObject({ check: 'handoff', passed: true, violations: [] });
    }
  });

  it('handoff-payload fails the rehearsal payload; the report lists each violation', async () => {
    const outcome = await check('handoff-payload').run({ manifest: 'producer-contract-manifest.json', payload: 'SERVICE_V3_REHEARSAL_HANDOFF_CANDIDATE.json', strict: true }, context());
    expect(outcome.passed).toBe(false);
    expect(outcome.summary).toMatch(/^handoff check FAILED: .* 16 violations, 0 warnings$/);
    expect(outcome.report.split('\n')).toHaveLength(17);
  });

  it('envelope passes and fails on samples', async () => {
    const ctx = context();
    expect((await check('envelope').run({ contract: 'v3', sample: 'responses.ndjson' }, ctx)).passed).toBe(true);
    const failed = await check('envelope').run({ contract: 'v3', sample: 'drifted.ndjson', manifest: 'producer-contract-manifest.json' }, ctx);
    expect(failed.passed).toBe(false);
    expect(failed.report).toContain('sample #1 (line 2): $.error.code: "not_a_code" is not one of the 10 error codes of producer-contract-manifest.json [error-code-enum]');
  });

  it('artifact-digest copies verified artifacts into the artifact directory', async () => {
    const ctx = context();
    const root = join(ctx.cwd, 'producer');
    mkdirSync(join(root, 'contracts/integration/v1'), { recursive: true });
    copyFileSync(join(MK, 'producer-contract-manifest.json'), join(root, 'contracts/integration/v1/producer-contract-manifest.json'));
    const pin = readJson<{ artifacts: { path: string; sha256: string }[] }>(EVIDENCE).artifacts[0]!;
    const outcome = await check('artifact-digest').run({ root: 'producer', artifacts: [pin] }, ctx);
    expect(outcome).toMatchObject({ passed: true });
    expect(existsSync(join(ctx.artifactDir, 'verified/contracts/integration/v1/producer-contract-manifest.json'))).toBe(true);
    const fromBundle = await check('artifact-digest').run({ root: 'producer', from: 'RELEASE_EVIDENCE_BUNDLE_LATEST.json' }, ctx);
    expect(fromBundle.passed).toBe(false);
    expect(fromBundle.summary).toBe('artifact-digest check FAILED: 1 of 8 artifacts verified under producer, 7 violations');
  });
});

describe('input problems become failed outcomes with the clear message', () => {
  it.each([
    ['handoff-payload', { manifest: 'producer-contract-manifest.json', payload: 'nope.json' }, /handoff payload "nope.json" not found/],
    ['handoff-payload', { manifest: 'producer-contract-manifest.json' }, /parameter "payload" is missing/],
    ['handoff-payload', { manifest: 'producer-contract-manifest.json', payload: 'x', strict: 'yes' }, /"strict" must be true or false/],
    ['handoff-payload', { manifest: 'm', payload: 'p', mode: 'stable' }, /unknown parameter "mode"/],
    ['envelope', { contract: 'v9', sample: 'responses.ndjson' }, /unknown contract "v9"/],
    ['envelope', { contract: 'v3', sample: '.' }, /envelope sample file "." is a directory/],
    ['artifact-digest', { root: '.', artifacts: [{ path: 'a', sha256: 'zz' }] }, /artifacts\[0\]\.sha256 "zz" is not a sha256 digest/],
    ['artifact-digest', { root: '.' }, /give exactly one of "artifacts" and "from"/],
    ['artifact-digest', { root: 'missing-dir', from: 'RELEASE_EVIDENCE_BUNDLE_LATEST.json' }, /artifact root "missing-dir" not found/],
  ])('%s %j', async (name, params, message) => {
    const outcome = await check(name).run(params, context());
    expect(outcome.passed).toBe(false);
    expect(outcome.summary).toMatch(new RegExp(`^${name} check could not run: `));
    expect(outcome.summary).toMatch(message);
    expect(outcome.report).toMatch(/\nhint: \S/);
    expect(outcome.report).not.toMatch(STACK_FRAME);
    expect(outcome.data).toMatchObject({ check: name, passed: false, inputError: expect.stringMatching(message) });
  });

  it('an invalid payload in the step cwd names the file and the position', async () => {
    const ctx = context();
    writeFileSync(join(ctx.cwd, 'broken.json'), '{\n  "handoff_mode": "stable",\n  "release_tag": v0.4.0\n}\n');
    const outcome = await check('handoff-payload').run({ manifest: 'producer-contract-manifest.json', payload: 'broken.json' }, ctx);
    expect(outcome.summary).toBe('handoff-payload check could not run: handoff payload "broken.json" is not valid JSON at line 3, column 18: expected a value, found "v0.4.0"');
  });
});
