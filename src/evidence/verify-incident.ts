// verify (issue 13): the replay's checks of the rollback protocol's events —
// a trigger of the matrix declared at a severity not below its minimum and
// identified no later than it was entered, a trigger cleared only while
// open and with a reason, a deadline.overdue only for a deadline that had
// passed unmet at that moment and only once (per step and anchoring
// trigger), and rollback.started (the one event a closed run may still get):
// once per trigger, for an open trigger whose action is a rollback; after
// it that trigger is never cleared (and the GO lock holds, gates.ts rule 5).
import type { JournalEvent } from '../engine/events.js';
import { stepsInOrder, type RunState } from '../engine/fold.js';
import { identifiedNotBefore, rollbackStartedFor, severityProblem, triggerOf } from '../engine/incident.js';
import { openFollowUp, runSettled } from '../engine/policy.js';
import { deadlines } from '../engine/progress.js';
import type { Runbook, Step } from '../runbook/types.js';

/** The events this module checks. */
export const INCIDENT_TYPES = new Set(['trigger.declared', 'trigger.cleared', 'deadline.overdue', 'rollback.started']);

const isText = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

function isUtc(v: unknown): v is string {
  return typeof v === 'string' && Number.isFinite(Date.parse(v)) && new Date(Date.parse(v)).toISOString() === v;
}

export function checkIncidentEvent(runbook: Runbook, state: RunState, ev: JournalEvent, bad: (m: string) => void): void {
  const settled = runSettled(state);
  switch (ev.type) {
    case 'trigger.declared': {
      const trigger = triggerOf(runbook, ev.trigger);
      if (!trigger) bad(`trigger "${String(ev.trigger)}" is not a rollback trigger of the runbook`);
      else {
        const problem = severityProblem(trigger, String(ev.severity));
        if (problem) bad(`trigger "${ev.trigger}" is recorded with ${problem}`);
      }
      if (ev.identified_at !== undefined) {
        if (!isUtc(ev.identified_at)) bad(`trigger "${String(ev.trigger)}" has identified_at ${JSON.stringify(ev.identified_at)}, not a UTC time as cutover writes it`);
        else if (ev.identified_at > ev.at) bad(`trigger "${String(ev.trigger)}" is identified at ${ev.identified_at}, after it was entered (${ev.at}): cutover refuses a time in the future`);
        else if (Date.parse(ev.identified_at) < Date.parse(ev.at) - 24 * 3600 * 1000) bad(`trigger "${String(ev.trigger)}" is identified at ${ev.identified_at}, more than 24 h before it was entered (${ev.at}): cutover refuses that`);
        else if (ev.identified_at < identifiedNotBefore(state).at) bad(`trigger "${String(ev.trigger)}" is identified at ${ev.identified_at}, before ${identifiedNotBefore(state).what} started (${identifiedNotBefore(state).at}): cutover refuses that`);
      }
      if (state.triggers.some((t) => t.id === ev.trigger && t.open)) bad(`trigger "${String(ev.trigger)}" is declared again while it is open`);
      if (!isText(ev.note)) bad(`trigger "${String(ev.trigger)}" is declared without a note`);
      if (!settled.ok) bad(`a trigger was declared although ${settled.reason}`);
      return;
    }
    case 'trigger.cleared':
      if (!state.triggers.some((t) => t.id === ev.trigger && t.open)) bad(`trigger "${String(ev.trigger)}" is cleared, but it is not open at this point`);
      else if (rollbackStartedFor(state, ev.trigger)) bad(`trigger "${ev.trigger}" is cleared after its rollback run ${rollbackStartedFor(state, ev.trigger)!.runId} was started (rollback.started): cutover refuses that`);
      else if (!isText(ev.note)) bad(`trigger "${ev.trigger}" is cleared without a reason`);
      if (!settled.ok) bad(`a trigger was cleared although ${settled.reason}`);
      return;
    case 'deadline.overdue': {
      const d = deadlines(runbook, state, new Date(ev.at)).find((x) => x.step === ev.step);
      if (!d) bad(`deadline.overdue names step "${String(ev.step)}", which has no deadline in this run`);
      else if (d.overdueSeq !== undefined) bad(`deadline.overdue for "${ev.step}" again: the journal says it was overdue at seq ${d.overdueSeq}`);
      else if (d.status !== 'missed') bad(`deadline.overdue for "${ev.step}", but at ${ev.at} its deadline was ${d.status}${d.dueAt ? ` (due ${d.dueAt})` : ''}`);
      else if ((ev.trigger ?? undefined) !== d.trigger || (ev.trigger_seq ?? undefined) !== d.triggerSeq) bad(`deadline.overdue for "${ev.step}" names trigger ${JSON.stringify(ev.trigger ?? null)} (seq ${String(ev.trigger_seq ?? '-')}), but at ${ev.at} its deadline counted from ${d.trigger ? `trigger "${d.trigger}" (seq ${String(d.triggerSeq ?? '-')})` : 'no trigger'}`);
      else if (d.dueAt !== ev.due_at || d.anchorAt !== ev.anchor_at) bad(`deadline.overdue for "${ev.step}" says due ${String(ev.due_at)} from ${String(ev.anchor_at)}, but the events give due ${d.dueAt} from ${String(d.anchorAt)}`);
      if (state.closed) bad('a deadline.overdue event comes after run.closed');
      return;
    }
    case 'rollback.started': {
      if (![ev.run_id, ev.bundle, ev.trigger, ev.journal_head].every(isText) || typeof ev.runbook !== 'object') {
        bad('rollback.started is malformed: it needs run_id, bundle, runbook, trigger and journal_head');
        return;
      }
      if (!/^[0-9a-f]{64}$/.test(ev.journal_head)) bad(`rollback.started gives journal_head ${JSON.stringify(ev.journal_head)}, not the 64-hex hash of the rollback run's run.started`);
      const before = rollbackStartedFor(state, ev.trigger);
      if (before) bad(`a second rollback.started for trigger "${ev.trigger}": its rollback run ${before.runId} was started at seq ${before.seq}`);
      else if (!state.triggers.some((t) => t.id === ev.trigger)) bad(`rollback.started carries trigger "${ev.trigger}", which was never declared in this run`);
      else if (!state.triggers.some((t) => t.id === ev.trigger && t.open)) bad(`rollback.started carries trigger "${ev.trigger}", which is not open at this point (it was cleared)`);
      else if (triggerOf(runbook, ev.trigger)?.rollback !== true) bad(`rollback.started carries trigger "${ev.trigger}", whose action in the matrix is not a rollback (rollback: true)`);
      return;
    }
    default:
      return;
  }
}

/**
 * What a closed run may still get for its follow-up steps (`follow_up: true`,
 * session/follow-ups.ts): run.resumed marked follow_up while one is open, and
 * the answer recording an open follow-up.
 */
export function followUpAfterClose(runbook: Runbook, state: RunState, ev: JournalEvent, step: Step | undefined): boolean {
  const open = stepsInOrder(runbook).some((s) => openFollowUp(state, s));
  if (ev.type === 'run.resumed') return ev.follow_up === true && open;
  return step !== undefined && (ev.type === 'step.confirmed' || ev.type === 'input.recorded' || ev.type === 'notice.sent') && openFollowUp(state, step);
}
