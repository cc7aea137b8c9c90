// The layout in 80×24 and 120×40 terminals, read off the screen: the title
// and the REHEARSAL badge on row 1, the key hints on the frame's last row
// (the frame is one row shorter than the terminal), the step list, the
// separator, the detail, the GO lock and the message line in their places,
// no row wider than the terminal, and every step row with its title (whole,
// or cut with an ellipsis) and its status word flush right, a gap between.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO } from '../../helpers/cli.js';
import { tempDir } from '../../fixtures/engine/scenario.js';
import type { Pty } from '../pty.js';
import { footerOf, killAll, messageOf, opened, rowOf, runSection, select, settled, show, slowRunbook, stable, start, STATUS_PHRASE, stepRowsOf, WAIT } from './helpers.js';

afterEach(killAll);

const TITLE = 'Service.v3 cutover day — sandbox rehearsal';
const demo = parse(readFileSync(join(REPO, 'checklists/demo/demo.yaml'), 'utf8')) as { sections: { title: string; steps: { title: string }[] }[] };
const STEP_TITLES = demo.sections.flatMap((s) => s.steps.map((st) => st.title));
const SECTION_TITLES = demo.sections.map((s) => s.title);
/** A step row after its glyph: the title, a gap, the status flush right. */
const STATUS = new RegExp(`^(.*?) +(${STATUS_PHRASE})$`);

const width = (row: string) => [...row].length;

/** A title as shown: whole, or cut short with an ellipsis. */
function shownTitle(shown: string, titles: string[]): boolean {
  if (titles.includes(shown)) return true;
  return shown.endsWith('…') && shown.length > 1 && titles.some((t) => t.startsWith(shown.slice(0, -1)) && t.length >= shown.length);
}

/** The rows every screen of the run shares: title and badge, pins, key hints, nothing below the frame, nothing too wide. */
function expectFrame(screen: string[], columns: number, rows: number): void {
  const where = `\n${show(screen)}`;
  expect(screen, where).toHaveLength(rows);
  for (const row of screen) expect(width(row), `too wide: ${JSON.stringify(row)}${where}`).toBeLessThanOrEqual(columns);
  // Row 1: the title at the left, the badge (" REHEARSAL ", in reverse video) at the right edge.
  expect(screen[0], where).toMatch(new RegExp(`^${TITLE} +REHEARSAL $`));
  expect(width(screen[0]!), where).toBe(columns);
  expect(screen[1], where).toMatch(/^v0\.3\.2 cf33144 → v0\.4\.0 7e4806a · Demo Captain · elapsed \d+:\d\d$/);
  // The frame is one row shorter than the terminal: key hints on rows-2, the last row empty.
  expect(screen[rows - 1], where).toBe('');
  expect(footerOf(screen), where).toMatch(/^ \S/);
  expect(messageOf(screen), where).not.toBe('');
}

/** The main screen (no form): steps, separator, detail, GO lock, message, keys. */
function expectMain(screen: string[], columns: number, rows: number): void {
  const where = `\n${show(screen)}`;
  expectFrame(screen, columns, rows);
  expect(footerOf(screen), where).toMatch(/^ ↓ move {2}.* \? help {2}q quit *$/);
  // The GO lock: its title and one row per option, just above the message line.
  expect(screen[rows - 6], where).toBe('GO lock — Go/no-go');
  expect(screen[rows - 5], where).toMatch(/^✗ LOCKED GO \(rehearsal continuation\) — \d+ unmet, first: /);
  expect(screen[rows - 4], where).toBe('✓ open   NO-GO — needs a remediation plan');
  // The separator spans the width and ends the step list.
  const sep = screen.indexOf('─'.repeat(columns));
  expect(sep, where).toBeGreaterThan(4);
  expect(sep, where).toBeLessThan(rows - 6);
  const list = screen.slice(2, sep);
  const steps = stepRowsOf(screen).filter((r) => r.index < sep);
  expect(steps.length, where).toBeGreaterThan(2);
  expect(steps.filter((r) => r.text[1] === '›'), where).toHaveLength(1);
  for (const row of list) {
    const step = steps.find((s) => s.text === row);
    if (!step) {
      // A section title (with the scroll marker in the first column).
      expect(SECTION_TITLES, `not a step or section row: ${JSON.stringify(row)}${where}`).toContain(row.slice(2));
      continue;
    }
    // The status is flush right, whole, and a space apart from the title.
    expect(width(row), `status not at the right edge: ${JSON.stringify(row)}${where}`).toBe(columns);
    const m = STATUS.exec(row.slice(4));
    expect(m, `no status word at the right edge: ${JSON.stringify(row)}${where}`).not.toBeNull();
    expect(shownTitle(m![1]!, STEP_TITLES), `title cut off or overwritten: ${JSON.stringify(row)}${where}`).toBe(true);
  }
}

async function checkMain(p: Pty, columns: number, rows: number): Promise<string[]> {
  const screen = await stable(p);
  expectMain(screen, columns, rows);
  return screen;
}

