// The GO asked for before the joint sign-off, in a terminal: the decision's
// detail and the form name every approver who has not signed, the GO is
// refused on screen, the refusal is journaled, and the run stays open.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO } from '../../helpers/cli.js';
import { eventsOf, onlyBundle, readEvents, tempDir } from '../../fixtures/engine/scenario.js';
import { exitOf, formOpen, isRowOf, killAll, messageOf, opened, rowOf, selectedRowOf, settled, start, WAIT, walk } from './helpers.js';

afterEach(killAll);

const SIGNOFF = 'Joint sign-off (producer + consumer)';

describe('the GO lock in a terminal', () => {
  it('refuses the GO before the sign-off, shows why, journals the refusal and keeps the run open', async () => {
    const dir = tempDir();
    const evidence = join(dir, 'evidence');
    const p = start(['demo', '--evidence-dir', evidence], { cwd: REPO, columns: 80, rows: 24, env: { TMPDIR: dir } });
    await opened(p);

    // Everything before the sign-off, then move past it without signing.
    await walk(p, { stop: (row) => isRowOf(row, SIGNOFF) });
    expect(rowOf(await settled(p), SIGNOFF)).toMatch(/to sign$/);
    p.write('j');
    await p.waitFor('decision `go-no-go`', WAIT);
    let screen = await settled(p);
    expect(isRowOf(selectedRowOf(screen), 'Go/no-go')).toBe(true);
    // The decision's detail lists every unmet condition of the GO; the lock panel too.
    const text = screen.join('\n');
    expect(text).toContain('✗ GO (rehearsal continuation): LOCKED');
    expect(text).toMatch(/- Producer approver \(MemoryKernel\) \(producer_approver\) has not signed/);
    expect(text).toMatch(/- Consumer approver \(AssistSupport\) \(consumer_approver\) has not signed/);
    expect(text).toMatch(/✗ LOCKED GO \(rehearsal continuation\) — 2 unmet/);

    // Ask for the GO anyway: the form comes prefilled with it (the demo's answer).
    p.write('\r');
    await p.waitFor((t) => formOpen(t.split('\n')) && t.includes('Decide: Go/no-go'), WAIT);
    expect(p.text()).toContain('✗ GO (rehearsal continuation) is locked (2 unmet): Producer approver');
    p.write('\r');
    await p.waitFor('› Type the decision to confirm: GO (rehearsal continuation)', WAIT);
    p.write('\r');
    await p.waitFor((t) => messageOf(t.split('\n')).includes('REFUSED, the GO lock holds'), WAIT);
    screen = await settled(p);
    expect(formOpen(screen)).toBe(true);
    expect(screen.some((r) => /^✗ Producer approver \(MemoryKernel\) \(producer_approver\) has not signed/.test(r))).toBe(true);
    expect(screen.some((r) => /^✗ Consumer approver \(AssistSupport\) \(consumer_approver\) has not signed/.test(r))).toBe(true);

    // Journaled, while the screen is still open.
    const bundle = onlyBundle(evidence);
    await expect.poll(() => eventsOf(readEvents(bundle), 'decision.refused').length, { timeout: WAIT }).toBe(1);
    const [refused] = eventsOf(readEvents(bundle), 'decision.refused');
    expect(refused).toMatchObject({ step: 'go-no-go', option: 'go-rehearsal', by: 'Demo Captain' });
    expect(refused!.reasons.filter((r) => r.includes('has not signed'))).toHaveLength(2);

    // The run stays open: no decision, the step still to decide, q asks first, y pauses with 3.
    p.write('\x1b');
    await p.waitFor((t) => !formOpen(t.split('\n')) && t.includes('GO lock'), WAIT);
    screen = await settled(p);
    expect(rowOf(screen, 'Go/no-go')).toMatch(/to decide$/);
    expect(screen.join('\n')).toMatch(/✗ LOCKED GO \(rehearsal continuation\)/);
    let events = readEvents(bundle);
    expect(eventsOf(events, 'decision.recorded')).toEqual([]);
    expect(eventsOf(events, 'run.closed')).toEqual([]);
    p.write('q');
    await p.waitFor('Quit?', WAIT);
    p.write('y');
    expect(await exitOf(p)).toMatchObject({ exitCode: 3 });
    await p.waitFor('Resume with: cutover resume', WAIT);
    events = readEvents(bundle);
    expect(eventsOf(events, 'run.closed')).toEqual([]);
    expect(eventsOf(events, 'run.paused').length).toBeGreaterThan(0);
  }, 180_000);
});
