// End to end: the built CLI (`node dist/cli.js check ...`) as a real child
// process — exit codes, stdout/stderr, no stack trace, and the shipped
// envelope policy found from inside the dist bundle. `npm test` builds
// dist first (pretest); there these tests are mandatory. A bare
// `vitest run` without a build skips them rather than test a stale bundle
// that is not there; set CUTOVER_E2E=1 to make them mandatory anyway.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CANDIDATE, EVIDENCE, MANIFEST, MK, REHEARSAL, REPO, SAMPLES, STABLE, STACK_FRAME, tempDir } from './helpers.js';

const CLI = join(REPO, 'dist/cli.js');
const mandatory = process.env.npm_lifecycle_event === 'test' || process.env.CUTOVER_E2E === '1';

function cutover(...args: string[]) {
  const run = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe.skipIf(!mandatory && !existsSync(CLI))('node dist/cli.js check (run after npm run build)', () => {
  it('check --help lists the three checks', () => {
    const run = cutover('check', '--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/cutover check handoff --manifest FILE --payload FILE/);
    expect(run.stdout).toMatch(/cutover check envelope --contract v2\|v3 --sample FILE/);
    expect(run.stdout).toMatch(/cutover check artifact-digest --root DIR/);
  });

  it.each([
    [STABLE, 0],
    [CANDIDATE, 0],
    [REHEARSAL, 1],
  ])('check handoff %s exits %i', (payload, code) => {
    const run = cutover('check', 'handoff', '--manifest', MANIFEST, '--payload', payload);
    expect(run.code).toBe(code);
    expect(run.stdout).toMatch(code === 0 ? /^handoff check passed: / : /handoff check FAILED: .*16 violations/);
    expect(run.stderr).toBe('');
  });

  it.each<[string, (dir: string) => string, RegExp]>([
    ['invalid JSON', (dir) => {
      writeFileSync(join(dir, 'p.json'), readFileSync(STABLE, 'utf8').slice(0, 200));
      return join(dir, 'p.json');
    }, /is not valid JSON at line \d+, column \d+: /],
    ['a missing file', (dir) => join(dir, 'missing.json'), /handoff payload ".*missing.json" not found/],
    ['a directory', (dir) => {
      mkdirSync(join(dir, 'd'));
      return join(dir, 'd');
    }, /is a directory, not a JSON file/],
    ['an empty file', (dir) => {
      writeFileSync(join(dir, 'e.json'), '');
      return join(dir, 'e.json');
    }, /is empty/],
    ['a 50 MB payload', (dir) => {
      writeFileSync(join(dir, 'big.json'), '[');
      truncateSync(join(dir, 'big.json'), 50 * 1000 * 1000);
      return join(dir, 'big.json');
    }, /over the 16 MiB limit: not a handoff payload: too large/],
  ])('check handoff with %s: exit 2, one clear paragraph, no stack trace', (_name, make, message) => {
    const run = cutover('check', 'handoff', '--manifest', MANIFEST, '--payload', make(tempDir()));
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^cutover: handoff payload "/);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/\n {2}hint: /);
    expect(run.stderr).not.toMatch(STACK_FRAME);
  });

  it('check envelope finds the shipped policy from the bundle', () => {
    const ok = cutover('check', 'envelope', '--contract', 'v3', '--sample', join(SAMPLES, 'v3-responses.ndjson'));
    expect(ok.code).toBe(0);
    const bad = cutover('check', 'envelope', '--contract', 'v3', '--sample', join(SAMPLES, 'v3-drifted.ndjson'), '--json');
    expect(bad.code).toBe(1);
    const out = JSON.parse(bad.stdout);
    expect(out).toMatchObject({ passed: false, policy: join(REPO, 'contracts/envelope-policy.json'), failedSamples: 3 });
  });

  it('check artifact-digest over the real evidence bundle', () => {
    const root = tempDir();
    mkdirSync(join(root, 'contracts/integration/v1'), { recursive: true });
    writeFileSync(join(root, 'contracts/integration/v1/producer-contract-manifest.json'), readFileSync(join(MK, 'producer-contract-manifest.json')));
    const run = cutover('check', 'artifact-digest', '--root', root, '--from', EVIDENCE);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^verified +contracts\/integration\/v1\/producer-contract-manifest.json$/m);
    expect(run.stdout).toMatch(/artifact-digest check FAILED: 1 of 8 artifacts verified/);
  });
});
