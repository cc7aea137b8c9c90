// What `resume` journaled before the plain driver started (review 13b,
// finding 8): a deadline or a next-update ETA that passed while no process
// held the run is recorded by Session.resume itself (deadline.overdue,
// update.overdue, once each), so the driver's own look finds nothing new.
// These are the ones journaled after this process's run.resumed, for the
// log to print as it prints one that passes mid-run.
import { deadlines, type DeadlineState } from '../engine/deadlines.js';
import { etaStates, type EtaState } from '../engine/updates.js';
import type { Session } from '../session/session.js';

export function overdueOnResume(session: Session): { deadlines: DeadlineState[]; etas: EtaState[] } {
  const events = session.events;
  let resumedAt = -1;
  events.forEach((e, i) => { if (e.type === 'run.resumed') resumedAt = i; });
  if (resumedAt < 0) return { deadlines: [], etas: [] };
  const seqs = new Set(events.slice(resumedAt + 1).filter((e) => e.type === 'deadline.overdue' || e.type === 'update.overdue').map((e) => e.seq));
  if (!seqs.size) return { deadlines: [], etas: [] };
  const now = session.clock();
  return {
    deadlines: deadlines(session.runbook, session.state, now).filter((d) => d.overdueSeq !== undefined && seqs.has(d.overdueSeq)),
    etas: etaStates(session.state, now).filter((e) => e.overdueSeq !== undefined && seqs.has(e.overdueSeq)),
  };
}
