// An ETA that is not a time — what an older cutover journaled for an update
// sent without its next_update field (`${status.eta}`, review 13b finding 5)
// — is refused by verify and never shown as NaN: not by report, nor by the
// screen's countdown.
import { describe, expect, it } from 'vitest';
import { foldEvents } from '../../src/engine/fold.js';
import { verifyBundle } from '../../src/evidence/verify.js';
import { Session } from '../../src/session/session.js';
import { etaCountdown, etaText } from '../../src/ui/store/eta-view.js';
import { bundleRunbook, rechain, resummarize, writeJournal } from '../evidence/forge.js';
import { cli } from '../helpers/cli.js';
import { journalOf, MIN, OPERATOR, T0, workspace } from './fixture.js';
import { UPDATE_STEPS } from './updates-fixture.js';

describe('an ETA that is not a time', () => {
  it('verify names it; report and the screen show no NaN', async () => {
    const ws = workspace(UPDATE_STEPS);
    const s = Session.start({ runbookPath: ws.cutover, mode: 'rehearsal', vars: { channel: '#bridge' }, evidenceDir: ws.evidence, operator: OPERATOR, now: () => new Date(T0) });
    try {
      expect(s.updates.send('status', { state: 'in progress', rollback_tag: 'v0.3.2', eta: 'now+30m' })).toEqual({ ok: true });
      s.pause('test');
    } finally {
      s.release();
    }
    const bundle = s.bundleDir;
    const events = rechain(journalOf(bundle).map((e) => (e.type === 'notice.updated' ? { ...e, values: { ...e.values, eta: '' }, next_update_eta: '${status.eta}' } : e)));
    writeJournal(bundle, events);
    await resummarize(bundle);
    const messages = (await verifyBundle(bundle)).problems.map((p) => p.message).join('\n');
    expect(messages).toContain('records the next-update ETA "${status.eta}", which is not a UTC time');
    const report = await cli(['report', bundle]);
    expect(report.stdout).toContain('${status.eta}');
    expect(report.stdout).not.toContain('NaN');
    const state = foldEvents(bundleRunbook(bundle), events);
    expect(etaText(state, T0 + MIN)).toEqual({ text: 'next update: no valid ETA', overdue: false });
    expect(etaCountdown(state, T0 + MIN)).toEqual([]);
  });
});
