// Issue 13A: rollback triggers and the protocol's deadlines on a moved
// clock — each deadline state, identification earlier than entry, an
// overdue deadline journaled exactly once (also across a resume), the GO
// lock while a trigger is open, clearing with a reason, and the severity
// floor of the matrix.
import { describe, expect, it } from 'vitest';
import { deadlines } from '../../src/engine/progress.js';
import { verifyBundle } from '../../src/evidence/verify.js';
import { Session } from '../../src/session/session.js';
import { iso, journalOf, MIN, OPERATOR, T0, workspace } from './fixture.js';

function clockAt(start: number): { now: () => Date; set: (ms: number) => void } {
  let t = start;
  return { now: () => new Date(t), set: (ms) => (t = ms) };
}

function start(ws: ReturnType<typeof workspace>, clock: { now: () => Date }): Session {
  return Session.start({ runbookPath: ws.cutover, mode: 'rehearsal', vars: { channel: '#bridge' }, evidenceDir: ws.evidence, operator: OPERATOR, now: clock.now });
}

const notify = (s: Session) => deadlines(s.runbook, s.state, s.clock()).find((d) => d.step === 'notify')!;

describe('deadlines counted from the trigger identification (moved clock)', () => {
  it('waiting before a trigger, open once identified, met when done in time — counted from identification, not entry', () => {
    const ws = workspace();
    const clock = clockAt(T0);
    const s = start(ws, clock);
    try {
      expect(notify(s)).toMatchObject({ status: 'waiting' });
      expect(notify(s).dueAt).toBeUndefined();
      clock.set(T0 + 10 * MIN);
      // Identified at T0+2m, entered at T0+10m: the 15 minutes run from T0+2m.
      expect(s.declareTrigger('envelope-mismatch', 'legacy_error in a 400', { identifiedAt: iso(T0 + 2 * MIN) })).toEqual({ ok: true });
      const t = s.state.triggers[0]!;
      expect(t).toMatchObject({ identifiedAt: iso(T0 + 2 * MIN), declaredAt: iso(T0 + 10 * MIN), severity: 'SEV-1', open: true });
      const ev = journalOf(s.bundleDir).at(-1)!;
      expect(ev).toMatchObject({ type: 'trigger.declared', identified_at: iso(T0 + 2 * MIN), at: iso(T0 + 10 * MIN) });
      expect(notify(s)).toMatchObject({ status: 'running', dueAt: iso(T0 + 17 * MIN), anchorAt: iso(T0 + 2 * MIN) });
      clock.set(T0 + 16 * MIN);
      expect(s.confirm('notify')).toEqual({ ok: true });
      expect(notify(s)).toMatchObject({ status: 'met', completedAt: iso(T0 + 16 * MIN) });
      expect(s.triggers.recordOverdue()).toEqual([]);
    } finally {
      s.release();
    }
  });

  it('a deadline passed is missed, journaled overdue exactly once — not again on a later look nor after a resume', async () => {
    const ws = workspace();
    const clock = clockAt(T0 - 10 * MIN);
    const s = start(ws, clock);
    let bundle: string;
    try {
      bundle = s.bundleDir;
      clock.set(T0);
      s.declareTrigger('envelope-mismatch', 'seen in prod', { identifiedAt: iso(T0 - 5 * MIN) });
      clock.set(T0 + 9 * MIN);
      expect(notify(s).status).toBe('running');
      expect(s.triggers.recordOverdue()).toEqual([]);
      clock.set(T0 + 10 * MIN + 1000); // identified at T0-5m: due at T0+10m
      expect(notify(s)).toMatchObject({ status: 'missed', dueAt: iso(T0 + 10 * MIN) });
      expect(s.triggers.recordOverdue().map((d) => d.step)).toEqual(['notify']);
      expect(s.triggers.recordOverdue()).toEqual([]);
      s.pause('test');
    } finally {
      s.release();
    }
    clock.set(T0 + 40 * MIN);
    const again = Session.resume(bundle, { now: clock.now, operator: OPERATOR });
    try {
      expect(again.triggers.recordOverdue()).toEqual([]);
      again.confirm('notify');
      expect(notify(again)).toMatchObject({ status: 'missed', completedAt: iso(T0 + 40 * MIN), overdueSeq: expect.any(Number) });
      await again.close();
    } finally {
      again.release();
    }
    const overdue = journalOf(bundle).filter((e) => e.type === 'deadline.overdue');
    expect(overdue).toHaveLength(1);
    expect(overdue[0]).toMatchObject({ step: 'notify', anchor: 'trigger', anchor_at: iso(T0 - 5 * MIN), due_at: iso(T0 + 10 * MIN), within: '15m' });
    const report = await verifyBundle(bundle);
    expect(report.problems).toEqual([]);
  });

  it('a deadline missed while no process held the run is journaled when it is resumed, once', () => {
    const ws = workspace();
    const clock = clockAt(T0);
    const s = start(ws, clock);
    const bundle = s.bundleDir;
    s.declareTrigger('envelope-mismatch', 'seen');
    s.pause('operator away');
    s.release();
    clock.set(T0 + 20 * MIN);
    for (let i = 0; i < 2; i++) Session.resume(bundle, { now: clock.now, operator: OPERATOR }).release();
    expect(journalOf(bundle).filter((e) => e.type === 'deadline.overdue').map((e) => (e as { step: string }).step)).toEqual(['notify']);
  });
});

