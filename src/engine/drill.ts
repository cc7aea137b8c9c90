// The incident of a rollback run, measured from its journal alone (through
// the fold): when the trigger was identified, how long each milestone of the
// rollback protocol took from there, the time to recovery, and the four
// protocol deadlines met, missed (by how much) or still open. Pure: the
// decision record, `cutover report` (markdown and json) and the plain
// summary all show the same figures, and verify renders them again.
import { parseDuration } from '../runbook/vars.js';
import type { Runbook, Step } from '../runbook/types.js';
import { stepsInOrder, type RunState } from './fold.js';
import { anchorTrigger } from './incident.js';

/** The protocol's milestones, by the step ids of the shipped rollback runbooks. */
export const MILESTONES = [
  { id: 'notice', step: 'initial-incident-notice', title: 'initial incident notice sent' },
  { id: 'recommendation', step: 'producer-rollback-recommendation', title: 'producer rollback recommendation' },
  { id: 'rollback-executed', step: 'rollback-executed', title: 'rollback executed' },
  { id: 'repin-confirmed', step: 'consumer-repin-confirmed', title: 'consumer re-pin confirmed' },
  { id: 'final-record', step: 'rollback-record', title: 'final record' },
] as const;

/** The four deadlines of the protocol (DESIGN §2), by name; `within`/`after` are the runbook's where it sets them. */
export const PROTOCOL_DEADLINES = [
  { name: 'initial incident notice', step: 'initial-incident-notice', within: '15m', after: 'identification' },
  { name: 'producer rollback recommendation', step: 'producer-rollback-recommendation', within: '30m', after: 'identification' },
  { name: 'consumer re-pin confirmation', step: 'consumer-repin-confirmed', within: '30m', after: 'rollback-executed' },
  { name: 'joint incident summary', step: 'joint-incident-summary', within: '24h', after: 'identification' },
] as const;

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
  /** Identification → rollback complete (the final record's completed_at, else its entry). */
  recovery?: { at: string; duration: string };
  deadlines: ProtocolDeadline[];
}

/** 95 seconds → `01:35` (mm:ss); from an hour on, h:mm:ss (`1:37:00`, `23:59:44`). */
export function mmss(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  return s < 3600 ? `${two(Math.floor(s / 60))}:${two(s % 60)}` : `${Math.floor(s / 3600)}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}`;
}

const valid = (t: string | undefined): t is string => typeof t === 'string' && !Number.isNaN(Date.parse(t));

/** Whether the run is an incident to measure: a rollback runbook, or any run with a trigger. */
export function hasIncident(runbook: Runbook, state: RunState): boolean {
  return runbook.kind === 'rollback' || state.triggers.length > 0 || state.rollbackOf !== undefined;
}

/** When a step was done: a notice when it was sent, anything else when its event was recorded. */
function doneAt(state: RunState, id: string): string | undefined {
  const st = state.steps[id];
  if (st?.status !== 'passed') return undefined;
  return state.notices[id]?.sentAt ?? st.completedAt;
}

function identification(runbook: Runbook, state: RunState): Pick<DrillMetrics, 'identifiedAt' | 'identifiedFrom' | 'trigger' | 'severity' | 'incidentId'> & { step?: string } {
  // The identification step of the runbook: an input with an identified_at field.
  const step = stepsInOrder(runbook).find((s): s is Extract<Step, { kind: 'input' }> => s.kind === 'input' && s.fields.some((f) => f.id === 'identified_at'));
  const values = step ? state.inputs[step.id] : undefined;
  const anchor = anchorTrigger(state);
  const base = { trigger: anchor?.id ?? values?.trigger_type, severity: anchor?.severity ?? values?.severity, incidentId: values?.incident_id, step: step?.id };
  if (anchor && valid(anchor.identifiedAt)) return { ...base, identifiedAt: anchor.identifiedAt, identifiedFrom: anchor.carried ? 'carried trigger' : 'trigger' };
  if (valid(values?.identified_at)) return { ...base, identifiedAt: values.identified_at, identifiedFrom: 'input' };
  return base;
}

export function drillMetrics(runbook: Runbook, state: RunState, now: Date): DrillMetrics {
  const id = identification(runbook, state);
  const t0 = id.identifiedAt ? Date.parse(id.identifiedAt) : undefined;
  const steps = new Map(stepsInOrder(runbook).map((s) => [s.id, s]));
  const since = (at: string | undefined) => (at && t0 !== undefined ? mmss(Date.parse(at) - t0) : undefined);
  const milestones = MILESTONES.filter((m) => steps.has(m.step)).map((m) => {
    const at = doneAt(state, m.step);
    return { id: m.id, step: m.step, title: m.title, ...(at ? { at } : {}), ...(since(at) ? { since: since(at) } : {}) };
  });
  const record = doneAt(state, 'rollback-record');
  const completed = state.inputs['rollback-record']?.completed_at;
  const recoveredAt = record ? (valid(completed) && t0 !== undefined && Date.parse(completed) >= t0 ? completed : record) : undefined;
  const deadlines = PROTOCOL_DEADLINES.filter((d) => steps.has(d.step)).map((d): ProtocolDeadline => {
    const due = steps.get(d.step)!.due;
    const within = due?.within ?? d.within;
    // Counted from the identification (a trigger, or the step that records it), else from what `after` names.
    const after = !due || due.after === 'trigger' || due.after === id.step ? d.after : due.after;
    const anchorAt = after === 'identification' ? id.identifiedAt : after === 'start' ? state.startedAt : doneAt(state, after);
    const done = doneAt(state, d.step);
    const base = { name: d.name, step: d.step, within, after, ...(done ? { doneAt: done } : {}) };
    if (!anchorAt) return { ...base, status: 'waiting' };
    const dueMs = Date.parse(anchorAt) + parseDuration(within);
    const dueAt = new Date(dueMs).toISOString();
    if (done) {
      const late = Date.parse(done) - dueMs;
      return { ...base, dueAt, status: late <= 0 ? 'met' : 'missed', by: mmss(late) };
    }
    const late = now.getTime() - dueMs;
    return late > 0 ? { ...base, dueAt, status: 'overdue', by: mmss(late) } : { ...base, dueAt, status: 'open' };
  });
  const { step: _identificationStep, ...shown } = id;
  return {
    ...shown,
    milestones,
    ...(recoveredAt && t0 !== undefined ? { recovery: { at: recoveredAt, duration: mmss(Date.parse(recoveredAt) - t0) } } : {}),
    deadlines,
  };
}

/** One line per deadline, e.g. `initial incident notice (15m): met, 03:00 to spare`. */
export function deadlineWords(d: ProtocolDeadline): string {
  const head = `${d.name} (${d.within}${d.after === 'identification' ? '' : ` after ${d.after}`})`;
  switch (d.status) {
    case 'met':
      return `${head}: met, ${d.by} to spare`;
    case 'missed':
      return `${head}: MISSED by ${d.by}`;
    case 'overdue':
      return `${head}: open, OVERDUE by ${d.by}`;
    case 'open':
      return `${head}: open, due ${d.dueAt}`;
    default:
      return `${head}: not started (${d.after === 'identification' ? 'no identification time recorded' : `${d.after} not done`})`;
  }
}
