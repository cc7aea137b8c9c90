// `cutover demo --scenario signed` in both modes: two demo approvers
// (separate `cutover sign` processes with the shipped DEMO keys) sign the
// texts the run requests; the GO unlocks only once both signatures verify,
// and the bundle verifies — with cutover and with ssh-keygen alone.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cli, REPO } from '../helpers/cli.js';
import { readdirSync } from 'node:fs';
import { eventsOf, readEvents, tempDir } from '../fixtures/engine/scenario.js';
import { exitOf, killAll, messageOf, opened, start, WAIT, walk } from '../ui/e2e/helpers.js';

afterEach(killAll);

/** The one bundle of the demo's evidence directory (its sandbox, .demo-sandbox-*, sits beside it). */
function onlyBundle(evidence: string): string {
  const bundles = readdirSync(evidence).filter((n) => !n.startsWith('.'));
  expect(bundles).toHaveLength(1);
  return join(evidence, bundles[0]!);
}

function checkBundle(bundle: string): void {
  const events = readEvents(bundle);
  const signed = eventsOf(events, 'signoff.recorded') as unknown as { role: string; name: string; signed?: { key: string } }[];
  expect(signed.map((s) => [s.role, s.name]).sort()).toEqual([
    ['consumer_approver', 'tomas.alvarez@consumer.demo.invalid'],
    ['producer_approver', 'priya.raman@producer.demo.invalid'],
  ]);
  expect(signed.every((s) => s.signed?.key.startsWith('SHA256:'))).toBe(true);
  const r = spawnSync('ssh-keygen', ['-Y', 'verify', '-f', 'signoffs/allowed_signers', '-I', 'tomas.alvarez@consumer.demo.invalid', '-n', 'cutover-signoff', '-s', 'signoffs/joint-signoff/consumer_approver.sig'], {
    cwd: bundle,
    input: readFileSync(join(bundle, 'signoffs/joint-signoff/consumer_approver.msg')),
    encoding: 'utf8',
  });
  expect(r.status, r.stderr).toBe(0);
}

describe('cutover demo --scenario signed', () => {
  it('plain: the demo approvers sign while the run waits; GO, and the bundle verifies', async () => {
    const dir = tempDir();
    const evidence = join(dir, 'evidence');
    const r = await cli(['demo', '--plain', '--scenario', 'signed', '--evidence-dir', evidence], { timeoutMs: 240_000 });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('scenario signed: Joint sign-off SSH-signed by two demo approvers');
    expect(r.stdout).toContain('demo approver priya.raman@producer.demo.invalid signs with the DEMO key');
    expect(r.stdout).toContain('(SSH signatures verified)');
    expect(r.stdout).toContain('Decision: GO (rehearsal continuation)');
    const bundle = onlyBundle(evidence);
    checkBundle(bundle);
    const verify = await cli(['verify', bundle], { timeoutMs: 60_000 });
    expect(verify.code, verify.stdout).toBe(0);
    expect(readFileSync(join(bundle, 'decision-record.md'), 'utf8')).toContain('- sign-offs SSH-signed');
  }, 300_000);

  it('screen: the sign-off form shows the commands and closes once both signatures are picked up; GO', async () => {
    const dir = tempDir();
    const evidence = join(dir, 'evidence');
    const p = start(['demo', '--scenario', 'signed', '--evidence-dir', evidence], { cwd: REPO, columns: 100, rows: 30, env: { TMPDIR: dir } });
    await opened(p);
    await walk(p, { timeoutMs: 120_000 });
    await p.waitFor((t) => messageOf(t.split('\n')).includes('the run is closed: GO'), WAIT);
    p.write('q');
    expect(await exitOf(p)).toMatchObject({ exitCode: 0 });
    const bundle = onlyBundle(evidence);
    checkBundle(bundle);
    const verify = await cli(['verify', bundle], { timeoutMs: 60_000 });
    expect(verify.code, verify.stdout).toBe(0);
  }, 300_000);
});