describe.each([
  [80, 24],
  [120, 40],
])('the layout at %i×%i', (columns, rows) => {
  it('keeps every part of the screen in its place, whole, in every state', async () => {
    const dir = tempDir();
    const p = start(['demo', '--evidence-dir', join(dir, 'evidence')], { cwd: REPO, columns, rows, env: { TMPDIR: dir } });
    await opened(p);
    let screen = await checkMain(p, columns, rows);
    expect(stepRowsOf(screen)[0]!.text).toMatch(/^ ›· Release candidate is immutable +to confirm$/);

    // Passed commands and checks (long check summaries), locked and pending steps.
    await select(p, 'Producer checkout has no local changes');
    expect(await runSection(p)).toContain('5 step(s) ran, all passed');
    await checkMain(p, columns, rows);
    await select(p, 'Regenerate the service-v3-candidate handoff payload');
    await runSection(p);
    for (const title of ['Release evidence artifacts match their sha256 pins', 'Regenerated candidate payload matches the manifest', 'Published handoff payload matches the manifest']) {
      await select(p, title);
      screen = await checkMain(p, columns, rows);
      expect(screen.join('\n')).toMatch(/attempt 1: passed — /);
    }

    // A form in place of the detail and the lock: the frame holds.
    await select(p, 'Handoff payload published to the consumer');
    p.write('\r');
    await p.waitFor('Confirm: Handoff payload published to the consumer', WAIT);
    screen = await stable(p);
    expectFrame(screen, columns, rows);
    expect(footerOf(screen)).toMatch(/^ Tab\/↑↓ field {2}⏎ next \/ submit {2}Esc cancel {2}Ctrl-C stop & pause *$/);
    expect(screen).toContain('─'.repeat(columns));
    expect(screen.some((r) => r.startsWith('› Evidence link: https://example.invalid/'))).toBe(true);
    p.write('\x1b');
    await p.waitFor('GO lock', WAIT);
    await checkMain(p, columns, rows);

    // The help: every key, within the frame.
    p.write('?');
    await p.waitFor('Keys — cutover', WAIT);
    screen = await stable(p);
    expect(screen[0]).toBe('Keys — cutover (Esc or ? closes this help)');
    expect(screen.some((r) => r.startsWith('Ctrl-C   stop the running step'))).toBe(true);
    expect(screen.some((r) => r.startsWith('Home g   the first step'))).toBe(true);
    expect(screen[rows - 1]).toBe('');
    for (const row of screen) expect(width(row)).toBeLessThanOrEqual(columns);
    p.write('\x1b');
    await p.waitFor('GO lock', WAIT);
    await checkMain(p, columns, rows);
  }, 180_000);
});

describe('the help in a shorter terminal', () => {
  it('fits an 80×20 terminal (every key listed or a way to scroll, nothing drawn over)', async () => {
    const columns = 80;
    const rows = 20;
    const dir = tempDir();
    const p = start(['demo', '--evidence-dir', join(dir, 'evidence')], { cwd: REPO, columns, rows, env: { TMPDIR: dir } });
    await opened(p);
    p.write('?');
    await p.waitFor('Ctrl-C   stop', WAIT);
    const screen = await stable(p);
    expect(screen[0]).toBe('Keys — cutover (Esc or ? closes this help)');
    expect(screen[rows - 1]).toBe('');
    // On a short terminal the keys stand in two columns.
    for (const keys of ['↑ k      ', '↓ j      ', 'Home g   ', 'End G    ', 'o        ']) expect(screen.some((r) => r.includes(keys)), keys).toBe(true);
    expect(screen.some((r) => r.includes('stephis'))).toBe(false);
  }, 120_000);
});

describe('the output viewer at 80 columns', () => {
  // Its header once put the log's path first and truncated the end, so the
  // size, the position and "following" were cut off at 80 columns
  // ("…/attempt-1/combined.log · …"); fixed in d8eee49.
  it('keeps the size, the position and "following" in view in the header', async () => {
    const dir = tempDir();
    slowRunbook(dir, { slow: 'i=0; while [ ! -e done ]; do i=$((i+1)); echo line $i; sleep 0.1; done' });
    const p = start(['run', 'rb.yaml', '--evidence-dir', 'ev', '--operator', 'Olga'], { cwd: dir, columns: 80, rows: 24 });
    await opened(p);
    p.write('a');
    await p.waitFor((t) => / running \d+:\d\d$/.test(rowOf(t.split('\n'), 'Slow step printing lines') ?? ''), WAIT);
    p.write('o');
    // Once the log has lines: its size, how far down the view is, and that it follows.
    await p.waitFor((t) => /^ Output of slow \(running\) .*· \d+(\.\d)? (B|KiB) · \d+% · following/.test(t.split('\n')[0]!), WAIT);
    writeFileSync(join(dir, 'done'), '');
    expect([...(await settled(p))[0]!].length).toBe(80);
  }, 120_000);
});
