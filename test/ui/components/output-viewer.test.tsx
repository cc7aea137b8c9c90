// OutputViewer (o): a step's whole output read from its log by pages — ↓/j
// and ↑/k a line, PgDn/space and PgUp/b a page, g/Home and G/End the start
// and the end; / searches forward and ? backward, n repeats and N reverses,
// a search that finds nothing says so, Esc abandons a search being typed;
// f follows (or stops following) the log of a step while it runs.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stepOf, tempDir } from '../../fixtures/engine/scenario.js';
import { KEY, mountScreen, ticking, unmountAll, until, type Screen } from '../screen.js';

afterEach(unmountAll);

// Wide: the title bar holds the log's path (absolute in a temp dir) before its size and position.
const SIZE = { columns: 250, rows: 30 };
/** Rows of output on screen: the terminal's rows, less one, less the title and the status line. */
const PAGE = SIZE.rows - 3;

const lines = (screen: Screen) => screen.frame().split('\n');
const title = (screen: Screen) => lines(screen)[0]!;
const body = (screen: Screen) => lines(screen).slice(1, 1 + PAGE);
const status = (screen: Screen) => lines(screen)[1 + PAGE]!.trimEnd();
const top = (screen: Screen) => body(screen)[0]!.trim();

/** The byte offset where line `n` of `seq 1 500` starts. */
const offsetOf = (n: number) => Array.from({ length: n - 1 }, (_, i) => String(i + 1).length + 1).reduce((a, b) => a + b, 0);

/** The fixture with a producer suite printing 1…500, run, and its output open. */
async function viewSeq(): Promise<Screen> {
  const screen = mountScreen({ size: SIZE, edit: (rb) => (stepOf(rb, 'producer-suite').run = ['seq', '1', '500']) });
  await screen.session.runStep('producer-suite');
  screen.intents.select('producer-suite');
  await until(() => expect(screen.frame()).toContain('attempt 1: exit 0'));
  screen.press('o');
  await until(() => expect(title(screen)).toContain(' Output of producer-suite · '));
  return screen;
}

/** Moves with `key` and waits for `line` to be the first shown. */
async function move(screen: Screen, key: string, line: string): Promise<void> {
  screen.press(key);
  await until(() => expect(top(screen)).toBe(line));
}

/** Types a search (/ or ?) and Enter. */
async function search(screen: Screen, how: '/' | '?', term: string): Promise<void> {
  screen.press(how);
  await until(() => expect(status(screen)).toMatch(new RegExp(`^\\${how}█`)));
  screen.press(...term);
  await until(() => expect(status(screen)).toContain(`${how}${term}█  (Enter search, Esc cancel)`));
  screen.press(KEY.enter);
}

describe('OutputViewer on a finished step', () => {
  it('opens at the start of the log, with its path, size and how far it shows', async () => {
    const screen = await viewSeq();
    const result = screen.session.state.steps['producer-suite']!.attempts[0]!.result!;
    expect(title(screen)).toBe(` Output of producer-suite · 1.8 KiB · ${Math.round((offsetOf(PAGE + 1) / offsetOf(501)) * 100)}% · ${screen.session.relative(join(screen.session.bundleDir, result.combined.file))}`);
    expect(body(screen).map((l) => l.trim())).toEqual(Array.from({ length: PAGE }, (_, i) => String(i + 1)));
    expect(status(screen)).toContain('↑↓ jk line · PgUp/PgDn b/space page · g/G start/end');
  });

  it('moves a page with PgDn/space and PgUp/b, a line with ↓/j and ↑/k', async () => {
    const screen = await viewSeq();
    await move(screen, KEY.pageDown, String(PAGE + 1));
    await move(screen, ' ', String(2 * PAGE + 1));
    await move(screen, KEY.pageUp, String(PAGE + 1));
    await move(screen, 'b', '1');
    await move(screen, KEY.down, '2');
    await move(screen, 'j', '3');
    await move(screen, KEY.up, '2');
    await move(screen, 'k', '1');
    // Nothing above the first line.
    await move(screen, KEY.pageUp, '1');
  });

  it('goes to the end with G/End and back to the start with g/Home', async () => {
    const screen = await viewSeq();
    screen.press('G');
    await until(() => expect(body(screen).at(-1)!.trim()).toBe('500'));
    expect(top(screen)).toBe(String(500 - PAGE + 1));
    expect(title(screen)).toContain('· 100%');
    await move(screen, 'g', '1');
    screen.press(KEY.end);
    await until(() => expect(body(screen).at(-1)!.trim()).toBe('500'));
    await move(screen, KEY.home, '1');
  });

  it('searches forward with /, and says where it found the term', async () => {
    const screen = await viewSeq();
    await search(screen, '/', '250');
    await until(() => expect(top(screen)).toBe('250'));
    expect(status(screen)).toBe(`"250" at byte ${offsetOf(250)}`);
  });

  it('repeats a search with n, backwards with ?, and reverses it with N', async () => {
    const screen = await viewSeq();
    await search(screen, '/', '25');
    await until(() => expect(top(screen)).toBe('25'));
    await move(screen, 'n', '125');
    await move(screen, 'n', '225');
    await search(screen, '?', '25');
    await until(() => expect(top(screen)).toBe('125'));
    await move(screen, 'n', '25');
    await move(screen, 'N', '125');
  });

  it('says so when the term is not found, and stays where it was', async () => {
    const screen = await viewSeq();
    await move(screen, KEY.pageDown, String(PAGE + 1));
    await search(screen, '/', 'zzz');
    await until(() => expect(status(screen)).toBe('"zzz" not found below'));
    expect(top(screen)).toBe(String(PAGE + 1));
    await search(screen, '?', '499');
    await until(() => expect(status(screen)).toBe('"499" not found above'));
    expect(top(screen)).toBe(String(PAGE + 1));
  });

  it('abandons a search being typed with Esc, and stays open', async () => {
    const screen = await viewSeq();
    screen.press('/');
    await until(() => expect(status(screen)).toMatch(/^\/█/));
    screen.press('4', '2');
    await until(() => expect(status(screen)).toContain('/42█'));
    screen.press(KEY.escape);
    await until(() => expect(status(screen)).toContain('↑↓ jk line'));
    expect(top(screen)).toBe('1');
    expect(title(screen)).toContain(' Output of producer-suite · ');
    // The viewer has the keys again: q closes it.
    screen.press('q');
    await until(() => expect(screen.frame()).toContain('GO lock —'));
  });
});

