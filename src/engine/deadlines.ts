// The one deadline computation (issue 13, review finding 11): every view —
// the plain log, the screen's countdowns, deadline.overdue (journaled once
// per step and anchoring trigger), verify's re-check of it, and the
// incident report's four protocol deadlines and drill metrics — derives
// from deadlines() below, so they can never disagree on an anchor, a due
// time or a status. Pure: runbook + folded state + the moment.
import { dueOf, protocolSteps, timeField, type ProtocolRole } from '../runbook/protocol.js';
import type { Runbook, Step } from '../runbook/types.js';
import { parseDuration } from '../runbook/vars.js';
import { stepsInOrder, type RunState } from './fold.js';
import { anchorTrigger, overdueKey, type AnchorTrigger } from './incident.js';
import { inMode } from './modes.js';

export interface DeadlineState {
  step: string;
  title: string;
  within: string;
  anchor: string;
  /** Undefined while the anchor has not happened yet. */
  dueAt?: string;
  status: 'waiting' | 'running' | 'met' | 'missed';
  /** When the step was done (passed: a notice when it was sent; or skipped), if it was. */
  completedAt?: string;
  /** The step was skipped, not done. */
  skipped?: boolean;
  /** When the anchor happened (for `trigger`: when the trigger was identified). */
  anchorAt?: string;
  /** For `trigger`: where that time comes from — a trigger, or (no trigger in the run) the identification step's input. */
  anchorFrom?: Identification['from'];
  /** The deadline.overdue event journaled for it (for this anchor trigger), if any. */
  overdueSeq?: number;
  /** For a deadline counted from a trigger: the trigger that anchors it now (deadline.overdue names it). */
  trigger?: string;
  triggerSeq?: number;
  /** The protocol role of its step (runbook/protocol.ts). */
  role?: ProtocolRole;
}

export interface Identification {
  at: string;
  from: 'carried trigger' | 'trigger' | 'input';
  /** The anchoring trigger (none when the time comes from the input). */
  trigger?: AnchorTrigger;
}

const valid = (t: string | undefined): t is string => typeof t === 'string' && !Number.isNaN(Date.parse(t));

/**
 * The deadline rules a run is measured by, journaled in its run.started
 * (`deadline_rules`) so that a bundle is always rendered — and verified — by
 * the rules it was made with. 1 (absent: bundles of cutover before it was
 * recorded): a run with no trigger has no `after: trigger` anchor; a step is
 * done when its event was recorded. 2: a run with no trigger counts from the
 * identification step's time (bounded, identificationProblem); a step is
 * done when its event was recorded (a notice too: its event's time, never
 * the sent_at it claims); the report says which deadlines were skipped.
 */
export const DEADLINE_RULES = 2;

/**
 * The deadline_rules values a run.started may record: only those a cutover
 * writes. Rules 1 are never recorded — they are those of a bundle without
 * the field — so a recorded 1 is a downgrade someone wrote (review 13c #1).
 */
export const KNOWN_DEADLINE_RULES: readonly number[] = [DEADLINE_RULES];

const DAY_MS = 24 * 3600 * 1000;

/**
 * What is wrong with the identification step's time (rules 2), entered at
 * `now`: like a trigger's identified_at (engine/incident.ts), never later
 * than when it is entered (a second of skew aside) and never more than 24 h
 * before it; in a runbook that is not `kind: rollback`, not before the run
 * started (`startedAt`). A rollback run may have started after the incident
 * was identified. Undefined when it is fine or when `step` is not the
 * identification step.
 */
export function identificationProblem(runbook: Runbook, stepId: string, values: Record<string, string | undefined>, now: Date, startedAt?: string): { field: string; problem: string } | undefined {
  const tf = timeField(runbook, 'identification');
  const value = tf && tf.step.id === stepId ? values[tf.field.id] : undefined;
  if (!tf || !valid(value)) return undefined;
  const ms = Date.parse(value);
  if (ms > now.getTime() + 1000) return { field: tf.field.id, problem: `${tf.field.label} ${value} is in the future (now is ${now.toISOString()}): give the time the trigger was identified, e.g. now-5m` };
  if (ms < now.getTime() - DAY_MS) return { field: tf.field.id, problem: `${tf.field.label} ${value} is more than 24 h before it is entered (now is ${now.toISOString()}): give the time the trigger was identified today` };
  if (runbook.kind !== 'rollback' && startedAt && ms < Date.parse(startedAt)) return { field: tf.field.id, problem: `${tf.field.label} ${value} is before the run started (${startedAt}): give a time from then on, when it was seen during the run` };
  return undefined;
}

