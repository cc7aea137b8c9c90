// Status updates on the screen (issue 13): the next-update ETA of the latest
// notice counts down in the header and on the update step's row; Enter on
// the step opens its form, prefilled from the answers file (then from the
// previous update); sending it re-arms the countdown with its own ETA; past
// the ETA the header and the row say OVERDUE (red), and the next update's
// form opens with the previous values as editable defaults.
import { afterEach, describe, expect, it } from 'vitest';
import { Session } from '../../src/session/session.js';
import { KEY, mountScreen, movableClock, unmountAll, until } from '../ui/screen.js';
import { journalOf, OPERATOR, workspace } from './fixture.js';
import { UPDATE_STEPS } from './updates-fixture.js';

afterEach(unmountAll);

const MIN = 60_000;

describe('status updates on the screen', () => {
  it('Enter sends an update from its prefilled form; the header and the row count down to its ETA, turn OVERDUE, and a new update re-arms them', async () => {
    const clock = movableClock();
    const ws = workspace(UPDATE_STEPS);
    const session = Session.start({ runbookPath: ws.cutover, mode: 'rehearsal', vars: { channel: '#bridge' }, evidenceDir: ws.evidence, operator: OPERATOR, now: clock.now });
    session.confirm('rc');
    session.recordInput('assess', { impact: 'Draft enrichment falls back', eta: 'now+30m' });
    session.sendNotice('incident-notice');
    const screen = mountScreen({ session, size: { columns: 100, rows: 30 }, answers: { status: [{ state: 'executed', rollback_tag: 'v0.3.2', eta: 'now+20m' }] } });
    // The initial notice's ETA is the countdown; the update step waits for its first update.
    await until(() => expect(screen.frame()).toContain('⏱ next update in 30:00'));
    expect(screen.frame()).toMatch(/›· Status update +next in 30:00 · to send/);

    screen.press(KEY.enter);
    await until(() => expect(screen.frame()).toContain('Status update: Status update #1'));
    expect(screen.frame()).toContain('Current next-update ETA 2026-11-21T14:30:00Z: 30:00 left');
    expect(screen.frame()).toContain('Update 1: sent when you submit; its ETA restarts the countdown.');
    expect(screen.frame()).toContain('Rollback target tag: v0.3.2');
    for (let i = 0; i < 4 && !screen.frame().includes('#1 sent'); i++) {
      screen.press(KEY.enter);
      await until(() => expect(screen.frame()).toMatch(/› (Rollback target tag|Next update ETA|Sent to)|#1 sent/));
    }
    await until(() => expect(screen.frame()).toContain('✓ "Status update" #1 sent — next update due 2026-11-21T14:20:00Z'));
    expect(journalOf(session.bundleDir).at(-1)).toMatchObject({ type: 'notice.updated', update: 1, values: { state: 'executed', eta: '2026-11-21T14:20:00Z' } });
    await until(() => expect(screen.frame()).toContain('⏱ next update in 20:00'));
    expect(screen.frame()).toMatch(/✓ Status update +sent #1 · next in 20:00/);

    // Past the ETA with nothing newer: OVERDUE in the header and on the row.
    clock.advance(21 * MIN);
    await until(() => expect(screen.frame()).toContain('⏱ next update OVERDUE 1:00'));
    expect(screen.frame()).toMatch(/✗ Status update +UPDATE OVERDUE 1:00$/m);

    // The next update: the previous values as defaults, the past ETA left for a new one.
    screen.press('k');
    await until(() => expect(screen.frame()).toMatch(/›✗ Status update/));
    screen.press(KEY.enter);
    await until(() => expect(screen.frame()).toContain('Status update: Status update #2'));
    expect(screen.frame()).toContain('Current next-update ETA 2026-11-21T14:20:00Z: OVERDUE by 1:00');
    expect(screen.frame()).toContain('(•) executed');
    for (let i = 0; i < 3 && !screen.frame().includes('› Next update ETA'); i++) {
      screen.press(KEY.enter);
      await until(() => expect(screen.frame()).toMatch(/› (Rollback target tag|Next update ETA)/));
    }
    await until(() => expect(screen.frame()).toContain('› Next update ETA (UTC):  now+30m or 2026-11-21T14:05:00Z')); // empty: its placeholder
    screen.press(...'now+15m');
    await until(() => expect(screen.frame()).toContain('Next update ETA (UTC): now+15m'));
    screen.press(KEY.enter);
    await until(() => expect(screen.frame()).toContain('› Sent to (channel): #bridge'));
    screen.press(KEY.enter);
    await until(() => expect(screen.frame()).toContain('✓ "Status update" #2 sent — next update due 2026-11-21T14:36:00Z'));
    await until(() => expect(screen.frame()).toContain('⏱ next update in 15:00'));
    expect(screen.frame()).not.toContain('OVERDUE');
  });
});
