// A rollback run started on its own (no --from): the trigger declared in it
// is the incident it handles. Its deadlines count from that trigger's
// identification, and it does not hold the run's own GO ("Rollback
// complete") — clearing it would drop the deadlines. Any other trigger
// declared during the rollback still locks. A cutover runbook's triggers
// keep locking as before. Real sessions on temp files, a moved clock.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deadlines } from '../../src/engine/progress.js';
import { verifyBundle } from '../../src/evidence/verify.js';
import { Session } from '../../src/session/session.js';
import { iso, MIN, OPERATOR, rollbackRunbook, T0, workspace, writeYaml } from './fixture.js';

const COMPLETE = { option: 'complete', confirmedText: 'Rollback complete' };

function clockAt(start: number): { now: () => Date; set: (ms: number) => void } {
  let t = start;
  return { now: () => new Date(t), set: (ms) => (t = ms) };
}

function standalone(clock: ReturnType<typeof clockAt>): Session {
  const ws = workspace();
  const file = writeYaml(join(ws.dir, 'rollback-kind.yaml'), { ...rollbackRunbook(), kind: 'rollback' });
  return Session.start({ runbookPath: file, mode: 'rehearsal', vars: { channel: '#bridge', ticket: 'INC-9' }, evidenceDir: ws.evidence, operator: OPERATOR, now: clock.now });
}

function walk(s: Session): void {
  for (const id of ['initial-notice', 'recommendation', 'rollback-executed', 'repin', 'summary']) expect(s.confirm(id), id).toEqual({ ok: true });
  expect(s.sign('owners', 'pa', 'Priya Producer')).toEqual({ ok: true });
  expect(s.sign('owners', 'ca', 'Marco Consumer')).toEqual({ ok: true });
}

describe('a rollback run started on its own', () => {
  it('the trigger declared in it anchors the deadlines and does not lock "Rollback complete"; the run closes GO and verifies', async () => {
    const clock = clockAt(T0);
    const s = standalone(clock);
    const bundle = s.bundleDir;
    try {
      expect(s.declareTrigger('envelope-mismatch', 'legacy_error in a 400')).toEqual({ ok: true });
      clock.set(T0 + 5 * MIN);
      const notice = deadlines(s.runbook, s.state, s.clock()).find((d) => d.step === 'initial-notice')!;
      expect(notice).toMatchObject({ status: 'running', dueAt: iso(T0 + 15 * MIN) });
      walk(s);
      expect(s.gate('done', COMPLETE)).toEqual([]);
      expect(s.decide('done', COMPLETE).ok).toBe(true);
      await s.close();
    } finally {
      s.release();
    }
    const v = await verifyBundle(bundle, { followLinks: false });
    expect(v.problems).toEqual([]);
  });

  it('a second trigger declared during the rollback locks it until cleared', () => {
    const clock = clockAt(T0);
    const s = standalone(clock);
    try {
      expect(s.declareTrigger('envelope-mismatch', 'legacy_error in a 400')).toEqual({ ok: true });
      clock.set(T0 + MIN);
      expect(s.declareTrigger('payload-drift', 'a field drifted too')).toEqual({ ok: true });
      walk(s);
      const reasons = s.gate('done', COMPLETE).join('\n');
      expect(reasons).toContain('rollback trigger "Candidate payload field drift" (SEV-2)');
      expect(reasons).not.toContain('Non-2xx envelope shape mismatch');
      expect(s.clearTrigger('payload-drift', 'fixed by the same rollback')).toEqual({ ok: true });
      expect(s.gate('done', COMPLETE)).toEqual([]);
      s.pause('test');
    } finally {
      s.release();
    }
  });

  it('without kind: rollback the same trigger locks the run\'s GO, as in a cutover run', () => {
    const clock = clockAt(T0);
    const ws = workspace();
    const s = Session.start({ runbookPath: ws.rollback, mode: 'rehearsal', vars: { channel: '#bridge', ticket: 'INC-9' }, evidenceDir: ws.evidence, operator: OPERATOR, now: clock.now });
    try {
      expect(s.declareTrigger('envelope-mismatch', 'legacy_error in a 400')).toEqual({ ok: true });
      walk(s);
      expect(s.gate('done', COMPLETE).join('\n')).toContain('rollback trigger "Non-2xx envelope shape mismatch" (SEV-1)');
      s.pause('test');
    } finally {
      s.release();
    }
  });
});
