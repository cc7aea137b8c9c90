// Regressions found in review: empty answers, secret vars, a decision behind
// a failed `requires`, resuming a closed run, a bad answers file, and
// re-answering a manual step.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Session } from '../../src/session/session.js';
import { REPO } from '../helpers/cli.js';
import { cliInProcess } from '../helpers/cli-in-process.js';

const tmp = mkdtempSync(join(tmpdir(), 'cutover-review-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const STACK = /\n\s+at .+:\d+:\d+/;

function fixture(name: string): string {
  const dir = join(tmp, name);
  cpSync(join(REPO, 'test', 'fixtures', 'mini'), dir, { recursive: true });
  return dir;
}

const bundleIn = (dir: string) => join(dir, readdirSync(dir)[0]!);

describe('answers files', () => {
  it('an empty signer name is refused with its position, before any bundle exists', async () => {
    const dir = fixture('empty-name');
    writeFileSync(join(dir, 'bad.yaml'), readFileSync(join(dir, 'answers.yaml'), 'utf8').replace('pa: Priya Producer', 'pa: '));
    const r = await cliInProcess(['run', 'runbook.yaml', '--plain', '--answers', 'bad.yaml', '--evidence-dir', 'ev', '--operator', 'Cap'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:\d+:\d+: "sign"\.pa is empty/);
    expect(r.stderr).not.toMatch(STACK);
    expect(existsSync(join(dir, 'ev'))).toBe(false);
  });

  it('an answer for a step the runbook does not have leaves no half-started bundle', async () => {
    const dir = fixture('unknown-step');
    writeFileSync(join(dir, 'bad.yaml'), 'answers:\n  nope: true\n');
    const r = await cliInProcess(['run', 'runbook.yaml', '--plain', '--answers', 'bad.yaml', '--evidence-dir', 'ev'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bad.yaml:2:3: "nope" is not a step of runbook mini');
    expect(existsSync(join(dir, 'ev'))).toBe(false);
  });
});

describe('secret vars', () => {
  it('reach the command as given, are masked in the bundle, and must be given again on resume', async () => {
    const dir = join(tmp, 'secret');
    cpSync(join(REPO, 'test', 'fixtures', 'mini'), dir, { recursive: true });
    const rb = readFileSync(join(dir, 'runbook.yaml'), 'utf8')
      .replace('sections:', 'vars:\n  DEPLOY_TOKEN: { type: string, description: deploy token }\nsections:')
      .replace('run: "echo hello ${run.operator}"', 'run: [sh, -c, "test \\"$0\\" = s3cr3t-value-123 && echo token-ok $0", "${DEPLOY_TOKEN}"]');
    writeFileSync(join(dir, 'runbook.yaml'), rb);
    // A token pasted into a note by mistake is masked like command output.
    writeFileSync(join(dir, 'partial.yaml'), readFileSync(join(dir, 'answers.yaml'), 'utf8').replace(/^ {2}decide:.*$/m, '').replace('rc: true', 'rc: { note: "pasted s3cr3t-value-123 by mistake" }'));
    const r = await cliInProcess(['run', 'runbook.yaml', '--plain', '--answers', 'partial.yaml', '--evidence-dir', 'ev', '--operator', 'Cap', '--var', 'DEPLOY_TOKEN=s3cr3t-value-123'], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(3);
    expect(r.stdout).toContain('✓ hello passed');
    const bundle = bundleIn(join(dir, 'ev'));
    const stdoutLog = readFileSync(join(bundle, 'steps/hello/attempt-1/stdout.log'), 'utf8');
    expect(stdoutLog).toBe('token-ok ***\n');
    expect(r.stdout).toContain('pasted *** by mistake');
    expect(r.stdout).not.toContain('s3cr3t-value-123');
    for (const f of ['journal.ndjson', 'manifest.json', 'decision-record.md']) expect(readFileSync(join(bundle, f), 'utf8')).not.toContain('s3cr3t-value-123');
    const refused = await cliInProcess(['resume', bundle, '--answers', 'answers.yaml'], { cwd: dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--var DEPLOY_TOKEN=...');
    const notSecret = await cliInProcess(['resume', bundle, '--answers', 'answers.yaml', '--var', 'DEPLOY_TOKEN=s3cr3t-value-123', '--var', 'nope=1'], { cwd: dir });
    expect(notSecret.code).toBe(2);
    expect(notSecret.stderr).toContain('only secret vars are given again on resume');
    const resumed = await cliInProcess(['resume', bundle, '--answers', 'answers.yaml', '--var', 'DEPLOY_TOKEN=s3cr3t-value-123'], { cwd: dir });
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    expect((await cliInProcess(['verify', bundle])).code).toBe(0);
  });
});

describe('the decision stays reachable', () => {
  it('a decision whose requires failed still records NO-GO instead of looping on exit 3', async () => {
    const dir = fixture('decision-requires');
    writeFileSync(
      join(dir, 'runbook.yaml'),
      readFileSync(join(dir, 'runbook.yaml'), 'utf8')
        .replace('run: "echo hello ${run.operator}"', 'run: [sh, -c, "exit 4"]')
        .replace('        title: Go/no-go\n', '        title: Go/no-go\n        requires: [hello]\n'),
    );
    writeFileSync(join(dir, 'answers2.yaml'), readFileSync(join(dir, 'answers.yaml'), 'utf8').replace('decide: { option: go-rehearsal }', 'decide: { option: go-rehearsal, otherwise: { option: no-go, remediation: fix hello } }'));
    const r = await cliInProcess(['run', 'runbook.yaml', '--plain', '--answers', 'answers2.yaml', '--evidence-dir', 'ev', '--operator', 'Cap'], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain('required step "Say hello" (hello) failed');
    expect(r.stdout).toContain('Decision: NO-GO — remediation: fix hello');
  });
});

describe('a closed run', () => {
  it('is not resumed: exit 2 and the bundle is left untouched', async () => {
    const dir = fixture('closed');
    const r = await cliInProcess(['run', 'runbook.yaml', '--plain', '--answers', 'answers.yaml', '--evidence-dir', 'ev', '--operator', 'Cap'], { cwd: dir });
    expect(r.code).toBe(0);
    const bundle = bundleIn(join(dir, 'ev'));
    const before = readFileSync(join(bundle, 'journal.ndjson'));
    const again = await cliInProcess(['resume', bundle], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('the run is closed (outcome GO');
    expect(readFileSync(join(bundle, 'journal.ndjson')).equals(before)).toBe(true);
    expect(existsSync(join(bundle, '.lock'))).toBe(false);
  });
});

describe('manual answers are given once', () => {
  it('re-confirming or re-entering an answered step is refused and leaves the journal as it was', () => {
    const dir = fixture('reanswer');
    const session = Session.start({ runbookPath: join(dir, 'runbook.yaml'), mode: 'rehearsal', vars: {}, evidenceDir: join(dir, 'ev'), operator: 'Cap' });
    try {
      session.confirm('rc');
      session.recordInput('meeting', { channel: '#one' });
      const events = session.events.length;
      expect(session.confirm('rc')).toMatchObject({ ok: false, reasons: [expect.stringMatching(/was already answered/)] });
      expect(session.recordInput('meeting', { channel: '#two' })).toMatchObject({ ok: false, reasons: [expect.stringMatching(/was already answered/)] });
      expect(session.events.length).toBe(events);
      expect(session.state.inputs.meeting).toEqual({ channel: '#one' });
    } finally {
      session.release();
    }
  });
});

describe('fixing a red gate and going on', () => {
  it('resume --retry-failed runs the failed step again as a new attempt, and the GO is then allowed', async () => {
    const dir = fixture('retry');
    writeFileSync(
      join(dir, 'runbook.yaml'),
      readFileSync(join(dir, 'runbook.yaml'), 'utf8').replace('run: "echo hello ${run.operator}"', 'run: [sh, -c, "test -f fixed && echo fixed"]'),
    );
    const first = await cliInProcess(['run', 'runbook.yaml', '--plain', '--answers', 'answers.yaml', '--evidence-dir', 'ev', '--operator', 'Cap'], { cwd: dir });
    expect(first.code).toBe(1);
    expect(first.stdout).toContain('--retry-failed');
    const bundle = bundleIn(join(dir, 'ev'));
    writeFileSync(join(dir, 'fixed'), '');
    // The sign-off came before the retry, so it is void: the approvers sign again from the answers.
    const again = await cliInProcess(['resume', bundle, '--answers', 'answers.yaml', '--retry-failed'], { cwd: dir });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toContain('▶ hello: Say hello (attempt 2)');
    expect(again.stdout).toContain('Decision: GO (rehearsal continuation)');
    expect((await cliInProcess(['verify', bundle])).code).toBe(0);
  });

  it('--retry of a manual step is refused with a clear message', async () => {
    const dir = fixture('retry-manual');
    writeFileSync(join(dir, 'partial.yaml'), readFileSync(join(dir, 'answers.yaml'), 'utf8').replace(/^ {2}decide:.*$/m, ''));
    await cliInProcess(['run', 'runbook.yaml', '--plain', '--answers', 'partial.yaml', '--evidence-dir', 'ev', '--operator', 'Cap'], { cwd: dir });
    const r = await cliInProcess(['resume', bundleIn(join(dir, 'ev')), '--retry', 'rc'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--retry rc: it is a confirm step');
  });
});
