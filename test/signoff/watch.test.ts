// `cutover watch --plain` follows a run another process drives, from its
// start to its decision, read-only: started while the run holds the bundle
// and waits for two signatures, it prints each event as a line and ends
// when the run closes; the bundle still verifies (nothing was added).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, DIST, distIsFresh, REPO } from '../helpers/cli.js';
import { madeFile, onlyBundle, signedFixture, writeAnswers } from './fixture.js';

const ENTRY = distIsFresh() ? [DIST] : [join(REPO, 'node_modules/tsx/dist/cli.mjs'), join(REPO, 'src/cli.ts')];

/** A `cutover watch` child whose output can be awaited line by line. */
function watch(bundle: string) {
  const child = spawn(process.execPath, [...ENTRY, 'watch', bundle, '--plain'], { cwd: REPO, env: { ...process.env, NO_COLOR: '1' } });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return {
    out: () => out,
    err: () => err,
    exited,
    until: async (text: string) => {
      while (!out.includes(text)) await new Promise((r) => setTimeout(r, 50));
    },
  };
}

describe('cutover watch --plain', () => {
  it('follows a run driven by another process from start to decision, writing nothing', async () => {
    const f = signedFixture();
    const answers = writeAnswers(f.dir, 'answers.yaml', 'answers:\n  sign: { pa: { wait: true }, ca: { wait: true } }\n  decide: { option: go-rehearsal }\n');
    const run = cli(['run', f.runbook, '--plain', '--operator', 'Olga Operator', '--answers', answers, '--evidence-dir', f.evidence], { timeoutMs: 120_000 });
    while (!madeFile(f.evidence, 'signoffs/sign/ca.msg')) await new Promise((r) => setTimeout(r, 50));
    const bundle = onlyBundle(f.evidence);
    const w = watch(bundle);
    // Everything so far, from the start: the run holds the bundle meanwhile.
    await w.until('sign-off of ca requested');
    expect(w.out()).toMatch(/#1 run started by Olga Operator — Signed cutover \(signed 1\.0\), REHEARSAL, v0\.3\.2 → v0\.4\.0/);
    expect(w.out()).toMatch(/✓ hello: Say hello passed/);
    expect(w.out()).toContain('sign: Joint sign-off: sign-off of pa requested (alice@producer.example signs signoffs/sign/pa.msg)');

    expect((await cli(['sign', bundle, '--step', 'sign', '--role', 'pa', '--key', f.key.alice])).code).toBe(0);
    await w.until('pa signed by alice@producer.example');
    expect((await cli(['sign', bundle, '--step', 'sign', '--role', 'ca', '--key', f.key.bob])).code).toBe(0);
    expect(await w.exited).toBe(0);
    expect(w.out()).toMatch(/ca signed by bob@consumer\.example \(SSH signature, key SHA256:\S+, not checked by watch — run cutover verify\)/);
    expect(w.out()).toContain('Decision: GO (rehearsal continuation) (by Olga Operator)');
    expect(w.out()).toMatch(/run closed: GO\n$/);
    expect(w.err()).toBe('');
    expect((await run).code).toBe(0);
    const verify = await cli(['verify', bundle]);
    expect(verify.code, verify.stdout).toBe(0);
  }, 180_000);

  it('refuses what is not a bundle with exit 2', async () => {
    const r = await cli(['watch', REPO, '--plain']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not an evidence bundle (no journal.ndjson in it)');
  });
});
