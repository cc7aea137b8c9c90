// Steps that do not run in a run: a step whose `modes` leave out the run's
// mode (recorded as not in this mode; it never blocks a GO), and the later
// steps of an `on_failure: stop` section after one of its required steps
// failed (recorded as not run, naming the failed step; they run again once
// it passes or is skipped). Pure functions of the runbook and the folded
// state: the session, the policy and verify's replay ask the same ones.
import type { Mode, Runbook, Section, Step } from '../runbook/types.js';
import { isCancelled, isRequired, type RunState } from './fold.js';

/** Whether the step runs in a run of `mode` (a step without `modes` runs in every mode). */
export function inMode(step: Step, mode: Mode): boolean {
  return !step.modes || step.modes.includes(mode);
}

/** The words for a step left out by its modes, as journaled and shown. */
export function notInModeReason(step: Step, mode: Mode): string {
  return `not in this mode: the step runs only in ${(step.modes ?? []).map((m) => (m === 'rehearsal' ? 'a rehearsal' : 'a cutover run')).join(' or ')}; this run is a ${mode === 'rehearsal' ? 'rehearsal' : 'cutover run'}`;
}

export function sectionOf(runbook: Runbook, stepId: string): Section | undefined {
  return runbook.sections.find((s) => s.steps.some((st) => st.id === stepId));
}

/**
 * The failed step that holds `step` back: an earlier required step of the
 * same `on_failure: stop` section whose latest attempt failed on its own (a
 * cancelled attempt runs again; it did not fail). A decision is never held
 * back (NO-GO stays available).
 */
export function heldBy(runbook: Runbook, state: RunState, step: Step): Step | undefined {
  if (step.kind === 'decision') return undefined;
  const section = sectionOf(runbook, step.id);
  if (section?.on_failure !== 'stop') return undefined;
  for (const earlier of section.steps) {
    if (earlier.id === step.id) return undefined;
    if (!isRequired(earlier) || !inMode(earlier, state.mode)) continue;
    const st = state.steps[earlier.id];
    if (st?.status === 'failed' && !isCancelled(st.attempts[st.attempts.length - 1])) return earlier;
  }
  return undefined;
}

/** The words for a step held back by a failure in its `on_failure: stop` section. */
export function heldReason(runbook: Runbook, failed: Step): string {
  const section = sectionOf(runbook, failed.id);
  return `not run: "${failed.title}" (${failed.id}) failed and section "${section?.title ?? '?'}" stops at a failure (on_failure: stop)`;
}

/**
 * The step.not_run event the session writes for `step` now, if any: not in
 * this mode, or held back by a failure. Undefined when the step runs (or is
 * already recorded as not run).
 */
export function notRunFor(runbook: Runbook, state: RunState, step: Step): { cause: 'mode' | 'section-stopped'; why: string; failed_step?: string } | undefined {
  const st = state.steps[step.id];
  if (!st || st.status !== 'pending' || st.attempts.length > 0) return undefined;
  if (!inMode(step, state.mode)) return { cause: 'mode', why: notInModeReason(step, state.mode) };
  const failed = heldBy(runbook, state, step);
  if (failed) return { cause: 'section-stopped', why: heldReason(runbook, failed), failed_step: failed.id };
  return undefined;
}
