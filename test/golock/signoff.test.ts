// GO rule 3: every required role signed, each by a different person, none of
// them the operator who started the run.
import { describe, expect, it } from 'vitest';
import { expectAcceptedGo, expectRefusedGo } from './expect.js';
import { OPERATOR, prepareToDecide, runPlain, stepOf, withSession } from '../fixtures/engine/scenario.js';

describe('GO lock: distinct approvers', () => {
  it('refuses a GO when the same person signs both approver roles', async () => {
    const run = await runPlain({ answers: (a) => (a.sign = { pa: 'Alice Approver', ca: 'Alice Approver' }) });
    await expectRefusedGo({ ...run, option: 'go-rehearsal' }, 'Alice Approver signed as both Producer approver and Consumer approver; each role needs a different person');
  });

  it('treats "Alice" and " alice" as the same person', async () => {
    const run = await runPlain({ answers: (a) => (a.sign = { pa: 'Alice', ca: ' alice' }) });
    await expectRefusedGo({ ...run, option: 'go-rehearsal' }, 'signed as both Producer approver and Consumer approver');
    // The name is journaled as entered (trimmed), so the record shows who signed.
    const names = run.events.filter((e) => e.type === 'signoff.recorded').map((e) => (e.type === 'signoff.recorded' ? e.name : ''));
    expect(names).toEqual(['Alice', 'alice']);
  });

  it('never lets one person sign both roles of a sign-off that locks a GO, even with distinct: false', async () => {
    // The runbook is refused by lint before anything runs...
    await expect(runPlain({ edit: (rb) => (stepOf(rb, 'sign').distinct = false), answers: (a) => (a.sign = { pa: 'Alice', ca: 'Alice' }) })).rejects.toThrow();
    // ...and the lock itself holds too, for a runbook that got past lint some other way.
    await withSession({}, async (session) => {
      await prepareToDecide(session);
      (session.runbook.sections.flatMap((sec) => sec.steps).find((st) => st.id === 'sign') as { distinct?: boolean }).distinct = false;
      session.sign('sign', 'pa', 'Alice');
      session.sign('sign', 'ca', 'alice');
      const r = session.decide('decide', { option: 'go-rehearsal', confirmedText: 'GO (rehearsal continuation)' });
      expect(r.ok).toBe(false);
      expect(r.ok ? [] : r.reasons).toContain('Alice signed as both Producer approver and Consumer approver; each role needs a different person');
    });
  });

  it('sees through invisible characters in a name', async () => {
    const run = await runPlain({ answers: (a) => (a.sign = { pa: 'Al\u00adice', ca: 'A\u200blice' }) });
    await expectRefusedGo({ ...run, option: 'go-rehearsal' }, 'signed as both Producer approver and Consumer approver');
  });
});

describe('GO lock: the operator may not approve', () => {
  it('refuses a GO signed by the operator who started the run (any case or spacing)', async () => {
    const run = await runPlain({ answers: (a) => (a.sign = { pa: `  ${OPERATOR.toUpperCase()} `, ca: 'Marco Consumer' }) });
    await expectRefusedGo({ ...run, option: 'go-rehearsal' }, `${OPERATOR.toUpperCase()} is the operator who started this run and may not sign as Producer approver`);
  });

  it('allows the operator to sign when the runbook says exclude_operator: false', async () => {
    const run = await runPlain({
      edit: (rb) => (stepOf(rb, 'sign').exclude_operator = false),
      answers: (a) => (a.sign = { pa: OPERATOR, ca: 'Marco Consumer' }),
    });
    await expectAcceptedGo(run.bundle, run.result, 'go-rehearsal');
  });
});
