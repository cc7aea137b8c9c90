// Issue 13A on the screen: R with a rollback trigger offers to start the
// rollback runbook; "yes" pauses this run and asks the front end to start
// the rollback run linked to it, once the vars it still needs are typed in
// (screen-rollback-vars.test.tsx has the form in full).
import { afterEach, describe, expect, it } from 'vitest';
import { Session } from '../../src/session/session.js';
import { startLinkedRollback } from '../../src/session/rollback-start.js';
import { rollbackCommand, shownPath } from '../../src/session/rollback-link.js';
import { KEY, mountScreen, unmountAll, until } from '../ui/screen.js';
import { journalOf, OPERATOR, workspace } from './fixture.js';

afterEach(unmountAll);

describe('the screen offers the rollback runbook after a rollback trigger', () => {
  it('R, a rollback trigger, then "yes": the run pauses with the switch asked for; the rollback starts linked (naming a missing var first)', async () => {
    const ws = workspace();
    const session = Session.start({ runbookPath: ws.cutover, mode: 'rehearsal', vars: { channel: '#bridge' }, evidenceDir: ws.evidence, operator: OPERATOR });
    const screen = mountScreen({ session, size: { columns: 200, rows: 30 } });
    await until(() => expect(screen.frame()).toContain('GO lock —'));
    screen.press('R');
    await until(() => expect(screen.frame()).toContain('Declare a rollback trigger'));
    screen.press(KEY.enter, KEY.enter, KEY.enter);
    await until(() => expect(screen.frame()).toContain('› What was observed:'));
    screen.press(...'legacy_error in a 400');
    await until(() => expect(screen.frame()).toContain('What was observed: legacy_error in a 400'));
    screen.press(KEY.enter);
    await until(() => expect(screen.frame()).toContain('Start the rollback runbook now?'));
    expect(screen.frame()).toContain('--from');
    screen.press(KEY.enter);
    // The rollback runbook needs `ticket`, which the cutover run lacks: asked for before the switch.
    await until(() => expect(screen.frame()).toContain('› ticket (Incident ticket)'));
    screen.press(...'INC-1', KEY.enter);
    expect(await screen.exited).toBe(3);
    expect(session.triggers.switchToRollback).toEqual({ trigger: 'envelope-mismatch', vars: { ticket: 'INC-1' } });
    expect(journalOf(session.bundleDir).at(-1)).toMatchObject({ type: 'run.paused', reason: 'switching to the rollback runbook for trigger envelope-mismatch' });
    session.release();
    // What the front end does next: without `ticket` the start is refused by name; with the typed value it starts.
    await expect(startLinkedRollback({ runbookPath: ws.rollback, from: session.bundleDir, trigger: 'envelope-mismatch', vars: {}, operator: OPERATOR })).rejects.toThrow(/needs "ticket"/);
    const { session: rb } = await startLinkedRollback({ runbookPath: ws.rollback, from: session.bundleDir, trigger: 'envelope-mismatch', vars: { ticket: 'INC-1' }, operator: OPERATOR });
    try {
      expect(rb.state.rollbackOf?.trigger).toMatchObject({ id: 'envelope-mismatch', note: 'legacy_error in a 400' });
      expect(journalOf(session.bundleDir).at(-1)).toMatchObject({ type: 'run.paused' });
      expect(journalOf(session.bundleDir).some((e) => e.type === 'rollback.started')).toBe(true);
    } finally {
      rb.release();
    }
  });

  it('at 80×24 shows the rollback command whole in the offer, and after "no" keeps it whole above the detail', async () => {
    const ws = workspace();
    const session = Session.start({ runbookPath: ws.cutover, mode: 'rehearsal', vars: { channel: '#bridge' }, evidenceDir: ws.evidence, operator: OPERATOR });
    const screen = mountScreen({ session, size: { columns: 80, rows: 24 } });
    await until(() => expect(screen.frame()).toContain('GO lock —'));
    screen.press('R');
    await until(() => expect(screen.frame()).toContain('Declare a rollback trigger'));
    expect(screen.frame()).toContain('    required action: ');
    screen.press(KEY.enter, KEY.enter, KEY.enter);
    await until(() => expect(screen.frame()).toContain('› What was observed:'));
    screen.press(...'legacy_error in a 400', KEY.enter);
    await until(() => expect(screen.frame()).toContain('Start the rollback runbook now?'));
    const command = rollbackCommand(session.runbookDir, session.runbook, session.bundleDir, session.state.vars, (p) => shownPath(p))!;
    expect(command.length).toBeGreaterThan(80);
    const flat = (frame: string) => frame.split('\n').map((r) => r.trim()).join(' ');
    expect(flat(screen.frame())).toContain(command);
    screen.press(KEY.down, KEY.enter);
    await until(() => expect(screen.frame()).toContain('rollback protocol: quit (q), then the command above'));
    expect(flat(screen.frame())).toContain(command);
    expect(screen.frame()).not.toMatch(/--from[^\n]*…/);
    session.release();
  });
});
