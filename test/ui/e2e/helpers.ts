// Helpers of the end-to-end screen tests: ptys ended after each test, the
// rows of the frame (message line, key hints, the selected step), walking
// the screen by keys only (Enter through a form, `a` for a section, j/k to
// select), a small runbook with a slow step, and process checks.
//
// The frame is one row shorter than the terminal: at R rows, the key hints
// are on row R-2 and the message line on row R-3 (index from 0).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startPty, type Pty } from '../pty.js';

/** Generous: the tests run on a busy 2-core machine. */
export const WAIT = 30_000;

const open: { p: Pty; ended: boolean }[] = [];

/** A pty running `cutover ...args`, ended by `killAll` (call it in afterEach). */
export function start(args: string[], opts: { cwd: string; columns?: number; rows?: number; env?: Record<string, string | undefined> }): Pty {
  const p = startPty(args, opts);
  const entry = { p, ended: false };
  void p.exited.then(() => (entry.ended = true));
  open.push(entry);
  return p;
}

/**
 * Ends every pty still running: SIGTERM first, so that cutover stops the
 * step it runs (a SIGKILLed cutover cannot), then SIGKILL after 10 s.
 */
export async function killAll(): Promise<void> {
  const all = open.splice(0);
  await Promise.all(
    all.map(async ({ p, ended }) => {
      if (ended) return;
      p.kill('SIGTERM');
      if ((await exitOf(p, 10_000)) === 'timeout') p.kill('SIGKILL');
    }),
  );
}

/** How a pty ended, or 'timeout' (the test then fails on its own assertion). */
export function exitOf(p: Pty, timeoutMs = WAIT): Promise<{ exitCode: number; signal?: number } | 'timeout'> {
  return Promise.race([p.exited, new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), timeoutMs).unref())]);
}

