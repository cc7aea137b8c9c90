// Review findings 13/1, 3, 4: once a rollback run is started from a cutover
// run, that run's trigger cannot be cleared and its GO stays locked — and
// verify's replay says so of a journal forged to do it anyway; at most one
// rollback.started per trigger, for an open rollback trigger, with a 64-hex
// head; deadlines counted from a trigger follow the earliest open one, so a
// false alarm cleared no longer anchors them (its deadline.overdue stays as
// history, the next trigger's deadlines are fresh). Real bundles in temp
// dirs; forged events are appended with the tool's own journal writer, as a
// forger with the code would.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventBody } from '../../src/engine/events.js';
import { deadlines } from '../../src/engine/progress.js';
import { Journal, JOURNAL_FILE } from '../../src/evidence/journal.js';
import { verifyBundle } from '../../src/evidence/verify.js';
import { startLinkedRollback } from '../../src/session/rollback-start.js';
import { Session } from '../../src/session/session.js';
import { iso, journalOf, MIN, OPERATOR, T0, workspace } from './fixture.js';

function clockAt(start: number): { now: () => Date; set: (ms: number) => void } {
  let t = start;
  return { now: () => new Date(t), set: (ms) => (t = ms) };
}

function forge(bundle: string, bodies: EventBody[], at: Date): void {
  const j = Journal.open(join(bundle, JOURNAL_FILE));
  try {
    for (const b of bodies) j.append(b, at);
  } finally {
    j.close();
  }
}

/** A paused cutover run with envelope-mismatch declared, and its rollback run started from it (paused). */
async function linkedPair(clock: ReturnType<typeof clockAt>) {
  const ws = workspace();
  const s = Session.start({ runbookPath: ws.cutover, mode: 'rehearsal', vars: { channel: '#bridge' }, evidenceDir: ws.evidence, operator: OPERATOR, now: clock.now });
  const bundle = s.bundleDir;
  s.confirm('rc');
  expect(s.declareTrigger('envelope-mismatch', 'legacy_error in a 400')).toEqual({ ok: true });
  s.pause('switching to the rollback');
  s.release();
  clock.set(T0 + MIN);
  const { session } = await startLinkedRollback({ runbookPath: ws.rollback, from: bundle, vars: { ticket: 'INC-1' }, operator: 'Rita Responder', now: clock.now });
  const rollbackBundle = session.bundleDir;
  session.pause('test');
  session.release();
  return { ws, bundle, rollbackBundle };
}

const GO = { option: 'go', confirmedText: 'GO (rehearsal continuation)' };

describe('a cutover run whose rollback was started', () => {
  it('refuses to clear the trigger (reason and hint) and keeps GO locked; verify refuses a forged clear and GO', async () => {
    const clock = clockAt(T0);
    const { bundle, rollbackBundle } = await linkedPair(clock);
    clock.set(T0 + 2 * MIN);
    const s = Session.resume(bundle, { now: clock.now, operator: OPERATOR });
    try {
      const r = s.clearTrigger('envelope-mismatch', 'push on');
      expect(r.ok).toBe(false);
      expect(!r.ok && r.reasons[0]).toContain('cannot be cleared: its rollback run');
      expect(!r.ok && r.hint).toContain(`resume ${rollbackBundle}`);
      s.confirm('notify');
      s.sign('sign', 'pa', 'Priya Producer');
      s.sign('sign', 'ca', 'Marco Consumer');
      expect(s.gate('decide', GO).join('\n')).toContain('rollback trigger "Non-2xx envelope shape mismatch" (SEV-1)');
      s.pause('test');
    } finally {
      s.release();
    }
    expect(journalOf(bundle).some((e) => e.type === 'trigger.cleared')).toBe(false);
    // A forger appends the clear and the GO the session refused.
    forge(bundle, [
      { type: 'run.resumed', operator: OPERATOR, repaired_tail_bytes: 0 },
      { type: 'trigger.cleared', trigger: 'envelope-mismatch', note: 'push on', by: OPERATOR },
      { type: 'decision.recorded', step: 'decide', option: 'go', label: 'GO (rehearsal continuation)', go: true, confirmed_text: 'GO (rehearsal continuation)', evidence_digest: '0'.repeat(64), by: OPERATOR },
    ], new Date(T0 + 3 * MIN));
    const v = await verifyBundle(bundle, { followLinks: false });
    const text = v.problems.map((p) => p.message).join('\n');
    expect(text).toContain('is cleared after its rollback run');
    expect(text).toContain('GO stays locked while a rollback run is linked');
  });

  it('verify: a second rollback.started for a trigger, one for a cleared or non-rollback trigger, a head that is not 64 hex', async () => {
    const clock = clockAt(T0);
    const { bundle, rollbackBundle } = await linkedPair(clock);
    const first = journalOf(bundle).find((e) => e.type === 'rollback.started')!;
    const link = { run_id: 'R-forged', bundle: rollbackBundle, runbook: { id: 'mini-rollback', file: 'rollback.yaml' }, started_by: 'Mallory' };
    forge(bundle, [
      { type: 'run.resumed', operator: OPERATOR, repaired_tail_bytes: 0 },
      { type: 'rollback.started', ...link, trigger: 'envelope-mismatch', journal_head: (first as { journal_head: string }).journal_head },
      { type: 'trigger.declared', trigger: 'payload-drift', severity: 'SEV-2', note: 'drift', by: OPERATOR, identified_at: iso(T0 + 2 * MIN) },
      { type: 'rollback.started', ...link, trigger: 'payload-drift', journal_head: 'not-a-hash' },
    ], new Date(T0 + 2 * MIN));
    const v = await verifyBundle(bundle, { followLinks: false });
    const text = v.problems.map((p) => p.message).join('\n');
    expect(text).toContain('a second rollback.started for trigger "envelope-mismatch"');
    expect(text).toContain('whose action in the matrix is not a rollback (rollback: true)');
    expect(text).toContain('not the 64-hex hash');
  });
});

