// GO rule 5: no GO while a rollback trigger is open.
import { describe, expect, it } from 'vitest';
import { expectRefusedGo } from './expect.js';
import { finish, LABEL, prepareToDecide, withSession } from '../fixtures/engine/scenario.js';

describe('GO lock: open rollback trigger', () => {
  it('refuses a GO while a declared rollback trigger is open', async () => {
    await withSession({}, async (session) => {
      await prepareToDecide(session);
      session.declareTrigger('envelope-mismatch', 'legacy_error present in a v3 404 response');
      const declaredAt = session.state.triggers[0]!.declaredAt;
      const decided = session.decide('decide', { option: 'go-rehearsal', confirmedText: LABEL.rehearsal });
      await finish(session);
      await expectRefusedGo({ bundle: session.bundleDir, decided, option: 'go-rehearsal' }, `rollback trigger "Non-2xx envelope shape mismatch" (SEV-1) declared at ${declaredAt} is open`);
      // Only the trigger blocks: every step and sign-off is green.
      expect(decided.ok ? [] : decided.reasons).toHaveLength(1);
    });
  });

  it('allows the GO again once the trigger is cleared with a note', async () => {
    await withSession({}, async (session) => {
      await prepareToDecide(session);
      session.declareTrigger('envelope-mismatch', 'suspected mismatch');
      session.clearTrigger('envelope-mismatch', 'false alarm: the sample came from the v2 endpoint');
      expect(session.decide('decide', { option: 'go-rehearsal', confirmedText: LABEL.rehearsal })).toEqual({ ok: true });
    });
  });
});
