// `npm start` (= cutover demo) without a TTY, end to end: every check really
// runs, the bundle is written, `cutover verify` passes on it, and so does
// the standard `sha256sum -c SHA256SUMS`. Scenarios end NO-GO with the
// GO lock's reasons, and their bundles verify too.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'cutover-demo-e2e-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function exec(cmd: string, args: string[], cwd = root): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env };
    delete env.CI;
    execFile(cmd, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

function onlyBundle(dir: string): string {
  // The demo's sandbox (.demo-sandbox-*) lives beside the bundle.
  const entries = readdirSync(dir).filter((e) => !e.startsWith('.demo-sandbox-'));
  expect(entries).toHaveLength(1);
  return join(dir, entries[0]!);
}

describe('the demo without a TTY', () => {
  it('npm start completes the rehearsal with a GO, and the bundle verifies with cutover and sha256sum', async () => {
    const evidence = join(tmp, 'start');
    // --ignore-scripts skips prestart's build only: npm test has built dist/, and a build here
    // would swap dist/ under the CLIs other test files are running at the same moment.
    const r = await exec('npm', ['start', '--silent', '--ignore-scripts', '--', '--evidence-dir', evidence]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('REHEARSAL');
    expect(r.stdout).toMatch(/Outcome: GO \(REHEARSAL\) — (\d+) passed, 0 failed, 0 skipped, 0 not done/);
    const bundle = onlyBundle(evidence);
    const journal = readFileSync(join(bundle, 'journal.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; step?: string; result?: { exit_code: number } });
    // Every command and check step really ran: each has a finished attempt with evidence.
    const finished = journal.filter((e) => e.type === 'step.finished');
    expect(finished.length).toBeGreaterThanOrEqual(10);
    expect(journal.at(-1)).toMatchObject({ type: 'run.closed', outcome: 'GO' });
    const v = await exec(process.execPath, [cli, 'verify', bundle]);
    expect(v.code, v.stdout).toBe(0);
    const sums = await exec('sha256sum', ['-c', 'SHA256SUMS'], bundle);
    expect(sums.code, sums.stdout + sums.stderr).toBe(0);
    expect(sums.stdout).not.toContain('FAILED');
  });

  it.each([['drift', 'handoff-published-check']])('scenario %s ends NO-GO naming the red gate %s, and its bundle verifies', async (scenario, gate) => {
    const evidence = join(tmp, scenario);
    const r = await exec(process.execPath, [cli, 'demo', '--scenario', scenario, '--evidence-dir', evidence]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('GO (rehearsal continuation) — REFUSED, the GO lock holds:');
    expect(r.stdout).toContain(`(${gate}) failed`);
    expect(r.stdout).toContain('Decision: NO-GO — remediation:');
    // The scenario declares its trigger of the matrix once the gate is red; the lock names it.
    expect(r.stdout).toContain('⚠ ROLLBACK TRIGGER:');
    expect(r.stdout).toMatch(/- rollback trigger ".+" \(SEV-[12]\) (identified at .+, )?declared at .+ is open/);
    const bundle = onlyBundle(evidence);
    const manifest = JSON.parse(readFileSync(join(bundle, 'manifest.json'), 'utf8')) as { outcome: string; refusals: unknown[] };
    expect(manifest.outcome).toBe('NO-GO');
    expect(manifest.refusals).toHaveLength(1);
    const v = await exec(process.execPath, [cli, 'verify', bundle]);
    expect(v.code, v.stdout).toBe(0);
  });

  it('scenario envelope ends the cutover NO-GO with the trigger open, then rehearses the rollback linked to it: both bundles verify, the report shows the incident', async () => {
    const evidence = join(tmp, 'envelope');
    const r = await exec(process.execPath, [cli, 'demo', '--scenario', 'envelope', '--plain', '--evidence-dir', evidence]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('(envelope-candidate-check) failed');
    expect(r.stdout).toContain('Decision: NO-GO — remediation:');
    expect(r.stdout).toContain('rollback rehearsal: trigger envelope-shape-mismatch (SEV-1) is open');
    expect(r.stdout).toContain('REHEARSAL · operator Demo Captain · rollback v0.4.0 7e4806a → v0.3.2 cf33144');
    expect(r.stdout).toContain('Decision: Rollback complete (service.v2 baseline restored)');
    expect(r.stdout).toMatch(/incident: SEV-1 · envelope-shape-mismatch · identified \S+ · time to recovery \d\d:\d\d/);
    const bundles = readdirSync(evidence).filter((e) => !e.startsWith('.demo-sandbox-')).sort();
    expect(bundles.map((b) => b.replace(/^\d{8}T\d{6}Z_/, ''))).toEqual(['service-v3-cutover-demo', 'service-v3-rollback-demo']);
    for (const b of bundles) {
      const v = await exec(process.execPath, [cli, 'verify', join(evidence, b)]);
      expect(v.code, v.stdout).toBe(0);
    }
    const rollback = join(evidence, bundles[1]!);
    const report = await exec(process.execPath, [cli, 'report', rollback]);
    for (const needle of ['## Incident', '- Severity: **SEV-1**', '### Timeline (UTC)', '- initial incident notice (15m): met', '- producer rollback recommendation (30m): met', '- consumer re-pin confirmation (30m after rollback-executed): met', '- joint incident summary (24h): met', '(from the carried trigger)']) expect(report.stdout).toContain(needle);
    expect(report.stdout).toMatch(/- Time to recovery: \*\*\d\d:\d\d\*\*/);
    expect(readFileSync(join(rollback, 'notices', 'initial-incident-notice.txt'), 'utf8')).toMatch(/^\[SEV-1\] DEMO-INC-1 — /);
  });

  it('an unknown scenario is exit 2 listing the scenarios', async () => {
    const r = await exec(process.execPath, [cli, 'demo', '--scenario', 'nope', '--evidence-dir', join(tmp, 'nope')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('drift');
    expect(r.stderr).toContain('envelope');
    expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });
});
