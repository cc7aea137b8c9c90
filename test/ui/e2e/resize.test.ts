// Resizing the terminal while a step runs and prints: the screen redraws to
// each new size (the separator spans the new width, the badge sits at the
// new right edge, nothing is left over from the old frame), a too-small
// terminal gets a notice instead of a broken frame, and the step runs on to
// the end, its output whole.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventsOf, onlyBundle, readEvents, tempDir } from '../../fixtures/engine/scenario.js';
import type { Pty } from '../pty.js';
import { exitOf, footerOf, isRowOf, killAll, opened, rowOf, selectedRowOf, settled, show, slowRunbook, start, WAIT } from './helpers.js';

afterEach(killAll);

const SLOW = 'Slow step printing lines';

/** Waits until the main screen is drawn for `columns`×`rows`, then checks that nothing of another size is left. */
async function redrawnAt(p: Pty, columns: number, rows: number): Promise<string[]> {
  await p.waitFor((t) => {
    const s = t.split('\n');
    return s.length === rows && /^Slow steps +REHEARSAL $/.test(s[0]!) && [...s[0]!].length === columns && s.includes('─'.repeat(columns)) && footerOf(s).startsWith(' ↓ move');
  }, WAIT);
  const screen = await settled(p);
  const where = `\n${show(screen)}`;
  for (const row of screen) expect([...row].length, `too wide: ${JSON.stringify(row)}${where}`).toBeLessThanOrEqual(columns);
  // One separator, of the new width; the GO lock and the keys in their rows; nothing below the frame.
  expect(screen.filter((r) => /^─+$/.test(r)), where).toEqual(['─'.repeat(columns)]);
  expect(screen[rows - 6], where).toBe('GO lock — Go/no-go');
  expect(screen[rows - 1], where).toBe('');
  expect(screen.filter((r) => r.startsWith('Slow steps')), where).toHaveLength(1);
  expect(screen.filter((r) => r.startsWith('GO lock')), where).toHaveLength(1);
  expect(screen[1], where).toMatch(/^v1 aaaaaaa → v2 bbbbbbb · Olga · elapsed \d+:\d\d$/);
  return screen;
}

describe('resizing the terminal in a terminal session', () => {
  it('redraws to each new size while a step prints, and the step runs to the end', async () => {
    const dir = tempDir();
    // It prints a line every 0.1 s until the test creates `done`.
    slowRunbook(dir, { slow: 'i=0; while [ ! -e done ]; do i=$((i+1)); echo line $i; sleep 0.1; done; echo finished after $i' });
    const p = start(['run', 'rb.yaml', '--evidence-dir', 'ev', '--operator', 'Olga'], { cwd: dir, columns: 80, rows: 24 });
    await opened(p);
    p.write('a');
    await p.waitFor((t) => / running \d+:\d\d$/.test(rowOf(t.split('\n'), SLOW) ?? '') && t.split('\n').includes('line 3'), WAIT);

    // Larger: the frame grows to 100×30.
    p.resize(100, 30);
    let screen = await redrawnAt(p, 100, 30);
    expect(rowOf(screen, SLOW)).toMatch(/ running \d+:\d\d$/);
    expect([...rowOf(screen, SLOW)!].length).toBe(100);

    // Back to 80×24, still running.
    p.resize(80, 24);
    screen = await redrawnAt(p, 80, 24);
    expect(isRowOf(selectedRowOf(screen), SLOW)).toBe(true);

    // Too small: a notice instead of the frame; enlarged again, the frame is back.
    p.resize(50, 12);
    await p.waitFor((t) => t.replace(/\n/g, ' ').includes('The terminal is 50×12; cutover needs at least 60×16.'), WAIT);
    screen = await settled(p);
    for (const row of screen) expect([...row].length).toBeLessThanOrEqual(50);
    expect(screen.some((r) => r.includes('GO lock'))).toBe(false);
    p.resize(80, 24);
    await redrawnAt(p, 80, 24);

    // The output viewer follows the running step at the new size.
    p.write('o');
    await p.waitFor((t) => t.split('\n')[0]!.startsWith(' Output of slow (running) '), WAIT);
    const last = () => Math.max(0, ...p.screen().map((r) => Number(/^line (\d+)$/.exec(r)?.[1] ?? 0)));
    const seen = last();
    // It follows the log: later lines come into view.
    await p.waitFor(() => last() > seen + 3, WAIT);
    p.resize(100, 30);
    await p.waitFor((t) => [...t.split('\n')[0]!].length === 100 && t.split('\n')[0]!.startsWith(' Output of slow (running) '), WAIT);
    const seenWide = last();
    await p.waitFor(() => last() > seenWide + 3, WAIT);
    expect(p.screen()[29]).toBe('');
    p.write('q');
    await redrawnAt(p, 100, 30);

    // The step runs on to the end: passed, every line in its log.
    writeFileSync(join(dir, 'done'), '');
    await p.waitFor((t) => / passed \d+\.\ds$/.test(rowOf(t.split('\n'), SLOW) ?? ''), WAIT);
    screen = await redrawnAt(p, 100, 30);
    expect(rowOf(screen, 'Looks fine')).toMatch(/to confirm$/);
    const bundle = onlyBundle(join(dir, 'ev'));
    const finished = eventsOf(readEvents(bundle), 'step.finished').filter((e) => e.step === 'slow');
    expect(finished.map((e) => [e.result?.outcome, e.result?.exit_code])).toEqual([['exited', 0]]);
    const log = readFileSync(join(bundle, finished[0]!.result!.combined.file), 'utf8').trim().split('\n');
    const n = log.length - 1;
    expect(n).toBeGreaterThan(seenWide);
    expect(log).toEqual([...Array.from({ length: n }, (_, i) => `line ${i + 1}`), `finished after ${n}`]);

    p.write('q');
    await p.waitFor('Quit?', WAIT);
    p.write('y');
    expect(await exitOf(p)).toMatchObject({ exitCode: 3 });
  }, 150_000);
});
