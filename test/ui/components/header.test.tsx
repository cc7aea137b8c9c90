// Header: the runbook's title and the mode badge (REHEARSAL, or CUTOVER —
// LIVE in a cutover run) on the first row; the pins, the operator, the
// elapsed time on the session's clock and the running deadlines as
// countdowns (then OVERDUE) on the second.
import { afterEach, describe, expect, it } from 'vitest';
import { stepOf } from '../../fixtures/engine/scenario.js';
import { mountScreen, movableClock, startSession, unmountAll, until } from '../screen.js';

afterEach(unmountAll);

const headerOf = (frame: string) => frame.split('\n').slice(0, 2);

describe('Header', () => {
  it('shows the title, the REHEARSAL badge, the pins, the operator and the elapsed time', async () => {
    // A clock that stands still: on the real one a busy machine can take a second to the first frame.
    const screen = mountScreen({ now: movableClock().now });
    await until(() => expect(screen.frame()).toContain('GO lock fixture'));
    const [first, second] = headerOf(screen.frame());
    expect(first).toMatch(/^GO lock fixture\s+REHEARSAL\s*$/);
    expect(first).not.toContain('CUTOVER');
    expect(second).toBe('v0.3.2 cf33144 → v0.4.0 7e4806a · Olga Operator · elapsed 0:00');
  });

  it('shows CUTOVER — LIVE and no REHEARSAL badge in a cutover run', async () => {
    const screen = mountScreen({ session: startSession({ mode: 'cutover' }) });
    await until(() => expect(headerOf(screen.frame())[0]).toMatch(/^GO lock fixture\s+CUTOVER — LIVE\s*$/));
    expect(screen.frame()).not.toContain('REHEARSAL');
  });

  it('counts the elapsed time on the session clock (m:ss, then h:mm:ss)', async () => {
    const clock = movableClock();
    const screen = mountScreen({ now: clock.now });
    await until(() => expect(headerOf(screen.frame())[1]).toContain('elapsed 0:00'));
    clock.advance(75_000);
    await until(() => expect(headerOf(screen.frame())[1]).toContain('elapsed 1:15'));
    clock.advance(3600_000);
    await until(() => expect(headerOf(screen.frame())[1]).toContain('elapsed 1:01:15'));
  });

  it('counts a running deadline down, then shows it OVERDUE', async () => {
    const clock = movableClock();
    const screen = mountScreen({ now: clock.now, size: { columns: 140, rows: 30 }, edit: (rb) => (stepOf(rb, 'rc').due = { after: 'start', within: '1m' }) });
    await until(() => expect(headerOf(screen.frame())[1]).toContain('⏱ Release candidate immutable in 1:00 · v0.3.2'));
    clock.advance(20_000);
    await until(() => expect(headerOf(screen.frame())[1]).toContain('⏱ Release candidate immutable in 0:40'));
    expect(screen.frame()).not.toContain('OVERDUE');
    clock.advance(70_000);
    await until(() => expect(headerOf(screen.frame())[1]).toContain('⏱ Release candidate immutable OVERDUE 0:30'));
    expect(headerOf(screen.frame())[1]).not.toMatch(/immutable in \d/);
  });

  it('with a countdown on a narrow terminal, gives up the operator, then the pins (to the target alone, then none), never the elapsed time', async () => {
    const clock = movableClock();
    const screen = mountScreen({ now: clock.now, size: { columns: 80, rows: 24 }, edit: (rb) => (stepOf(rb, 'rc').due = { after: 'start', within: '1m' }) });
    await until(() => expect(headerOf(screen.frame())[1]).toBe('⏱ Release candidate immutable in 1:00 · → v0.4.0 7e4806a · elapsed 0:00'));
    screen.store.setState({ size: { columns: 100, rows: 24 } });
    await until(() => expect(headerOf(screen.frame())[1]).toBe('⏱ Release candidate immutable in 1:00 · v0.3.2 cf33144 → v0.4.0 7e4806a · elapsed 0:00'));
    screen.store.setState({ size: { columns: 60, rows: 24 } });
    await until(() => expect(headerOf(screen.frame())[1]).toBe('⏱ Release candidate immutable in 1:00 · elapsed 0:00'));
    screen.store.setState({ size: { columns: 120, rows: 24 } });
    await until(() => expect(headerOf(screen.frame())[1]).toBe('⏱ Release candidate immutable in 1:00 · v0.3.2 cf33144 → v0.4.0 7e4806a · Olga Operator · elapsed 0:00'));
  });

  it('drops a deadline from the header once its step is done in time', async () => {
    const clock = movableClock();
    const screen = mountScreen({ now: clock.now, size: { columns: 140, rows: 30 }, edit: (rb) => (stepOf(rb, 'rc').due = { after: 'start', within: '1m' }) });
    await until(() => expect(headerOf(screen.frame())[1]).toContain('⏱ Release candidate immutable in 1:00'));
    expect(screen.session.confirm('rc').ok).toBe(true);
    await until(() => expect(headerOf(screen.frame())[1]).not.toContain('⏱'));
  });

  it('keeps an OVERDUE deadline visible at 80×24', async () => {
    const clock = movableClock();
    const screen = mountScreen({ now: clock.now, size: { columns: 80, rows: 24 }, edit: (rb) => (stepOf(rb, 'rc').due = { after: 'start', within: '1m' }) });
    clock.advance(90_000);
    // The countdown comes first on the row: at 80 columns it is the elapsed time that is cut.
    await until(() => expect(headerOf(screen.frame())[1]).toContain('⏱ Release candidate immutable OVERDUE 0:30'));
  });
});