describe('deadlines counted from a trigger follow the earliest open trigger', () => {
  it('a false alarm cleared stops anchoring them; its deadline.overdue stays; the next trigger gets fresh deadlines, overdue once', async () => {
    const ws = workspace();
    const clock = clockAt(T0);
    const s = Session.start({ runbookPath: ws.cutover, mode: 'rehearsal', vars: { channel: '#bridge' }, evidenceDir: ws.evidence, operator: OPERATOR, now: clock.now });
    const bundle = s.bundleDir;
    const notify = () => deadlines(s.runbook, s.state, s.clock()).find((d) => d.step === 'notify')!;
    try {
      clock.set(T0 + 2 * MIN);
      expect(s.declareTrigger('payload-drift', 'drift?', { identifiedAt: iso(T0 + MIN) })).toEqual({ ok: true });
      clock.set(T0 + 20 * MIN);
      expect(s.triggers.recordOverdue().map((d) => d.step)).toEqual(['notify']);
      expect(s.clearTrigger('payload-drift', 'false alarm: a test client')).toEqual({ ok: true });
      expect(notify()).toMatchObject({ status: 'waiting' });
      expect(notify().dueAt).toBeUndefined();
      clock.set(T0 + 30 * MIN);
      s.declareTrigger('envelope-mismatch', 'legacy_error in a 400');
      expect(notify()).toMatchObject({ status: 'running', dueAt: iso(T0 + 45 * MIN), trigger: 'envelope-mismatch' });
      expect(notify().overdueSeq).toBeUndefined();
      expect(s.triggers.recordOverdue()).toEqual([]);
      clock.set(T0 + 46 * MIN);
      expect(s.triggers.recordOverdue().map((d) => d.step)).toEqual(['notify']);
      expect(s.triggers.recordOverdue()).toEqual([]);
      // A second trigger identified later does not move the anchor: the earliest open one counts.
      s.declareTrigger('payload-drift', 'drift again');
      expect(notify()).toMatchObject({ dueAt: iso(T0 + 45 * MIN), trigger: 'envelope-mismatch' });
      expect(s.triggers.recordOverdue()).toEqual([]);
      s.pause('test');
      await s.writeSummaries();
    } finally {
      s.release();
    }
    const overdue = journalOf(bundle).filter((e) => e.type === 'deadline.overdue');
    expect(overdue).toHaveLength(2);
    expect(overdue[0]).toMatchObject({ step: 'notify', trigger: 'payload-drift', anchor_at: iso(T0 + MIN) });
    expect(overdue[1]).toMatchObject({ step: 'notify', trigger: 'envelope-mismatch', anchor_at: iso(T0 + 30 * MIN), due_at: iso(T0 + 45 * MIN) });
    const v = await verifyBundle(bundle);
    expect(v.problems).toEqual([]);
    // A forged overdue for a cleared trigger's deadline does not replay.
    forge(bundle, [{ type: 'deadline.overdue', step: 'notify', anchor: 'trigger', anchor_at: iso(T0 + MIN), within: '15m', due_at: iso(T0 + 16 * MIN), trigger: 'payload-drift', trigger_seq: 2 }], new Date(T0 + 47 * MIN));
    const forged = await verifyBundle(bundle);
    expect(forged.problems.map((p) => p.message).join('\n')).toMatch(/deadline\.overdue for "notify"/);
  });
});
