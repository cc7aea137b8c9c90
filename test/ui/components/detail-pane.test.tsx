// DetailPane: the selected step in detail — a command before it runs, the
// live output tail while it runs, then the result line (exit code,
// duration, size, sha256, HEAD), the log's path and the last lines of the
// log; a built-in check's summary; an input's values once recorded; a
// sign-off's signers; the decision's unmet conditions, option by option.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { APPROVERS, gitRepo, prepareToDecide, stepOf, tempDir } from '../../fixtures/engine/scenario.js';
import { KEY, mountScreen, ticking, unmountAll, until, type Screen } from '../screen.js';

afterEach(unmountAll);

/** The detail pane: the rows between its rule and the GO lock (or the message line). */
function pane(screen: Screen): string {
  const lines = screen.frame().split('\n');
  const from = lines.findIndex((l) => l.startsWith('───'));
  const to = lines.findIndex((l, i) => i > from && l.startsWith('GO lock —'));
  return lines.slice(from + 1, to === -1 ? undefined : to).join('\n');
}

async function select(screen: Screen, step: string): Promise<void> {
  screen.intents.select(step);
  await until(() => expect(screen.frame()).toMatch(new RegExp(`\`${step}\``)));
}

const WIDE = { columns: 200, rows: 40 };

describe('DetailPane', () => {
  it('shows a command before it runs, and how to run it', async () => {
    const screen = mountScreen({ size: WIDE });
    await select(screen, 'producer-suite');
    expect(pane(screen)).toContain('command `producer-suite`');
    expect(pane(screen)).toContain("$ sh -c 'echo producer suite green; echo '\\''producer: 0 warnings'\\'' >&2'");
    expect(pane(screen)).toContain('not run yet — Enter runs it, a runs the whole section');
    expect(pane(screen)).not.toContain('attempt 1');
    // Where it will run: the runbook's directory when the step gives no cwd.
    expect(pane(screen)).toContain(`in ${screen.session.runbookDir}`);
  });

  it('shows the output tail live while the step runs, then the result, the log and its last lines', async () => {
    const release = join(tempDir(), 'release');
    const repo = tempDir();
    const head = gitRepo(repo);
    const screen = mountScreen({
      size: WIDE,
      edit: (rb) => {
        stepOf(rb, 'producer-suite').run = ticking(release);
        stepOf(rb, 'producer-suite').cwd = repo;
      },
    });
    await select(screen, 'producer-suite');
    screen.press(KEY.enter);
    await until(() => expect(pane(screen)).toMatch(/running · \d+ B so far — o opens the whole output \(follows it\), c cancels/));
    // The directory it runs in stays in view while it runs (and after, below).
    expect(pane(screen)).toContain(`in ${repo}`);
    // The newest tick shown; which ones a frame catches depends on how busy the machine is.
    const newestTick = () => Math.max(0, ...[...pane(screen).matchAll(/^tick (\d+)$/gm)].map((m) => Number(m[1])));
    await until(() => expect(newestTick()).toBeGreaterThanOrEqual(2));
    const seen = newestTick();
    // The tail grows while it runs.
    await until(() => expect(newestTick()).toBeGreaterThanOrEqual(Math.max(6, seen + 1)));
    expect(screen.session.state.steps['producer-suite']!.status).toBe('running');
    writeFileSync(release, '');
    await until(() => expect(screen.session.state.steps['producer-suite']!.status).toBe('passed'));
    const result = screen.session.state.steps['producer-suite']!.attempts[0]!.result!;
    screen.intents.select('producer-suite'); // a pass moves the selection on
    await until(() => expect(pane(screen)).toContain(`sha256 ${result.combined.sha256.slice(0, 12)}`));
    const text = pane(screen);
    expect(text).toMatch(new RegExp(`attempt 1: exit 0 · ${(result.duration_ms / 1000).toFixed(1)}s · \\d+ B · sha256 ${result.combined.sha256.slice(0, 12)} · HEAD ${head.slice(0, 10)}`));
    expect(text).toContain(`log: ${screen.session.relative(join(screen.session.bundleDir, result.combined.file))}`);
    expect(text).not.toContain('running ·');
    expect(text).toContain(`in ${repo}`);
    // The last lines of the log, read from disk: the newest last.
    const last = Number(/tick (\d+)\s*$/.exec(text)![1]);
    expect(last).toBeGreaterThanOrEqual(6);
    expect(text).toMatch(new RegExp(`tick ${last - 1}\\ntick ${last}\\s*$`));
  });

  it('shows both streams of a finished command, and its failure', async () => {
    const screen = mountScreen({ size: WIDE, edit: (rb) => (stepOf(rb, 'producer-suite').run = ['sh', '-c', 'echo to stdout; echo to stderr >&2; exit 3']) });
    await select(screen, 'producer-suite');
    screen.press(KEY.enter);
    await until(() => expect(pane(screen)).toMatch(/attempt 1: exit 3 · /));
    expect(pane(screen)).toContain('exit code 3, expected 0');
    expect(pane(screen)).toContain('to stdout');
    expect(pane(screen)).toContain('to stderr');
  });

  it('at 80 columns breaks a long log path after a /, whole, rather than cutting it', async () => {
    const screen = mountScreen({ size: { columns: 80, rows: 30 }, edit: (rb) => (stepOf(rb, 'producer-suite').run = ['sh', '-c', 'exit 3']) });
    await select(screen, 'producer-suite');
    screen.press(KEY.enter);
    await until(() => expect(pane(screen)).toMatch(/attempt 1: exit 3 · /));
    const result = screen.session.state.steps['producer-suite']!.attempts[0]!.result!;
    const path = screen.session.relative(join(screen.session.bundleDir, result.combined.file));
    expect(`log: ${path}`.length).toBeGreaterThan(80);
    const rows = pane(screen).split('\n');
    const from = rows.findIndex((l) => l.startsWith('log: '));
    const shown = [rows[from]!.trimEnd(), ...rows.slice(from + 1).filter((l) => /^ {5}\S/.test(l)).map((l) => l.trim())];
    expect(shown.every((l) => l.length <= 80 && !l.includes('…'))).toBe(true);
    expect(shown.join('')).toBe(`log: ${path}`);
  });

  it('at 80×24 gives up where it ran and the log path before the failing output lines', async () => {
    const run = ['sh', '-c', 'echo first line; echo FAIL the gate that broke; echo summary: 1 problem; exit 1'];
    const screen = mountScreen({ size: { columns: 80, rows: 24 }, edit: (rb) => (stepOf(rb, 'producer-suite').run = run) });
    await select(screen, 'producer-suite');
    screen.press(KEY.enter);
    await until(() => expect(pane(screen)).toMatch(/attempt 1: exit 1 · /));
    const text = pane(screen);
    expect(text).toContain('exit code 1, expected 0');
    expect(text).toContain('FAIL the gate that broke');
    expect(text).toContain('summary: 1 problem');
    expect(text).not.toMatch(/^in /m);
    expect(text).not.toMatch(/^log: /m);
    // A taller terminal has room for both again.
    screen.store.setState({ size: { columns: 80, rows: 40 } });
    await until(() => expect(pane(screen)).toMatch(/^log: /m));
    expect(pane(screen)).toMatch(/^in /m);
    expect(pane(screen)).toContain('FAIL the gate that broke');
  });

  it('shows a long command whole over rows; a short pane keeps its first row, marked … ', async () => {
    const args = Array.from({ length: 9 }, (_, i) => `--option-${i}=value-${i}`);
    const screen = mountScreen({ size: { columns: 80, rows: 40 }, edit: (rb) => (stepOf(rb, 'producer-suite').run = ['echo', ...args]) });
    await select(screen, 'producer-suite');
    const rows = pane(screen).split('\n');
    const from = rows.findIndex((r) => r.startsWith('$ echo'));
    const command = rows.slice(from, from + 3).map((r, i) => (i ? r.replace(/^ {2}/, '') : r).trimEnd()).join(' ');
    expect(command).toBe(`$ echo ${args.join(' ')}`);
    expect(rows[from]).not.toContain('…');
    // Run, on a short terminal: the output wants the rows, the command keeps its first.
    screen.store.setState({ size: { columns: 80, rows: 20 } });
    screen.press(KEY.enter);
    await until(() => expect(screen.session.state.steps['producer-suite']!.status).toBe('passed'));
    screen.intents.select('producer-suite');
    await until(() => expect(pane(screen)).toMatch(/^\$ echo .* …$/m));
    expect(pane(screen)).toMatch(/^--option-0=value-0 --option-1=value-1/m); // the output line
  });

  it("shows a built-in check's command and summary", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'app.tar'), 'the artifact\n');
    const sha256 = createHash('sha256').update('the artifact\n').digest('hex');
    const screen = mountScreen({
      size: WIDE,
      edit: (rb) => rb.sections[1]!.steps.unshift({ id: 'digest', kind: 'check', title: 'Artifact digest', check: 'artifact-digest', cwd: dir, with: { root: '.', artifacts: [{ path: 'app.tar', sha256 }] } }),
    });
    await select(screen, 'digest');
    expect(pane(screen)).toContain('built-in check `digest`');
    expect(pane(screen)).toContain('$ check artifact-digest');
    screen.press(KEY.enter);
    await until(() => expect(screen.session.state.steps.digest!.status).toBe('passed'));
    const check = screen.session.state.steps.digest!.attempts[0]!.check!;
    expect(check.summary).toContain('1 of 1');
    screen.intents.select('digest');
    await until(() => expect(pane(screen)).toContain(`attempt 1: passed — ${check.summary}`));
    expect(pane(screen)).toContain(`report: ${screen.session.relative(join(screen.session.bundleDir, check.report.file))}`);
  });

  it("shows an input's fields, then the values recorded", async () => {
    const screen = mountScreen({ size: WIDE });
    await select(screen, 'meeting');
    expect(pane(screen)).toContain('input `meeting`');
    expect(pane(screen)).toMatch(/^Incident channel: —$/m);
    screen.session.confirm('rc');
    expect(screen.session.recordInput('meeting', { channel: '#cutover-bridge' }).ok).toBe(true);
    await until(() => expect(pane(screen)).toMatch(/^Incident channel: #cutover-bridge$/m));
  });

  it("shows a sign-off's signers, and who has not signed yet", async () => {
    const screen = mountScreen({ size: WIDE });
    await select(screen, 'sign');
    expect(pane(screen)).toMatch(/^Producer approver: not signed$/m);
    expect(pane(screen)).toMatch(/^Consumer approver: not signed$/m);
    expect(screen.session.sign('sign', 'pa', APPROVERS.pa).ok).toBe(true);
    await until(() => expect(pane(screen)).toMatch(/^Producer approver: Priya Producer at \d{4}-\d\d-\d\dT/m));
    expect(pane(screen)).toMatch(/^Consumer approver: not signed$/m);
  });

  it("lists the decision's unmet conditions option by option", async () => {
    const screen = mountScreen({ size: { columns: 200, rows: 50 } });
    await select(screen, 'decide');
    const lock = screen.session.lockStatus('decide');
    const go = lock.find((o) => o.option.id === 'go-rehearsal')!;
    expect(go.unmet.length).toBeGreaterThan(1);
    const text = pane(screen);
    expect(text).toContain('✗ GO (rehearsal continuation): LOCKED');
    for (const u of go.unmet) expect(text).toContain(`   - ${u.message}`);
    expect(text).toContain('✓ NO-GO: available (needs a remediation plan)');
    // Once everything is done the GO is available and nothing is listed against it.
    await prepareToDecide(screen.session);
    await until(() => expect(pane(screen)).toContain('✓ GO (rehearsal continuation): available'));
    for (const u of go.unmet) expect(pane(screen)).not.toContain(u.message);
  });
});