describe('declaring and clearing a trigger', () => {
  it('refuses a severity below the matrix minimum, takes a raised one, and names the fix', () => {
    const ws = workspace();
    const s = start(ws, clockAt(T0));
    try {
      const low = s.declareTrigger('envelope-mismatch', 'x', { severity: 'SEV-2' });
      expect(low.ok).toBe(false);
      expect(!low.ok && low.reasons.join()).toContain('below the matrix minimum SEV-1');
      expect(!low.ok && low.hint).toContain('SEV-1');
      expect(s.declareTrigger('payload-drift', 'drift seen', { severity: 'SEV-1' })).toEqual({ ok: true });
      expect(s.state.triggers[0]).toMatchObject({ id: 'payload-drift', severity: 'SEV-1' });
      expect(journalOf(s.bundleDir).filter((e) => e.type === 'trigger.declared')).toHaveLength(1);
    } finally {
      s.release();
    }
  });

  it('refuses an unknown trigger with did-you-mean, a time in the future, an empty note', () => {
    const ws = workspace();
    const clock = clockAt(T0 - 20 * MIN);
    const s = start(ws, clock);
    clock.set(T0);
    try {
      const unknown = s.declareTrigger('envelope-mismach', 'x');
      expect(!unknown.ok && unknown.reasons[0]).toContain('"envelope-mismach" is not a rollback trigger of runbook mini-cut');
      expect(!unknown.ok && unknown.hint).toContain('did you mean "envelope-mismatch"');
      const future = s.declareTrigger('envelope-mismatch', 'x', { identifiedAt: iso(T0 + 5 * MIN) });
      expect(!future.ok && future.reasons[0]).toContain('is in the future');
      const bad = s.declareTrigger('envelope-mismatch', 'x', { identifiedAt: 'yesterday-ish' });
      expect(!bad.ok && bad.hint).toContain('HH:MM');
      const empty = s.declareTrigger('envelope-mismatch', '   ');
      expect(!empty.ok && empty.fields?.note).toBeDefined();
      expect(s.state.triggers).toEqual([]);
      // HH:MM (UTC, today) and "-12m" are read against the run's clock.
      expect(s.declareTrigger('envelope-mismatch', 'x', { identifiedAt: '-12m' })).toEqual({ ok: true });
      expect(s.state.triggers[0]!.identifiedAt).toBe(iso(T0 - 12 * MIN));
    } finally {
      s.release();
    }
  });

  it('an open trigger locks GO with its reason; clearing needs a reason and records who cleared it; it never clears itself', () => {
    const ws = workspace();
    const clock = clockAt(T0 - 5 * MIN);
    const s = start(ws, clock);
    clock.set(T0);
    try {
      s.confirm('rc');
      s.declareTrigger('envelope-mismatch', 'legacy_error back', { identifiedAt: iso(T0 - MIN) });
      s.confirm('notify');
      s.sign('sign', 'pa', 'Priya Producer');
      s.sign('sign', 'ca', 'Marco Consumer');
      clock.set(T0 + 48 * 3600 * 1000);
      expect(s.state.triggers[0]!.open).toBe(true); // a day later: still open
      const reasons = s.gate('decide', { option: 'go', confirmedText: 'GO (rehearsal continuation)' });
      expect(reasons).toEqual([`rollback trigger "Non-2xx envelope shape mismatch" (SEV-1) identified at ${iso(T0 - MIN)}, declared at ${iso(T0)} is open`]);
      const noReason = s.clearTrigger('envelope-mismatch', ' ');
      expect(!noReason.ok && noReason.reasons[0]).toContain('needs a reason');
      expect(s.clearTrigger('envelope-mismach', 'x').ok).toBe(false);
      expect(s.clearTrigger('envelope-mismatch', 'false alarm: test client')).toEqual({ ok: true });
      expect(s.state.triggers[0]!.cleared).toMatchObject({ note: 'false alarm: test client', by: OPERATOR });
      expect(s.gate('decide', { option: 'go', confirmedText: 'GO (rehearsal continuation)' })).toEqual([]);
    } finally {
      s.release();
    }
  });

  it('refuses an identification before the run started or more than 24 h before entry; HH:MM later than now is yesterday (review 13/12)', () => {
    const ws = workspace();
    const start0 = Date.parse('2026-03-02T23:40:00.000Z');
    const clock = clockAt(start0);
    const s = start(ws, clock);
    clock.set(Date.parse('2026-03-03T00:10:00.000Z'));
    try {
      const early = s.declareTrigger('envelope-mismatch', 'x', { identifiedAt: '2026-03-02T23:30:00Z' });
      expect(!early.ok && early.reasons[0]).toBe(`the identification time 2026-03-02T23:30:00.000Z is before this run started (${iso(start0)})`);
      expect(!early.ok && early.hint).toContain(`give a time from ${iso(start0)} on`);
      const epoch = s.declareTrigger('envelope-mismatch', 'x', { identifiedAt: '1970-01-01T00:00:00Z' });
      expect(!epoch.ok && epoch.reasons[0]).toContain('more than 24 h before it is entered');
      const ages = s.declareTrigger('envelope-mismatch', 'x', { identifiedAt: '9999h ago' });
      expect(!ages.ok && ages.reasons[0]).toContain('more than 24 h before it is entered');
      // 23:50 typed at 00:10 is yesterday's 23:50 (after the run started at 23:40).
      expect(s.declareTrigger('envelope-mismatch', 'seen at ten to midnight', { identifiedAt: '23:50' })).toEqual({ ok: true });
      expect(s.state.triggers[0]!.identifiedAt).toBe('2026-03-02T23:50:00.000Z');
    } finally {
      s.release();
    }
  });
});