/**
 * When the trigger was identified — what `after: trigger` counts from: the
 * carried trigger of a rollback run, else the open trigger identified
 * earliest; in a run that has no trigger at all (none carried, none ever
 * declared: an unlinked rollback run) and deadline rules 2, the time
 * recorded in the identification step (runbook/protocol.ts timeField). A run
 * whose triggers were all cleared has none: a false alarm starts no deadline.
 */
export function identification(runbook: Runbook, state: RunState): Identification | undefined {
  const trigger = anchorTrigger(state);
  if (trigger) return valid(trigger.identifiedAt) ? { at: trigger.identifiedAt, from: trigger.carried ? 'carried trigger' : 'trigger', trigger } : undefined;
  if (state.rollbackOf || state.triggers.length > 0 || state.deadlineRules < 2) return undefined;
  const tf = timeField(runbook, 'identification');
  const at = tf && state.steps[tf.step.id]?.status === 'passed' ? state.inputs[tf.step.id]?.[tf.field.id] : undefined;
  return valid(at) ? { at, from: 'input' } : undefined;
}

/**
 * When a step was done: passed or skipped, when its event was recorded — a
 * notice too, by its event's time, never by the sent_at it claims (review
 * 13b finding 2: verify orders event times; a sent_at could be edited). Rules
 * 1 read any recorded completion as done, as the old code did.
 */
export function doneAt(state: RunState, id: string): { at: string; skipped: boolean } | undefined {
  const st = state.steps[id];
  if (!st?.completedAt) return undefined;
  if (st.status === 'passed' || st.status === 'skipped') return { at: st.completedAt, skipped: st.status === 'skipped' };
  return state.deadlineRules < 2 ? { at: st.completedAt, skipped: false } : undefined;
}

/** Every deadline of the run: steps with `due:` (or a protocol role's default deadline) in the run's mode. */
export function deadlines(runbook: Runbook, state: RunState, now: Date): DeadlineState[] {
  const out: DeadlineState[] = [];
  const roles = protocolSteps(runbook);
  const roleOf = new Map<Step, ProtocolRole>((Object.entries(roles) as [ProtocolRole, Step][]).map(([r, s]) => [s, r]));
  let ident: Identification | undefined | null = null; // computed once, when a deadline counts from the trigger
  for (const step of stepsInOrder(runbook)) {
    const due = dueOf(step, roles);
    if (!due || !inMode(step, state.mode)) continue;
    const { after, within } = due;
    let anchorAt: string | undefined;
    let id: Identification | undefined;
    if (after === 'start') anchorAt = state.startedAt;
    else if (after === 'trigger') {
      if (ident === null) ident = identification(runbook, state);
      id = ident;
      anchorAt = id?.at;
    } else anchorAt = doneAt(state, after)?.at;
    const trigger = id?.trigger;
    const key = overdueKey(step.id, trigger);
    const overdueSeq = Object.hasOwn(state.overdue, key) ? state.overdue[key]!.seq : undefined;
    const done = doneAt(state, step.id);
    const role = roleOf.get(step);
    const base: DeadlineState = {
      step: step.id, title: step.title, within, anchor: after, status: 'waiting',
      ...(done ? { completedAt: done.at, ...(done.skipped ? { skipped: true } : {}) } : {}),
      ...(role ? { role } : {}),
      ...(overdueSeq !== undefined ? { overdueSeq } : {}),
      ...(trigger ? { trigger: trigger.id, ...(trigger.seq !== undefined ? { triggerSeq: trigger.seq } : {}) } : {}),
    };
    if (!anchorAt) {
      out.push(base);
      continue;
    }
    const dueMs = Date.parse(anchorAt) + parseDuration(within);
    const dueAt = new Date(dueMs).toISOString();
    base.anchorAt = anchorAt;
    if (id) base.anchorFrom = id.from;
    if (done) out.push({ ...base, dueAt, status: Date.parse(done.at) <= dueMs ? 'met' : 'missed' });
    else out.push({ ...base, dueAt, status: now.getTime() > dueMs ? 'missed' : 'running' });
  }
  return out;
}

/**
 * Deadlines missed that the journal does not yet say were overdue: each is
 * journaled once (deadline.overdue), by whichever process holds the run.
 */
export function unrecordedOverdue(runbook: Runbook, state: RunState, now: Date): DeadlineState[] {
  return deadlines(runbook, state, now).filter((d) => d.status === 'missed' && d.overdueSeq === undefined && d.dueAt !== undefined);
}
