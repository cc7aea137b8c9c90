// Review finding 13 (issue 13): the screen's R form starts the severity at
// the chosen trigger's matrix minimum — choosing another trigger resets it,
// so Enter never declares a severity the operator did not choose.
import { afterEach, describe, expect, it } from 'vitest';
import type { JournalEvent } from '../../src/engine/events.js';
import { Session } from '../../src/session/session.js';
import { KEY, mountScreen, unmountAll, until } from '../ui/screen.js';
import { journalOf, OPERATOR, workspace } from './fixture.js';

afterEach(unmountAll);

describe('the R form', () => {
  it('resets the severity to the chosen trigger\'s minimum: payload-drift (min SEV-2) + Enter declares SEV-2, not the first trigger\'s SEV-1', async () => {
    const ws = workspace();
    const session = Session.start({ runbookPath: ws.cutover, mode: 'rehearsal', vars: { channel: '#bridge' }, evidenceDir: ws.evidence, operator: OPERATOR });
    try {
      const screen = mountScreen({ session, size: { columns: 200, rows: 30 } });
      await until(() => expect(screen.frame()).toContain('GO lock —'));
      screen.press('R');
      await until(() => expect(screen.frame()).toContain('Declare a rollback trigger'));
      screen.press(KEY.down); // the second trigger of the matrix: payload-drift, minimum SEV-2
      await until(() => expect(screen.frame()).toMatch(/Severity[^\n]*SEV-2/));
      screen.press(KEY.enter, KEY.enter, KEY.enter);
      await until(() => expect(screen.frame()).toContain('› What was observed:'));
      screen.press(...'commit_sha drifted');
      await until(() => expect(screen.frame()).toContain('What was observed: commit_sha drifted'));
      screen.press(KEY.enter);
      await until(() => expect(journalOf(session.bundleDir).some((e) => e.type === 'trigger.declared')).toBe(true));
      const declared = journalOf(session.bundleDir).find((e) => e.type === 'trigger.declared') as Extract<JournalEvent, { type: 'trigger.declared' }>;
      expect(declared).toMatchObject({ trigger: 'payload-drift', severity: 'SEV-2', note: 'commit_sha drifted' });
    } finally {
      session.release();
    }
  });
});
