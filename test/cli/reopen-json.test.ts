// After a NO-GO closed by a failed required step: `resume --retry-failed`
// says the run is closed and how to go on; `run --reopen` starts a new run
// linked to the closed one (run id and journal head in run.started), and
// verify checks that link against the old bundle. Along the way, `--json`
// puts exactly one summary on stdout with the log on stderr. Real runs of
// the mini fixture, a step that fails until a file exists.
import { appendFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../helpers/cli.js';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { snapshot } from '../helpers/snapshot.js';

const tmp = mkdtempSync(join(tmpdir(), 'cutover-reopen-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const STACK = /\n\s+at .+:\d+:\d+/;

let dir = '';
let first: { code: number | null; stdout: string; stderr: string };
let oldBundle = '';

const bundles = () => readdirSync(join(dir, 'ev')).sort().map((b) => join(dir, 'ev', b));

beforeAll(async () => {
  dir = join(tmp, 'run');
  cpSync(join(REPO, 'test', 'fixtures', 'mini'), dir, { recursive: true });
  // hello fails until ./fixed exists; the GO is refused, the fallback NO-GO closes the run.
  writeFileSync(join(dir, 'runbook.yaml'), readFileSync(join(dir, 'runbook.yaml'), 'utf8').replace('run: "echo hello ${run.operator}"', 'run: [sh, -c, "test -f fixed && echo fixed"]'));
  writeFileSync(
    join(dir, 'answers.yaml'),
    readFileSync(join(dir, 'answers.yaml'), 'utf8').replace('decide: { option: go-rehearsal }', 'decide: { option: go-rehearsal, otherwise: { option: no-go, remediation: "fix hello and rehearse again" } }'),
  );
  first = await cliInProcess(['run', 'runbook.yaml', '--answers', 'answers.yaml', '--evidence-dir', 'ev', '--operator', 'Cap', '--json'], { cwd: dir });
  oldBundle = bundles()[0]!;
}, 120_000);

describe('run --json', () => {
  it('prints one JSON summary on stdout and the plain log on stderr', () => {
    expect(first.code, first.stderr).toBe(1);
    const summary = JSON.parse(first.stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({
      outcome: 'NO-GO',
      exit_code: 1,
      closed: true,
      mode: 'rehearsal',
      rehearsal: true,
      runbook: { id: 'mini', version: '1.0' },
      bundle: oldBundle,
      steps: { total: 7, failed: 1 },
      decision: { option: 'no-go', label: 'NO-GO', go: false, remediation: 'fix hello and rehearse again' },
      waiting_for: null,
      resume: null,
      reopens: null,
      reopen: `cutover run runbook.yaml --reopen ${join('ev', oldBundle.split('/').at(-1)!)}`,
    });
    expect(String(summary.run_id)).toMatch(/^mini@/);
    expect(first.stderr).toContain('Outcome: NO-GO');
    expect(first.stderr).toContain('--reopen');
  });

  it('a paused run says what it waits for and how to resume', async () => {
    writeFileSync(join(dir, 'partial.yaml'), 'answers:\n  rc: true\n');
    const r = await cliInProcess(['run', 'runbook.yaml', '--answers', 'partial.yaml', '--evidence-dir', 'paused', '--operator', 'Cap', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(3);
    const summary = JSON.parse(r.stdout) as { outcome: string; waiting_for: string; resume: string; closed: boolean };
    expect(summary).toMatchObject({ outcome: 'PAUSED', closed: false, waiting_for: 'meeting' });
    expect(summary.resume).toMatch(/^cutover resume paused\/\S+ --answers FILE$/);
  });
});

describe('--json on the other commands that report', () => {
  it('report --json is report --format json; --json with --format markdown is refused', async () => {
    const [json, format, both] = await Promise.all([
      cliInProcess(['report', oldBundle, '--json'], { cwd: dir }),
      cliInProcess(['report', oldBundle, '--format', 'json'], { cwd: dir }),
      cliInProcess(['report', oldBundle, '--json', '--format', 'markdown'], { cwd: dir }),
    ]);
    expect(json.code, json.stderr).toBe(0);
    const manifest = JSON.parse(json.stdout) as { run_id: string; outcome: string; written_at: string };
    const same = JSON.parse(format.stdout) as typeof manifest;
    expect({ ...manifest, written_at: '' }).toEqual({ ...same, written_at: '' });
    expect(manifest.outcome).toBe('NO-GO');
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('report: --json and --format markdown contradict each other');
  });

  it('resume --json prints the summary of the resumed run', async () => {
    writeFileSync(join(dir, 'rc-only.yaml'), 'answers:\n  rc: true\n');
    const paused = await cliInProcess(['run', 'runbook.yaml', '--answers', 'rc-only.yaml', '--evidence-dir', 'paused2', '--operator', 'Cap', '--json'], { cwd: dir });
    expect(paused.code, paused.stderr).toBe(3);
    const bundle = (JSON.parse(paused.stdout) as { bundle: string }).bundle;
    const r = await cliInProcess(['resume', bundle, '--answers', 'answers.yaml', '--json'], { cwd: dir });
    const summary = JSON.parse(r.stdout) as { outcome: string; exit_code: number; bundle: string; closed: boolean };
    expect(summary).toMatchObject({ bundle, closed: true, exit_code: r.code });
    expect(['GO', 'NO-GO']).toContain(summary.outcome);
    expect(r.stderr).toContain('Outcome:');
  });
});

describe('after a NO-GO', () => {
  it('resume --retry-failed says the run is closed and names the command that reopens it, writing nothing', async () => {
    writeFileSync(join(dir, 'fixed'), '');
    const before = snapshot(oldBundle);
    const r = await cliInProcess(['resume', oldBundle, '--retry-failed', '--plain'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${oldBundle}: the run is closed (NO-GO); its steps do not run again and it is not resumed (nothing was written)`);
    expect(r.stderr).toContain(`hint: fix what failed, then start a new run linked to this one: \`cutover run ${join(dir, 'runbook.yaml')} --reopen ${oldBundle}\``);
    expect(r.stderr).not.toMatch(STACK);
    // Without --retry-failed too: a closed run is not resumed, and the hint names the way on.
    const plain = await cliInProcess(['resume', oldBundle, '--plain'], { cwd: dir });
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain('the run is closed (outcome NO-GO');
    expect(plain.stderr).toContain(`--reopen ${oldBundle}`);
    expect(snapshot(oldBundle)).toEqual(before);
  });

  it('run --reopen starts a new run linked to the closed one, which verify checks', async () => {
    const r = await cliInProcess(['run', 'runbook.yaml', '--answers', 'answers.yaml', '--evidence-dir', 'ev', '--operator', 'Cap', '--reopen', oldBundle, '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { outcome: string; bundle: string; reopens: Record<string, string> };
    expect(summary.outcome).toBe('GO');
    expect(summary.bundle).not.toBe(oldBundle);
    const oldJournal = readFileSync(join(oldBundle, 'journal.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { hash: string; run_id?: string });
    expect(summary.reopens).toEqual({ run_id: oldJournal[0]!.run_id, bundle: oldBundle, outcome: 'NO-GO', journal_head: oldJournal.at(-1)!.hash });
    const started = JSON.parse(readFileSync(join(summary.bundle, 'journal.ndjson'), 'utf8').split('\n')[0]!) as { type: string; reopens: unknown };
    expect(started.reopens).toEqual(summary.reopens);
    expect(r.stderr).toContain(`Reopens ${oldJournal[0]!.run_id} (NO-GO)`);

    const ok = await cliInProcess(['verify', summary.bundle, '--json'], { cwd: dir });
    expect(ok.code, ok.stdout).toBe(0);

    // The closed run changed after the day went on: the new bundle's verify finds it.
    appendFileSync(join(oldBundle, 'journal.ndjson'), '{"seq":999}\n');
    const bad = await cliInProcess(['verify', summary.bundle], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`this run reopens ${oldJournal[0]!.run_id} whose journal ended with ${oldJournal.at(-1)!.hash}`);

    // The old bundle moved away: the link cannot be checked, which is a note, not a problem.
    rmSync(oldBundle, { recursive: true });
    const away = await cliInProcess(['verify', summary.bundle, '--json'], { cwd: dir });
    expect(away.code, away.stdout).toBe(0);
    expect((JSON.parse(away.stdout) as { notes: { message: string }[] }).notes.map((n) => n.message).join('\n')).toContain('the link to it');
  });

  it('refuses to reopen an open run or a GO, naming what to do instead', async () => {
    const paused = join(dir, 'paused', readdirSync(join(dir, 'paused'))[0]!);
    const open = await cliInProcess(['run', 'runbook.yaml', '--plain', '--reopen', paused], { cwd: dir });
    expect(open.code).toBe(2);
    expect(open.stderr).toContain('that run is still open; it is continued, not reopened');
    const go = bundles().at(-1)!;
    const final = await cliInProcess(['run', 'runbook.yaml', '--plain', '--reopen', go], { cwd: dir });
    expect(final.code).toBe(2);
    expect(final.stderr).toContain('that run ended with GO; a GO is final');
  });
});
