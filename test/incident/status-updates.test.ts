// Status updates and the next-update ETA countdown (issue 13) on a moved
// clock: the initial notice's ETA pending, met by an update sent in time;
// an update's ETA overdue, journaled once (not again on a later look nor
// after a resume), then missed once a late update re-arms the countdown
// with its own ETA; a run closed with an ETA pending says so. Validation
// refuses an ETA not in the future naming the field; verify catches an
// edited, a missing and a renumbered update file.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { foldEvents } from '../../src/engine/fold.js';
import { currentEta, etaStates } from '../../src/engine/updates.js';
import { updatesReport } from '../../src/evidence/update-record.js';
import { verifyBundle } from '../../src/evidence/verify.js';
import { loadAnswers } from '../../src/session/answers.js';
import { Session } from '../../src/session/session.js';
import { rechain, resummarize, writeJournal } from '../evidence/forge.js';
import { iso, journalOf, MIN, OPERATOR, T0, workspace } from './fixture.js';
import { UPDATE_STEPS } from './updates-fixture.js';

function clockAt(start: number): { now: () => Date; set: (ms: number) => void } {
  let t = start;
  return { now: () => new Date(t), set: (ms) => (t = ms) };
}

function started(clock: { now: () => Date }): { s: Session; ws: ReturnType<typeof workspace> } {
  const ws = workspace(UPDATE_STEPS);
  return { ws, s: Session.start({ runbookPath: ws.cutover, mode: 'rehearsal', vars: { channel: '#bridge' }, evidenceDir: ws.evidence, operator: OPERATOR, now: clock.now }) };
}

const update = (state: string, eta: string) => ({ state, rollback_tag: 'v0.3.2', eta });

