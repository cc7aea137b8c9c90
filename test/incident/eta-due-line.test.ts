// The plain log's "next update due" line (review 13b, finding 7): an ETA
// that had already passed when the notice was sent says so, never "(in …)".
import { describe, expect, it } from 'vitest';
import { etaDueLine } from '../../src/plain/update-lines.js';
import { Session } from '../../src/session/session.js';
import { journalOf, MIN, OPERATOR, T0, workspace } from './fixture.js';
import { UPDATE_STEPS } from './updates-fixture.js';

describe('next update due line', () => {
  it('counts down to an ETA ahead, and says "already past by" for one that passed before the notice was sent', () => {
    let t = T0;
    const ws = workspace(UPDATE_STEPS);
    const s = Session.start({ runbookPath: ws.cutover, mode: 'rehearsal', vars: { channel: '#bridge' }, evidenceDir: ws.evidence, operator: OPERATOR, now: () => new Date(t) });
    try {
      expect(s.recordInput('assess', { impact: 'x', eta: 'now+30m' })).toEqual({ ok: true });
      t = T0 + 37 * MIN;
      expect(s.sendNotice('incident-notice')).toEqual({ ok: true });
      const seq = journalOf(s.bundleDir).at(-1)!.seq;
      expect(etaDueLine(s, seq)).toEqual(['  next update due 2026-03-02T14:30:00Z: already past by 07:00 when sent — send the next update now']);
      t = T0 + 40 * MIN;
      expect(s.updates.send('status', { state: 'in progress', rollback_tag: 'v0.3.2', eta: 'now+30m' })).toEqual({ ok: true });
      expect(etaDueLine(s, journalOf(s.bundleDir).at(-1)!.seq)).toEqual(['  next update due 2026-03-02T15:10:00Z (in 30:00): the countdown starts']);
    } finally {
      s.release();
    }
  });
});
