// The incident of a rollback run, measured from its journal alone (through
// the fold): when the trigger was identified, how long each milestone of the
// rollback protocol took from there, the time to recovery, and the four
// protocol deadlines met, missed (by how much) or still open. Pure: the
// decision record, `cutover report` (markdown and json) and the plain
// summary all show the same figures, and verify renders them again.
import { protocolSteps, timeField, type ProtocolRole } from '../runbook/protocol.js';
import type { Runbook, Step } from '../runbook/types.js';
import { deadlines, doneAt as doneOf, identification, type DeadlineState } from './deadlines.js';
import { legacyDrillMetrics } from './drill-legacy.js';
import type { RunState } from './fold.js';
import { mmss } from './span.js';

export { mmss };

/** The protocol's milestones, by the role of their step (`protocol:`, runbook/protocol.ts). */
export const MILESTONES = [
  { id: 'notice', role: 'initial-notice', title: 'initial incident notice sent' },
  { id: 'recommendation', role: 'recommendation', title: 'producer rollback recommendation' },
  { id: 'rollback-executed', role: 'rollback-executed', title: 'rollback executed' },
  { id: 'repin-confirmed', role: 'repin-confirmed', title: 'consumer re-pin confirmed' },
  { id: 'final-record', role: 'final-record', title: 'final record' },
] as const satisfies readonly { id: string; role: ProtocolRole; title: string }[];

/** The four deadlines of the protocol (DESIGN §2), by name and role; their due times are deadlines()' (the step's `due:`, else the role's default). */
export const PROTOCOL_DEADLINES = [
  { name: 'initial incident notice', role: 'initial-notice' },
  { name: 'producer rollback recommendation', role: 'recommendation' },
  { name: 'consumer re-pin confirmation', role: 'repin-confirmed' },
  { name: 'joint incident summary', role: 'joint-summary' },
] as const satisfies readonly { name: string; role: ProtocolRole }[];

export interface Milestone {
  id: string;
  step: string;
  title: string;
  /** When it happened (a notice: when it was sent); absent while it has not. */
  at?: string;
  /** mm:ss from the identification. */
  since?: string;
}

export interface ProtocolDeadline {
  name: string;
  step: string;
  within: string;
  /** `identification` or the step it counts from. */
  after: string;
  dueAt?: string;
  doneAt?: string;
  /** Its step was skipped (done, not sent or recorded): met/missed by when it was skipped. */
  skipped?: boolean;
  /** met; missed (done late); open (not done, not due yet); overdue (not done, past due); waiting (its anchor has not happened). */
  status: 'met' | 'missed' | 'open' | 'overdue' | 'waiting';
  /** mm:ss early (met) or late (missed, overdue). */
  by?: string;
}

export interface DrillMetrics {
  trigger?: string;
  severity?: string;
  incidentId?: string;
  identifiedAt?: string;
  /** Where the identification time comes from. */
  identifiedFrom?: 'carried trigger' | 'trigger' | 'input';
  milestones: Milestone[];
  /** Identification → rollback complete (the final-record step's first timestamp field, else its entry). */
  recovery?: { at: string; duration: string };
  deadlines: ProtocolDeadline[];
}


const valid = (t: string | undefined): t is string => typeof t === 'string' && !Number.isNaN(Date.parse(t));

/** Whether the run is an incident to measure: a rollback runbook, or any run with a trigger. */
export function hasIncident(runbook: Runbook, state: RunState): boolean {
  return runbook.kind === 'rollback' || state.triggers.length > 0 || state.rollbackOf !== undefined;
}

/** A milestone happened when its step passed (a notice: when it was sent). */
function passedAt(state: RunState, step: Step | undefined): string | undefined {
  const d = step ? doneOf(state, step.id) : undefined;
  return d && !d.skipped ? d.at : undefined;
}