describe('status updates and the next-update ETA (moved clock)', () => {
  it('pending, met by a newer update, overdue journaled once (also across a resume), re-armed by a late update; the close with an ETA pending is reported', async () => {
    const clock = clockAt(T0);
    const { s } = started(clock);
    const bundle = s.bundleDir;
    try {
      expect(s.confirm('rc')).toEqual({ ok: true });
      expect(s.declareTrigger('envelope-mismatch', 'legacy_error in a 400')).toEqual({ ok: true });
      expect(s.recordInput('assess', { impact: 'Draft enrichment falls back', eta: 'now+30m' })).toEqual({ ok: true });
      expect(currentEta(s.state, clock.now())).toBeUndefined(); // promised only once the notice is sent
      clock.set(T0 + 2 * MIN);
      expect(s.sendNotice('incident-notice')).toEqual({ ok: true });
      expect(journalOf(bundle).at(-1)).toMatchObject({ type: 'notice.sent', next_update_eta: '2026-03-02T14:30:00Z' });
      expect(currentEta(s.state, clock.now())).toMatchObject({ step: 'incident-notice', update: 0, status: 'pending', eta: '2026-03-02T14:30:00Z', ms: 28 * MIN });

      // Update 1 at +20m, before the notice's ETA: that ETA is met; the countdown is update 1's.
      clock.set(T0 + 20 * MIN);
      expect(s.updates.send('status', update('in progress', 'now+30m'))).toEqual({ ok: true });
      const [first, second] = etaStates(s.state, clock.now());
      expect(first).toMatchObject({ step: 'incident-notice', status: 'met', next: { step: 'status', update: 1 }, ms: 10 * MIN });
      expect(second).toMatchObject({ step: 'status', update: 1, status: 'pending', eta: '2026-03-02T14:50:00Z' });
      expect(s.state.steps.status!.status).toBe('passed');
      expect(journalOf(bundle).at(-1)).toMatchObject({ type: 'notice.updated', step: 'status', update: 1, sent_at: iso(T0 + 20 * MIN), next_update_eta: '2026-03-02T14:50:00Z', values: { state: 'in progress', rollback_tag: 'v0.3.2', eta: '2026-03-02T14:50:00Z' }, text: { file: 'notices/status.update-1.md' }, plain: { file: 'notices/status.update-1.txt' } });
      expect(readFileSync(join(bundle, 'notices/status.update-1.txt'), 'utf8')).toBe('Update 1: in progress (back to v0.3.2)\nNext update: 2026-03-02T14:50:00Z\n');
      expect(readFileSync(join(bundle, 'notices/status.update-1.md'), 'utf8')).toContain('# Status update — update 1\n\n- Sent (UTC): 2026-03-02T14:20:00.000Z\n- Next update (UTC): 2026-03-02T14:50:00Z\n- Channel: #bridge');
      expect(s.updates.recordOverdue()).toBeUndefined();

      // Past update 1's ETA with nothing newer: overdue, journaled once.
      clock.set(T0 + 51 * MIN);
      expect(currentEta(s.state, clock.now())).toMatchObject({ update: 1, status: 'overdue', ms: MIN });
      expect(s.updates.recordOverdue()).toMatchObject({ step: 'status', update: 1, eta: '2026-03-02T14:50:00Z' });
      expect(s.updates.recordOverdue()).toBeUndefined();
      s.pause('test');
    } finally {
      s.release();
    }
    clock.set(T0 + 53 * MIN);
    const again = Session.resume(bundle, { now: clock.now, operator: OPERATOR });
    const runbook = again.runbook;
    try {
      expect(again.updates.recordOverdue()).toBeUndefined();
      // A late update 2 re-arms the countdown with its own ETA; update 1's ETA is missed by 5 minutes.
      clock.set(T0 + 55 * MIN);
      expect(again.updates.send('status', update('executed', 'now+15m'))).toEqual({ ok: true });
      const etas = etaStates(again.state, clock.now());
      expect(etas.map((e) => e.status)).toEqual(['met', 'missed', 'pending']);
      expect(etas[1]).toMatchObject({ ms: 5 * MIN, overdueSeq: expect.any(Number) });
      expect(currentEta(again.state, clock.now())).toMatchObject({ update: 2, eta: '2026-03-02T15:10:00Z', status: 'pending' });
      clock.set(T0 + 56 * MIN);
      expect(again.decide('decide', { option: 'no-go', confirmedText: 'NO-GO', remediation: 'Fix forward' })).toEqual({ ok: true });
      await again.close();
    } finally {
      again.release();
    }
    expect(journalOf(bundle).filter((e) => e.type === 'update.overdue')).toEqual([expect.objectContaining({ step: 'status', update: 1, eta: '2026-03-02T14:50:00Z' })]);
    // The report (markdown and json): every update with its ETA met/missed, the ETA pending at the close.
    // Judged at the close, however late the report is made.
    const r = updatesReport(runbook!, foldEvents(runbook!, journalOf(bundle)), new Date(T0 + 2 * 60 * MIN));
    expect(r.status_updates?.map((u) => [u.update, u.eta_status])).toEqual([[1, 'missed'], [2, 'pending']]);
    expect(r.next_update_etas?.at(-1)).toMatchObject({ promised_by: 'status #2', status: 'pending', words: 'still pending when the run closed (14:00 left)' });
    expect(r.next_update_etas?.[1]).toMatchObject({ overdue_at: iso(T0 + 51 * MIN), words: expect.stringMatching(/^MISSED: status #2 was sent at .*, 05:00 late$/) });
    const report = readFileSync(join(bundle, 'decision-record.md'), 'utf8');
    expect(report).toContain('### Status updates');
    expect(report).toContain('- Status update #1 (`status`): sent 2026-03-02T14:20:00.000Z to #bridge, next update due 2026-03-02T14:50:00Z — MISSED');
    expect(report).toContain('next update OVERDUE: promised by status #1 for 2026-03-02T14:50:00Z');
    expect(report).toMatch(/promised by status #2 .* still pending when the run closed/);
    const manifest = JSON.parse(readFileSync(join(bundle, 'manifest.json'), 'utf8')) as { incident?: { status_updates?: unknown[] } };
    expect(manifest.incident?.status_updates).toHaveLength(2);
    const v = await verifyBundle(bundle);
    expect(v.problems).toEqual([]);
  });

  it('refuses an update whose ETA is not in the future, or whose tag is not the pin, naming each field; nothing is written', () => {
    const clock = clockAt(T0);
    const { s } = started(clock);
    try {
      const before = journalOf(s.bundleDir).length;
      const past = s.updates.send('status', update('in progress', iso(T0 - MIN)));
      expect(past.ok).toBe(false);
      if (past.ok) return;
      expect(Object.keys(past.fields ?? {})).toEqual(['eta']);
      expect(past.reasons.join('\n')).toContain('Next update ETA (UTC) must be a time in the future: 2026-03-02T13:59:00.000Z is not later than now (2026-03-02T14:00:00Z)');
      const now = s.updates.send('status', { state: 'in progress', rollback_tag: 'v9.9.9', eta: 'now' });
      expect(now.ok).toBe(false);
      if (now.ok) return;
      expect(Object.keys(now.fields ?? {}).sort()).toEqual(['eta', 'rollback_tag']);
      expect(now.reasons.join('\n')).toContain('Rollback target tag must equal ${baseline.release_tag} = "v0.3.2"');
      // A status-update notice is never sent once with notice.sent.
      expect(s.sendNotice('status')).toMatchObject({ ok: false, reasons: [expect.stringContaining('is a status-update notice')] });
      expect(journalOf(s.bundleDir)).toHaveLength(before);
      expect(() => readFileSync(join(s.bundleDir, 'notices/status.update-1.md'))).toThrow();
    } finally {
      s.release();
    }
  });

  it('verify names an edited, a missing and a renumbered update file', async () => {
    const clock = clockAt(T0);
    const { s } = started(clock);
    const bundle = s.bundleDir;
    try {
      s.updates.send('status', update('in progress', 'now+30m'));
      clock.set(T0 + 10 * MIN);
      s.updates.send('status', update('executed', 'now+30m'));
      s.pause('test');
      await s.writeSummaries();
    } finally {
      s.release();
    }
    expect((await verifyBundle(bundle)).problems).toEqual([]);
    // No incident in this run: the decision record lists the updates in a section of their own.
    expect(readFileSync(join(bundle, 'decision-record.md'), 'utf8')).toContain('## Status updates\n\n- Status update #1 (`status`): sent 2026-03-02T14:00:00.000Z to #bridge, next update due 2026-03-02T14:30:00Z — met by status #2');
    const txt = join(bundle, 'notices/status.update-1.txt');
    writeFileSync(txt, readFileSync(txt, 'utf8').replace('in progress', 'restored'));
    rmSync(join(bundle, 'notices/status.update-2.md'));
    writeFileSync(join(bundle, 'notices/status.update-3.md'), '# Status update — update 3\n');
    const problems = (await verifyBundle(bundle)).problems;
    const about = (file: string) => problems.filter((p) => p.file === file || p.message.includes(file));
    expect(about('notices/status.update-1.txt').length, JSON.stringify(problems)).toBeGreaterThan(0);
    expect(about('notices/status.update-2.md').length, JSON.stringify(problems)).toBeGreaterThan(0);
    expect(about('notices/status.update-3.md').length, JSON.stringify(problems)).toBeGreaterThan(0);
    expect(about('notices/status.update-1.txt').map((p) => p.message).join('\n')).toMatch(/does not match the journal \(seq 2/);
    expect(about('notices/status.update-2.md').map((p) => p.message).join('\n')).toContain('is recorded in the journal (seq 3) but missing from the bundle');
  });

  it('verify replays a forged journal (hash chain and summaries recomputed): an update renumbered, a past ETA, an overdue that never was', async () => {
    const clock = clockAt(T0);
    const { s } = started(clock);
    const bundle = s.bundleDir;
    try {
      s.updates.send('status', update('in progress', 'now+30m'));
      clock.set(T0 + 10 * MIN);
      s.updates.send('status', update('executed', 'now+30m'));
      s.pause('test');
    } finally {
      s.release();
    }
    const events = journalOf(bundle);
    const forged = events.map((e) => {
      if (e.type === 'notice.updated' && e.update === 2) return { ...e, update: 5 };
      if (e.type === 'notice.updated' && e.update === 1) return { ...e, values: { ...e.values, eta: iso(T0 - MIN) }, next_update_eta: iso(T0 - MIN) };
      return e;
    });
    const overdue = { ...events.at(-1)!, type: 'update.overdue', step: 'status', update: 2, notice_seq: 3, eta: iso(T0 + 40 * MIN) } as unknown as (typeof events)[number];
    writeJournal(bundle, rechain([...forged, overdue]));
    await resummarize(bundle);
    const messages = (await verifyBundle(bundle)).problems.map((p) => p.message).join('\n');
    expect(messages).toContain('update 5 of "status" is recorded, but the next update is number 2');
    expect(messages).toContain('update 1 of "status" records eta = "2026-03-02T13:59:00.000Z", which the run refuses: Next update ETA (UTC) must be a time in the future');
    expect(messages).toMatch(/update\.overdue at .*, but no next-update ETA had passed unanswered then/);
  });

  it('the answers file lists the updates in order; an entry is checked against the fields before the run', () => {
    const ws = workspace(UPDATE_STEPS);
    const session = Session.start({ runbookPath: ws.cutover, mode: 'rehearsal', vars: { channel: '#bridge' }, evidenceDir: ws.evidence, operator: OPERATOR });
    const runbook = session.runbook;
    session.release();
    const file = join(ws.dir, 'answers.yaml');
    writeFileSync(file, 'answers:\n  status:\n    - {state: in progress, rollback_tag: v0.3.2, eta: now+30m}\n    - {state: executed, rollback_tag: v0.3.2, eta: now+1h, channel: "#war-room"}\n');
    expect(loadAnswers(file, runbook).get('status')).toEqual({ kind: 'updates', updates: [{ values: { state: 'in progress', rollback_tag: 'v0.3.2', eta: 'now+30m' } }, { values: { state: 'executed', rollback_tag: 'v0.3.2', eta: 'now+1h' }, channel: '#war-room' }] });
    writeFileSync(file, 'answers:\n  status:\n    - {state: gone, rollback_tag: v0.3.2, eta: now+30m}\n');
    expect(() => loadAnswers(file, runbook)).toThrow(/update 1 of "status": Rollback state must be one of: in progress, executed, restored/);
    writeFileSync(file, 'answers:\n  status: true\n');
    expect(() => loadAnswers(file, runbook)).toThrow(/"status" is a status-update notice: its answer is a list of updates/);
    writeFileSync(file, 'answers:\n  incident-notice:\n    - {impact: x}\n');
    expect(() => loadAnswers(file, runbook)).toThrow(/"incident-notice" is not a status-update notice/);
  });
});
