// The run policy both front ends share, as pure functions of the runbook,
// the folded state and what is running: what can be done with a step now,
// and if not, why. The session refuses an intent with exactly these words,
// and `cutover verify` replays every journaled event against it, so a
// journal can only hold what the session could have written.
import type { Runbook, Step } from '../runbook/types.js';
import { isCancelled, type RunState, type StepStatus } from './fold.js';
import { heldBy, inMode, notInModeReason } from './modes.js';
import { blockedBy } from './progress.js';

/** The automated attempt in progress, as far as the policy cares. */
export interface RunningInfo {
  step: string;
  attempt: number;
  cancelling: boolean;
}

export type Permission = { ok: true } | { ok: false; reason: string; hint?: string };

export interface StepActions {
  step: Step;
  status: StepStatus;
  /** Start an attempt of a command or check step (a retry when it has run before). */
  run: Permission;
  /** The next attempt is a retry (the step has run before). */
  isRetry: boolean;
  /** Stop the running attempt (recorded as cancelled). */
  cancel: Permission;
  /** Waive the step with a reason (blocks a GO). */
  skip: Permission;
  /** Confirm, fill in, send, sign or decide — what the step's kind takes. */
  answer: Permission;
  /** What Enter does on this step. */
  primary?: 'run' | 'answer';
}

const YES: Permission = Object.freeze({ ok: true as const });

function no(reason: string, hint?: string): Permission {
  return { ok: false, reason, ...(hint ? { hint } : {}) };
}

export function describe(step: Step): string {
  return `"${step.title}" (${step.id})`;
}

/** Why nothing may change in this run any more, if so. */
export function runSettled(state: RunState, step?: Step): Permission {
  const what = step ? `; ${describe(step)} cannot change` : '';
  if (state.closed) return no(`the run is closed${what}`, 'start a new run');
  if (state.decision) return no(`the decision is recorded (${state.decision.label})${what}`, 'start a new run for a new decision');
  return YES;
}

function requiresMet(runbook: Runbook, state: RunState, step: Step): Permission {
  const missing = blockedBy(state, step);
  if (missing.length === 0) return YES;
  const titles = missing.map((id) => {
    const req = runbook.sections.flatMap((s) => s.steps).find((s) => s.id === id);
    const status = state.steps[id]?.status ?? 'pending';
    return `${req ? describe(req) : `"${id}"`} (${status === 'pending' ? 'not done yet' : status})`;
  });
  return no(`${describe(step)} requires ${titles.join(' and ')} to pass first`, 'do the required steps first, or skip this one with a reason');
}

export function actionsFor(runbook: Runbook, state: RunState, step: Step, running?: RunningInfo): StepActions {
  const st = state.steps[step.id]!;
  const automated = step.kind === 'command' || step.kind === 'check';
  if (!inMode(step, state.mode)) {
    // Nothing can be done with it in this run: not run, not answered, not waived (it does not block a GO).
    const out = no(`${describe(step)} is ${notInModeReason(step, state.mode)}`, `it is recorded as not in this mode and does not block the GO; start a run with --mode ${step.modes?.[0] ?? state.mode} to do it`);
    return { step, status: st.status, run: out, isRetry: st.attempts.length > 0, cancel: no(`${describe(step)} is not running`), skip: out, answer: out };
  }
  const held = heldBy(runbook, state, step);
  if (held && running?.step !== step.id) {
    const why = no(`${describe(step)} is not run: ${describe(held)} failed and its section stops at a failure (on_failure: stop)`, `retry "${held.id}" after fixing it (cutover resume <bundle> --retry ${held.id}), or skip it with a reason; then the section goes on`);
    const settled = runSettled(state, step);
    const skip = !settled.ok ? settled : st.status === 'passed' ? no(`${describe(step)} has passed; there is nothing to waive`) : YES;
    return { step, status: st.status, run: automated ? (settled.ok ? why : settled) : no(`${describe(step)} is a ${step.kind} step: it is answered, not run`), isRetry: st.attempts.length > 0, cancel: no(`${describe(step)} is not running`), skip, answer: automated ? no(`${describe(step)} is a ${step.kind} step: it runs by itself`, 'run it, or skip it with a reason') : settled.ok ? why : settled };
  }
  const settled = runSettled(state, step);
  const isRunning = running?.step === step.id;

  let run: Permission;
  if (!automated) run = no(`${describe(step)} is a ${step.kind} step: it is answered, not run`);
  else if (!settled.ok) run = settled;
  else if (isRunning) run = no(`${describe(step)} is already running (attempt ${running.attempt})`, 'wait for it, or cancel it');
  else if (running) run = no(`"${running.step}" is running; one automated step runs at a time`, 'wait for it to finish, or cancel it first');
  else run = requiresMet(runbook, state, step);

  const cancel = isRunning ? (running.cancelling ? no(`${describe(step)} is already being cancelled`) : YES) : no(`${describe(step)} is not running`);

  let skip: Permission;
  if (!settled.ok) skip = settled;
  else if (step.kind === 'decision') skip = no(`the decision ${describe(step)} cannot be skipped`, 'record NO-GO with a remediation plan instead; NO-GO is always available');
  else if (isRunning) skip = no(`${describe(step)} is running`, 'cancel it first');
  else if (st.status === 'passed') skip = no(`${describe(step)} has passed; there is nothing to waive`);
  else skip = YES;

  let answer: Permission;
  if (automated) answer = no(`${describe(step)} is a ${step.kind} step: it runs by itself`, 'run it, or skip it with a reason');
  else if (!settled.ok && !openFollowUp(state, step)) answer = settled;
  else if (step.kind === 'decision') {
    // NO-GO is always available and the GO lock judges the rest — once no attempt is still writing its evidence.
    answer = running ? no(`"${running.step}" is running; the decision waits until its attempt is recorded`, 'wait for it, or cancel it first') : YES;
  }
  else if (st.status === 'passed' && step.kind !== 'signoff' && !(step.kind === 'notice' && step.updates === true)) {
    answer = no(`${describe(step)} was already answered at ${st.completedAt}`, 'the journal keeps the first answer; if it was wrong, record a NO-GO with the correction as remediation and start a new run');
  } else answer = requiresMet(runbook, state, step);

  const primary = automated ? (run.ok ? 'run' : undefined) : answer.ok ? 'answer' : undefined;
  return { step, status: st.status, run, isRetry: st.attempts.length > 0, cancel, skip, answer, ...(primary ? { primary } : {}) };
}

/** A command or check step whose latest attempt was cancelled or interrupted: it runs again when the run goes on. */
export function needsRerun(state: RunState, step: Step): boolean {
  const st = state.steps[step.id];
  const last = st?.attempts[st.attempts.length - 1];
  return st?.status === 'interrupted' || (st?.status === 'failed' && isCancelled(last));
}

/** A follow-up step not recorded yet: it may be answered after the decision and after the close (`cutover resume`). */
export function openFollowUp(state: RunState, step: Step): boolean {
  return step.follow_up === true && (step.kind === 'confirm' || step.kind === 'input' || step.kind === 'notice') && state.steps[step.id]?.status === 'pending';
}
