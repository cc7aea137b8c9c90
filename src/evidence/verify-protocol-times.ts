// verify (review 13b findings 1, 2, 6): the times the deadlines depend on.
// - run.started `deadline_rules` is one this cutover renders; a bundle whose
//   runbook uses what came with rules 2 (protocol: markers, status updates)
//   but records none had it taken out (to be rendered by the older rules).
// - Every notice's sent_at (notice.sent, notice.updated) is a UTC time:
//   under rules 2 exactly its event's time (the session writes both as one
//   moment); in an older bundle from the previous event on (not before the
//   run started, the step was reached or the run resumed after a pause) and
//   no later than its own event — only when the journal held the event's
//   time at the previous one's (a clock stepped back) is that lower bound not
//   checkable. Deadlines and ETAs are judged by the event's time anyway.
// - Under rules 2 the identification step's time (the anchor of a run with
//   no trigger) is no later than when it was recorded and at most 24 h
//   before it (not kind: rollback: nor before the run started), as the
//   session requires (engine/deadlines.ts).
import { identificationProblem, KNOWN_DEADLINE_RULES } from '../engine/deadlines.js';
import type { JournalEvent } from '../engine/events.js';
import { stepsInOrder } from '../engine/fold.js';
import type { Runbook } from '../runbook/types.js';

type Report = (file: string, message: string) => void;
const JOURNAL = 'journal.ndjson';

const isUtc = (t: unknown): t is string => typeof t === 'string' && !Number.isNaN(Date.parse(t)) && new Date(Date.parse(t)).toISOString() === t;

export function checkProtocolTimes(runbook: Runbook, events: readonly JournalEvent[], report: Report): void {
  const started = events[0];
  if (started?.type !== 'run.started') return;
  const rules = started.deadline_rules;
  if (rules !== undefined && !KNOWN_DEADLINE_RULES.includes(rules)) {
    report(
      JOURNAL,
      rules === 1
        ? 'seq 1: run.started records deadline_rules 1, which no cutover writes (rules 1 are those of a bundle made before the field existed, which has none): it was written into the journal'
        : `seq 1: run.started records deadline_rules ${JSON.stringify(rules)}, which this cutover does not know (it writes ${KNOWN_DEADLINE_RULES.join(', ')}): verify it with the cutover that wrote it`,
    );
    return;
  }
  const newer = stepsInOrder(runbook).find((s) => s.protocol !== undefined || (s.kind === 'notice' && (s.updates === true || s.next_update !== undefined)));
  if (rules === undefined && newer) report(JOURNAL, `seq 1: run.started records no deadline_rules, but the runbook's step "${newer.id}" uses ${newer.protocol !== undefined ? 'protocol:' : 'status updates'}, which only cutover recording deadline_rules 2 runs: it was taken out`);
  for (let i = 1; i < events.length; i++) {
    const ev = events[i]!;
    const prev = events[i - 1]!;
    if (ev.type === 'notice.sent' || ev.type === 'notice.updated') {
      const what = ev.type === 'notice.sent' ? `notice "${ev.step}"` : `update ${String(ev.update)} of "${ev.step}"`;
      const sent: unknown = ev.sent_at;
      if (!isUtc(sent)) report(JOURNAL, `seq ${ev.seq}: ${what} has sent_at ${JSON.stringify(sent ?? null)}, not a UTC time such as 2026-12-01T00:42:23.982Z`);
      else if (sent > ev.at) report(JOURNAL, `seq ${ev.seq}: ${what} says it was sent at ${sent}, after the event that records it (${ev.at}): the session writes both at the same moment`);
      else if (rules !== undefined && rules >= 2 && sent !== ev.at) report(JOURNAL, `seq ${ev.seq}: ${what} says it was sent at ${sent}, but its event was recorded at ${ev.at}: this cutover writes both at the same moment (deadlines and ETAs are judged by the event's time)`);
      else if (sent < prev.at && ev.at !== prev.at) report(JOURNAL, `seq ${ev.seq}: ${what} says it was sent at ${sent}, before the previous event (seq ${prev.seq}, ${prev.at}): the session writes sent_at when it records the notice`);
    }
    if (rules !== undefined && rules >= 2 && ev.type === 'input.recorded' && ev.values && typeof ev.values === 'object') {
      const p = identificationProblem(runbook, ev.step, ev.values, new Date(ev.at), started.at);
      if (p) report(JOURNAL, `seq ${ev.seq}: "${ev.step}" records ${p.field}, which the run refuses: ${p.problem}`);
    }
  }
}
