// What comes next in a run, and the state of its deadlines — derived from
// the runbook and the folded state only.
import type { Runbook, Step } from '../runbook/types.js';
import { isCancelled, stepsInOrder, type RunState } from './fold.js';
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

// The deadlines live in deadlines.ts (one computation for every view); re-exported for the callers of this module.
export { deadlines, unrecordedOverdue, type DeadlineState } from './deadlines.js';