/** A deadline of deadlines() in the report's words: open/overdue while not done, by how much. */
export function protocolDeadline(name: string, d: DeadlineState, now: Date): ProtocolDeadline {
  const base = { name, step: d.step, within: d.within, after: d.anchor === 'trigger' ? 'identification' : d.anchor, ...(d.completedAt ? { doneAt: d.completedAt } : {}), ...(d.skipped ? { skipped: true } : {}) };
  if (d.status === 'waiting' || !d.dueAt) return { ...base, status: 'waiting' };
  const dueMs = Date.parse(d.dueAt);
  if (d.completedAt) {
    const late = Date.parse(d.completedAt) - dueMs;
    return { ...base, dueAt: d.dueAt, status: d.status === 'met' ? 'met' : 'missed', by: mmss(late) };
  }
  return d.status === 'missed' ? { ...base, dueAt: d.dueAt, status: 'overdue', by: mmss(now.getTime() - dueMs) } : { ...base, dueAt: d.dueAt, status: 'open' };
}

/** A span from the identification: `-` before it (never shown as if after it, review 13b finding 6). */
const signed = (ms: number): string => `${ms < 0 ? '-' : ''}${mmss(ms)}`;

export function drillMetrics(runbook: Runbook, state: RunState, now: Date): DrillMetrics {
  if (state.deadlineRules < 2) return legacyDrillMetrics(runbook, state, now); // a bundle made before the rules were recorded
  const roles = protocolSteps(runbook);
  const ident = identification(runbook, state);
  // What the identification step recorded (shown when no trigger says it): trigger_type, severity, incident_id.
  const values = roles.identification ? state.inputs[roles.identification.id] : undefined;
  const t0 = ident ? Date.parse(ident.at) : undefined;
  const since = (at: string | undefined) => (at && t0 !== undefined ? signed(Date.parse(at) - t0) : undefined);
  const milestones = MILESTONES.filter((m) => roles[m.role]).map((m) => {
    const step = roles[m.role]!;
    const at = passedAt(state, step);
    return { id: m.id, step: step.id, title: m.title, ...(at ? { at } : {}), ...(since(at) ? { since: since(at) } : {}) };
  });
  // Rollback complete: the final record's time field (its first timestamp), else when it was recorded.
  const tf = timeField(runbook, 'final-record');
  const record = passedAt(state, roles['final-record']);
  const completed = tf ? state.inputs[tf.step.id]?.[tf.field.id] : undefined;
  const recoveredAt = record ? (valid(completed) && t0 !== undefined && Date.parse(completed) >= t0 ? completed : record) : undefined;
  const all = deadlines(runbook, state, now);
  const deadlineList = PROTOCOL_DEADLINES.flatMap((p) => {
    const d = roles[p.role] ? all.find((x) => x.step === roles[p.role]!.id) : undefined;
    return d ? [protocolDeadline(p.name, d, now)] : [];
  });
  return {
    trigger: ident?.trigger?.id ?? values?.trigger_type,
    severity: ident?.trigger?.severity ?? values?.severity,
    incidentId: values?.incident_id,
    ...(ident ? { identifiedAt: ident.at, identifiedFrom: ident.from } : {}),
    milestones,
    ...(recoveredAt && t0 !== undefined ? { recovery: { at: recoveredAt, duration: signed(Date.parse(recoveredAt) - t0) } } : {}),
    deadlines: deadlineList,
  };
}

/** One line per deadline, e.g. `initial incident notice (15m): met, 03:00 to spare`. */
export function deadlineWords(d: ProtocolDeadline): string {
  const head = `${d.name} (${d.within}${d.after === 'identification' ? '' : ` after ${d.after}`})`;
  switch (d.status) {
    case 'met':
      return `${head}: ${d.skipped ? 'skipped, ' : ''}met, ${d.by} to spare`;
    case 'missed':
      return `${head}: ${d.skipped ? 'skipped, ' : ''}MISSED by ${d.by}`;
    case 'overdue':
      return `${head}: open, OVERDUE by ${d.by}`;
    case 'open':
      return `${head}: open, due ${d.dueAt}`;
    default:
      return `${head}: not started (${d.after === 'identification' ? 'no identification time recorded' : `${d.after} not done`})`;
  }
}