describe('OutputViewer on a running step', () => {
  it('follows the log as it grows; f stops following and f follows again', async () => {
    const release = join(tempDir(), 'release');
    const screen = mountScreen({ size: SIZE, edit: (rb) => (stepOf(rb, 'producer-suite').run = ticking(release, 20)) });
    screen.intents.select('producer-suite');
    await until(() => expect(screen.frame()).toContain('`producer-suite`'));
    screen.press(KEY.enter);
    await until(() => expect(screen.frame()).toContain('tick 1'));
    screen.press('o');
    await until(() => expect(title(screen)).toMatch(/ Output of producer-suite \(running\) · .* · following/));
    // More lines than a page: following, the first one has scrolled away.
    const tickOf = (line: string) => Number(/tick (\d+)/.exec(line)?.[1] ?? NaN);
    await until(() => expect(tickOf(top(screen))).toBeGreaterThan(5));
    await until(() => expect(tickOf(body(screen).at(-1)!)).toBeGreaterThan(tickOf(top(screen)) + PAGE - 2));
    screen.press('f');
    await until(() => expect(title(screen)).not.toContain('following'));
    const held = top(screen);
    const size = /· ([\d.]+ (?:B|KiB))/.exec(title(screen))![1];
    // The log grows on, the view stays.
    await until(() => expect(/· ([\d.]+ (?:B|KiB))/.exec(title(screen))![1]).not.toBe(size));
    expect(top(screen)).toBe(held);
    screen.press('f');
    await until(() => expect(title(screen)).toContain('· following'));
    await until(() => expect(tickOf(top(screen))).toBeGreaterThan(tickOf(held)));
    writeFileSync(release, '');
    await until(() => expect(title(screen)).not.toContain('(running)'));
    expect(screen.session.state.steps['producer-suite']!.status).toBe('passed');
  });
});

describe('OutputViewer at 80 columns', () => {
  it('keeps the position and the follow state in view', async () => {
    const release = join(tempDir(), 'release');
    const screen = mountScreen({ size: { columns: 80, rows: 24 }, edit: (rb) => (stepOf(rb, 'producer-suite').run = ticking(release, 20)) });
    screen.intents.select('producer-suite');
    await until(() => expect(screen.frame()).toContain('`producer-suite`'));
    screen.press(KEY.enter);
    await until(() => expect(screen.frame()).toContain('tick 1'));
    screen.press('o');
    await until(() => expect(title(screen)).toContain('Output of producer-suite (running)'));
    expect(title(screen)).toContain('following');
    expect(title(screen)).toMatch(/\d+%/);
    // The key hints fit: the way back and follow are always there; g/G and n/N give way first.
    expect(lines(screen).at(-1)!.trim()).toBe('↑↓ jk line · PgUp/PgDn b/space page · / ? search · f follow · q/Esc back');
    writeFileSync(release, '');
  });
});
