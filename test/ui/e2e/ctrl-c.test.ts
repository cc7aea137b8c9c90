// Ctrl-C while a step runs, in a terminal: the step is cancelled and
// recorded as cancelled, the run pauses with 130, the terminal is restored,
// and `cutover resume` opens on the cancelled step.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cli } from '../../helpers/cli.js';
import { eventsOf, onlyBundle, readEvents, tempDir } from '../../fixtures/engine/scenario.js';
import { exitOf, isRowOf, killAll, messageOf, opened, processesGone, rowOf, selectedRowOf, settled, slowRunbook, start, WAIT } from './helpers.js';

afterEach(killAll);

const SLOW = 'Slow step printing lines';

describe('Ctrl-C in a terminal', () => {
  it('cancels the running step, pauses with 130, and resume opens on the cancelled step', async () => {
    const dir = tempDir();
    const marker = `ctrl-c-marker-${process.pid}-${Date.now()}`;
    // Endless unless cancelled, so the wait for it to be gone below can be generous.
    slowRunbook(dir, { slow: `for i in $(seq 1 1000000); do echo line $i; sleep 0.1; done; : ${marker}` });
    const p = start(['run', 'rb.yaml', '--evidence-dir', 'ev', '--operator', 'Olga'], { cwd: dir, columns: 80, rows: 24 });
    await opened(p);

    p.write('a');
    await p.waitFor((t) => / running \d+:\d\d$/.test(rowOf(t.split('\n'), SLOW) ?? '') && t.includes('line 3'), WAIT);
    expect(isRowOf(selectedRowOf(await settled(p)), SLOW)).toBe(true);
    p.write('\x03');
    expect(await exitOf(p)).toMatchObject({ exitCode: 130 });

    // The normal screen is back, with the summary.
    await p.waitFor('Resume with: cutover resume', WAIT);
    expect(p.text()).toContain('cutover: Slow steps\nOutcome: INTERRUPTED (resumable) (REHEARSAL)');
    const raw = p.raw();
    expect(raw.lastIndexOf('\x1b[?1049l')).toBeGreaterThan(raw.lastIndexOf('\x1b[?1049h'));
    expect(raw.lastIndexOf('\x1b[?25h')).toBeGreaterThan(raw.lastIndexOf('\x1b[?1049h'));
    expect(await processesGone(marker)).toEqual([]);

    // Recorded: the attempt cancelled, then the pause.
    const bundle = onlyBundle(join(dir, 'ev'));
    const events = readEvents(bundle);
    const slow = eventsOf(events, 'step.finished').filter((e) => e.step === 'slow');
    expect(slow).toHaveLength(1);
    expect(slow[0]!.result?.outcome).toBe('cancelled');
    expect(eventsOf(events, 'run.paused')).toMatchObject([{ reason: 'interrupted by Ctrl-C' }]);
    expect(events.at(-1)!.type).toBe('run.paused');
    expect((await cli(['verify', bundle], { cwd: dir })).code).toBe(0);

    // Resume in a new terminal: it opens on the cancelled step.
    const q = start(['resume', bundle], { cwd: dir, columns: 80, rows: 24 });
    await opened(q);
    await q.waitFor((t) => messageOf(t.split('\n')).startsWith('resumed where the run stopped'), WAIT);
    const screen = await settled(q);
    const selected = selectedRowOf(screen);
    expect(isRowOf(selected, SLOW)).toBe(true);
    expect(selected).toMatch(/^ ›■ Slow step printing lines +cancelled runs again$/);
    expect(rowOf(screen, 'Fast step')).toMatch(/ passed \d+\.\ds$/);
    expect(screen.join('\n')).toContain('command `slow`');
    expect(screen.join('\n')).toMatch(/attempt 1: cancelled/);
    q.write('q');
    await q.waitFor('Quit?', WAIT);
    q.write('y');
    expect(await exitOf(q)).toMatchObject({ exitCode: 3 });
  }, 120_000);
});
