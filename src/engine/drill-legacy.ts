// The incident measures of a bundle made under deadline rules 1 (before
// run.started recorded `deadline_rules`, engine/deadlines.ts): computed
// exactly as cutover did then, so that verify renders an old bundle's
// decision record and manifest as they were written (review 13b finding 1).
// Never used for a run started by this cutover.
import { parseDuration } from '../runbook/vars.js';
import type { Runbook, Step } from '../runbook/types.js';
import { stepsInOrder, type RunState } from './fold.js';
import { anchorTrigger } from './incident.js';
import { mmss as span } from './span.js';
import type { DrillMetrics, ProtocolDeadline } from './drill.js';

/** The rules-1 milestones and deadlines, by the step ids of the shipped rollback runbooks. */
const MILESTONES = [
  { id: 'notice', step: 'initial-incident-notice', title: 'initial incident notice sent' },
  { id: 'recommendation', step: 'producer-rollback-recommendation', title: 'producer rollback recommendation' },
  { id: 'rollback-executed', step: 'rollback-executed', title: 'rollback executed' },
  { id: 'repin-confirmed', step: 'consumer-repin-confirmed', title: 'consumer re-pin confirmed' },
  { id: 'final-record', step: 'rollback-record', title: 'final record' },
] as const;

const DEADLINES = [
  { name: 'initial incident notice', step: 'initial-incident-notice', within: '15m', after: 'identification' },
  { name: 'producer rollback recommendation', step: 'producer-rollback-recommendation', within: '30m', after: 'identification' },
  { name: 'consumer re-pin confirmation', step: 'consumer-repin-confirmed', within: '30m', after: 'rollback-executed' },
  { name: 'joint incident summary', step: 'joint-incident-summary', within: '24h', after: 'identification' },
] as const;

const valid = (t: string | undefined): t is string => typeof t === 'string' && !Number.isNaN(Date.parse(t));

/** Rules 1: a notice when it was sent, anything else when its event was recorded; a skipped step is not done. */
function doneAt(state: RunState, id: string): string | undefined {
  const st = state.steps[id];
  if (st?.status !== 'passed') return undefined;
  return state.notices[id]?.sentAt ?? st.completedAt;
}

function identification(runbook: Runbook, state: RunState): Pick<DrillMetrics, 'identifiedAt' | 'identifiedFrom' | 'trigger' | 'severity' | 'incidentId'> & { step?: string } {
  const step = stepsInOrder(runbook).find((s): s is Extract<Step, { kind: 'input' }> => s.kind === 'input' && s.fields.some((f) => f.id === 'identified_at'));
  const values = step ? state.inputs[step.id] : undefined;
  const anchor = anchorTrigger(state);
  const base = { trigger: anchor?.id ?? values?.trigger_type, severity: anchor?.severity ?? values?.severity, incidentId: values?.incident_id, step: step?.id };
  if (anchor && valid(anchor.identifiedAt)) return { ...base, identifiedAt: anchor.identifiedAt, identifiedFrom: anchor.carried ? 'carried trigger' : 'trigger' };
  if (valid(values?.identified_at)) return { ...base, identifiedAt: values.identified_at, identifiedFrom: 'input' };
  return base;
}

/** drillMetrics of a rules-1 run; spans rounded, unsigned (as it was). */
export function legacyDrillMetrics(runbook: Runbook, state: RunState, now: Date): DrillMetrics {
  const mmss = (ms: number) => span(ms, true);
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
  const deadlines = DEADLINES.filter((d) => steps.has(d.step)).map((d): ProtocolDeadline => {
    const due = steps.get(d.step)!.due;
    const within = due?.within ?? d.within;
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
