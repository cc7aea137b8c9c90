// GO rule 4: sign-offs bind to the evidence at the moment of signing;
// re-running a required step afterwards voids them.
import { describe, expect, it } from 'vitest';
import { expectRefusedGo } from './expect.js';
import { APPROVERS, eventsOf, finish, LABEL, prepareToDecide, readEvents, withSession } from '../fixtures/engine/scenario.js';
import { cliInProcess } from '../helpers/cli-in-process.js';

const VOID = `the sign-off of Producer approver by ${APPROVERS.pa} is void: step "producer-suite" was re-run (attempt 2) after it was signed; sign again`;

describe('GO lock: re-running a required step voids the sign-off', () => {
  it('refuses a GO after a required step is re-run following the sign-off', async () => {
    await withSession({}, async (session) => {
      await prepareToDecide(session);
      expect(session.gate('decide', { option: 'go-rehearsal', confirmedText: LABEL.rehearsal })).toEqual([]);
      await session.runStep('producer-suite');
      expect(session.state.steps['producer-suite']?.status).toBe('passed');
      expect(session.state.signatures.map((s) => [s.role, s.voidedBy?.step])).toEqual([
        ['pa', 'producer-suite'],
        ['ca', 'producer-suite'],
      ]);
      const decided = session.decide('decide', { option: 'go-rehearsal', confirmedText: LABEL.rehearsal });
      await finish(session);
      await expectRefusedGo({ bundle: session.bundleDir, decided, option: 'go-rehearsal' }, VOID);
      expect(decided.ok ? [] : decided.reasons).toContain(VOID.replace('Producer approver', 'Consumer approver').replace(APPROVERS.pa, APPROVERS.ca));
      // The bundle's manifest shows the void signatures.
      const verified = await cliInProcess(['verify', session.bundleDir, '--json']);
      expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, outcome: 'INCOMPLETE' });
    });
  });

  it('accepts the GO once both approvers sign again', async () => {
    await withSession({}, async (session) => {
      await prepareToDecide(session);
      await session.runStep('consumer-suite');
      session.sign('sign', 'pa', APPROVERS.pa);
      expect(session.gate('decide', { option: 'go-rehearsal', confirmedText: LABEL.rehearsal }).join('\n')).toContain('the sign-off of Consumer approver');
      session.sign('sign', 'ca', APPROVERS.ca);
      expect(session.decide('decide', { option: 'go-rehearsal', confirmedText: LABEL.rehearsal })).toEqual({ ok: true });
      await session.close();
      const events = readEvents(session.bundleDir);
      expect(eventsOf(events, 'signoff.recorded')).toHaveLength(4);
      const verified = await cliInProcess(['verify', session.bundleDir]);
      expect(verified.code, verified.stdout).toBe(0);
      expect(verified.stdout).toContain('outcome GO');
    });
  });

  it('voids the sign-off when any step is re-run after it, optional ones too (an option may require them)', async () => {
    await withSession({}, async (session) => {
      await prepareToDecide(session);
      await session.runStep('optional-lint');
      expect(session.state.signatures.every((s) => s.voidedBy?.step === 'optional-lint')).toBe(true);
      const r = session.decide('decide', { option: 'go-rehearsal', confirmedText: LABEL.rehearsal });
      expect(r.ok).toBe(false);
    });
  });
});