/** The terminal's line discipline is in raw mode (stty shows -icanon): the screen has the keyboard. */
function rawMode(p: Pty): boolean {
  const tty = (p.pty as unknown as { ptsName?: string }).ptsName;
  if (!tty) return true;
  try {
    return /(^|\s)-icanon(\s|$)/.test(execFileSync('stty', ['-F', tty, '-a'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  } catch {
    return false;
  }
}

/**
 * Waits until the screen shows `what` and has the keyboard. The first frame
 * is drawn before Ink puts the terminal in raw mode; an Enter typed in
 * between is lost (see the skipped test in demo-go.test.ts), other keys wait.
 */
export async function opened(p: Pty, what = 'GO lock', timeoutMs = WAIT): Promise<void> {
  await p.waitFor(what, timeoutMs);
  await p.waitFor(() => rawMode(p), timeoutMs);
}

/** The screen after xterm has applied everything written so far. */
export async function settled(p: Pty): Promise<string[]> {
  await p.waitFor(() => true);
  return p.screen();
}

/** The screen once it has stopped changing (two reads 150 ms apart agree, apart from the elapsed clock). */
export async function stable(p: Pty, timeoutMs = WAIT): Promise<string[]> {
  const norm = (s: string[]) => s.map((r) => r.replace(/elapsed \d+:\d\d(:\d\d)?/, 'elapsed ?')).join('\n');
  const deadline = Date.now() + timeoutMs;
  let last = norm(await settled(p));
  for (;;) {
    await new Promise((r) => setTimeout(r, 150));
    const now = await settled(p);
    if (norm(now) === last) return now;
    if (Date.now() > deadline) throw new Error(`the screen never settled; it shows:\n${now.join('\n')}`);
    last = norm(now);
  }
}

export function show(screen: string[]): string {
  return screen.map((r, i) => `${String(i).padStart(2)}|${r}`).join('\n');
}

/** The key hints: the last row of the frame. */
export function footerOf(screen: string[]): string {
  return screen[screen.length - 2] ?? '';
}

/** The message line, just above the key hints. */
export function messageOf(screen: string[]): string {
  return screen[screen.length - 3] ?? '';
}

/** A form has the keyboard (its key hints are shown). */
export function formOpen(screen: string[]): boolean {
  return footerOf(screen).includes('Tab/↑↓ field');
}

/** The glyphs a step row starts with (after the scroll marker and the selection marker); the running spinner's frames too. */
const GLYPHS = '·▶✓✗⊘!■◌⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';
const STEP_ROW = new RegExp(`^[ ↑↓][ ›][${GLYPHS}] `);

/** The rows of the step list that show a step. */
export function stepRowsOf(screen: string[]): { index: number; text: string }[] {
  return screen.flatMap((text, index) => (STEP_ROW.test(text) ? [{ index, text }] : []));
}

/** The selected step's row (the `›` marker), if on screen. */
export function selectedRowOf(screen: string[]): string | undefined {
  return stepRowsOf(screen).find((r) => r.text[1] === '›')?.text;
}

/** What a step row says at its right edge: its state word (a pending step: what it waits for) and details. */
export const STATUS_PHRASE = '(?:to confirm|to fill in|to run|to send|to sign|to decide|confirmed|recorded|sent|signed|passed(?: \\S.*)?|FAILED(?: \\S.*)?|locked needs \\S.*|running \\S+(?: \\S+)?|cancelled runs again|interrupted runs again|waived(?: \\S.*)?|not done|GO \\S.*|NO-GO\\S*)';
const AFTER_TITLE = new RegExp(`^ *${STATUS_PHRASE}$`);

/** The row shows the step titled `title`: in full then its status (normally a space apart), or cut short with an ellipsis. */
export function isRowOf(row: string | undefined, title: string): boolean {
  const rest = row?.slice(4) ?? '';
  if (rest === title || (rest.startsWith(title) && AFTER_TITLE.test(rest.slice(title.length)))) return true;
  const cut = /^(.{10,}?)…/.exec(rest)?.[1];
  return cut !== undefined && title.startsWith(cut) && cut.length < title.length;
}

/** The row of the step titled `title`, if on screen. */
export function rowOf(screen: string[], title: string): string | undefined {
  return stepRowsOf(screen).find((r) => isRowOf(r.text, title))?.text;
}

/** Where the focused field of the open form is (its `›` marker at column 0), and its label. */
function formFocus(screen: string[]): string {
  const at = screen.findIndex((r) => r.startsWith('›'));
  return at === -1 ? 'none' : `${at}:${screen[at]!.split(':')[0]}`;
}

/**
 * Answers the open form with what it holds (the prefilled defaults): Enter
 * on each field until the form closes; each Enter waits for the focus to
 * move on or the form to close.
 */
export async function submitForm(p: Pty, timeoutMs = WAIT): Promise<void> {
  await p.waitFor((t) => formOpen(t.split('\n')), timeoutMs);
  for (let i = 0; i < 30; i++) {
    const before = formFocus(await settled(p));
    p.write('\r');
    await p.waitFor((t) => {
      const s = t.split('\n');
      return !formOpen(s) || formFocus(s) !== before;
    }, timeoutMs);
    if (!formOpen(await settled(p))) return;
  }
  throw new Error(`the form never closed:\n${show(p.screen())}`);
}

/**
 * `a` on the selected step: the section's automated steps run until a
 * manual step, a failure or its end; waits for the message that says which.
 */
export async function runSection(p: Pty, timeoutMs = 90_000): Promise<string> {
  const before = messageOf(await settled(p));
  p.write('a');
  await p.waitFor((t) => {
    const m = messageOf(t.split('\n'));
    return m !== before && !m.startsWith('running');
  }, timeoutMs);
  return messageOf(p.screen());
}

/**
 * Moves the selection with j/k until the selected row shows the step titled
 * `title`. A step out of view is looked for from the top of the list down
 * (`g` first when steps are scrolled off above).
 */
export async function select(p: Pty, title: string, timeoutMs = WAIT): Promise<void> {
  let fromTop = false;
  for (let i = 0; i < 80; i++) {
    const screen = await settled(p);
    const selected = selectedRowOf(screen);
    if (isRowOf(selected, title)) return;
    const rows = stepRowsOf(screen);
    const at = rows.findIndex((r) => isRowOf(r.text, title));
    if (at === -1 && !fromTop) {
      fromTop = true;
      if (screen[2]?.startsWith('↑')) {
        p.write('g');
        await p.waitFor((t) => !t.split('\n')[2]?.startsWith('↑'), timeoutMs);
      }
      continue;
    }
    const key = at !== -1 && at < rows.findIndex((r) => r.text[1] === '›') ? 'k' : 'j';
    p.write(key);
    await p.waitFor((t) => selectedRowOf(t.split('\n')) !== selected, timeoutMs);
  }
  throw new Error(`could not select "${title}":\n${show(p.screen())}`);
}

const MANUAL = /(to confirm|to fill in|to send|to sign|to decide)$/;

/**
 * Walks the run by keys only, as an operator taking every default: Enter
 * answers a manual step with its prefilled answer, `a` runs a section's
 * automated steps. Stops when `stop` holds for the selected row, or when
 * the run has an outcome (the key hints offer to leave with it).
 */
export async function walk(p: Pty, opts: { stop?: (selectedRow: string) => boolean; timeoutMs?: number } = {}): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const screen = await settled(p);
    if (footerOf(screen).includes('q leave (')) return;
    const row = selectedRowOf(screen);
    if (row === undefined) throw new Error(`no step is selected:\n${show(screen)}`);
    if (opts.stop?.(row)) return;
    if (/to run$/.test(row)) {
      await runSection(p, opts.timeoutMs);
      // It ran to a manual step or to the next section; anything else (FAILED, cancelled) ends the walk.
      const now = selectedRowOf(await settled(p)) ?? '';
      if (!MANUAL.test(now) && !/to run$/.test(now)) throw new Error(`the section stopped on:\n${show(p.screen())}`);
    } else if (MANUAL.test(row)) {
      p.write('\r');
      await submitForm(p, opts.timeoutMs);
    } else throw new Error(`the walk does not know what to do on:\n${show(screen)}`);
  }
  throw new Error(`the walk did not end:\n${show(p.screen())}`);
}

/** The slow runbook: a fast step, a step printing `lines` lines (one per 0.1 s) or `slow` as given, a confirmation, a sign-off and the decision. */
export function slowRunbook(dir: string, opts: { lines?: number; slow?: string } = {}): string {
  const slow = opts.slow ?? `for i in $(seq 1 ${opts.lines ?? 200}); do echo line $i; sleep 0.1; done`;
  const file = join(dir, 'rb.yaml');
  writeFileSync(
    file,
    `format: cutover-runbook/v1
id: slow
title: Slow steps
version: "1"
modes: [rehearsal]
baseline: { release_tag: v1, commit: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa }
target: { release_tag: v2, commit: bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb }
roles: [{ id: captain, title: Captain, side: joint }, { id: pa, title: Producer approver, side: producer }, { id: ca, title: Consumer approver, side: consumer }]
sections:
  - id: s
    title: Work
    steps:
      - { id: fast, kind: command, title: Fast step, run: [sh, -c, "echo fast"] }
      - { id: slow, kind: command, title: Slow step printing lines, shell: true, run: ${JSON.stringify(slow)} }
      - { id: ok, kind: confirm, title: Looks fine, statement: All good }
      - { id: sign, kind: signoff, title: Sign, roles: [pa, ca], statement: "We approve" }
      - id: decide
        kind: decision
        title: Go/no-go
        options:
          - { id: go, label: GO (rehearsal continuation), go: true, requires_signoffs: [sign] }
          - { id: no-go, label: NO-GO, go: false, remediation: true }
`,
  );
  return file;
}

/** The command lines of every process on the machine. */
export function processArgs(): string[] {
  return execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n');
}

/**
 * Waits (up to `timeoutMs`) until no process's command line contains `marker`; returns those still there.
 * The marked processes must not end by themselves within the wait (a busy machine is slow, not wrong).
 */
export async function processesGone(marker: string, timeoutMs = 30_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = processArgs().filter((a) => a.includes(marker) && !a.includes('ps -eo'));
    if (!left.length || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 100));
  }
}
