// What comes next in a run, and the state of its deadlines — derived from
// the runbook and the folded state only.
import type { Runbook, Step } from '../runbook/types.js';
import { parseDuration } from '../runbook/vars.js';
import { isCancelled, stepsInOrder, type RunState } from './fold.js';
import { anchorTrigger, overdueKey } from './incident.js';
import { heldBy, inMode } from './modes.js';

/** A step is done when it passed or was skipped (the run may move past it). */
export function isDone(state: RunState, id: string): boolean {
  const s = state.steps[id]?.status;
  return s === 'passed' || s === 'skipped';
}

/** Requires of `step` that have not passed, in order. */
export function blockedBy(state: RunState, step: Step): string[] {
  return (step.requires ?? []).filter((r) => state.steps[r]?.status !== 'passed');
}

/**
 * The next step to act on: the first one in document order that is neither
 * done nor failed, whose requires have passed. Failed steps are left for the
 * operator to retry or skip; they do not stop later independent steps. An
 * attempt that was cancelled or interrupted did not fail on its own: its
 * step comes up again, as if it had never run.
 */
export function nextStep(runbook: Runbook, state: RunState, passOver: ReadonlySet<string> = new Set()): Step | undefined {
  if (state.decision || state.closed) return undefined;
  for (const step of stepsInOrder(runbook)) {
    if (passOver.has(step.id)) continue; // a follow-up left open (the plain run has no answer for it)
    const st = state.steps[step.id]!;
    if (st.status === 'passed' || st.status === 'skipped' || st.status === 'not-in-mode' || st.status === 'not-run') continue;
    if (st.status === 'failed' && !isCancelled(st.attempts[st.attempts.length - 1])) continue;
    // Not in this run's mode, or held back by a failure in its on_failure: stop section.
    if (!inMode(step, state.mode) || heldBy(runbook, state, step)) continue;
    // A decision is always reachable: NO-GO must stay available, and its
    // `requires` are conditions of the GO options, checked by the GO lock.
    if (step.kind !== 'decision' && blockedBy(state, step).length > 0) continue;
    return step;
  }
  return undefined;
}

export interface DeadlineState {
  step: string;
  title: string;
  within: string;
  anchor: string;
  /** Undefined while the anchor has not happened yet. */
  dueAt?: string;
  status: 'waiting' | 'running' | 'met' | 'missed';
  completedAt?: string;
  /** When the anchor happened (for `trigger`: when the trigger was identified). */
  anchorAt?: string;
  /** The deadline.overdue event journaled for it (for this anchor trigger), if any. */
  overdueSeq?: number;
  /** For a deadline counted from a trigger: the trigger that anchors it now (deadline.overdue names it). */
  trigger?: string;
  triggerSeq?: number;
}

export function deadlines(runbook: Runbook, state: RunState, now: Date): DeadlineState[] {
  const out: DeadlineState[] = [];
  for (const step of stepsInOrder(runbook)) {
    if (!step.due || !inMode(step, state.mode)) continue;
    const { after, within } = step.due;
    let anchorAt: string | undefined;
    // Counted from when the (earliest open, or carried) trigger was identified, not from its entry (issue 13).
    const trigger = after === 'trigger' ? anchorTrigger(state) : undefined;
    if (after === 'start') anchorAt = state.startedAt;
    else if (after === 'trigger') anchorAt = trigger?.identifiedAt;
    else anchorAt = state.steps[after]?.completedAt;
    const st = state.steps[step.id]!;
    const key = overdueKey(step.id, trigger);
    const overdueSeq = Object.hasOwn(state.overdue, key) ? state.overdue[key]!.seq : undefined;
    const base: DeadlineState = {
      step: step.id, title: step.title, within, anchor: after, status: 'waiting', completedAt: st.completedAt,
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
    if (st.completedAt) out.push({ ...base, dueAt, status: Date.parse(st.completedAt) <= dueMs ? 'met' : 'missed' });
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
