// The pure fold from journal events to the run state. No I/O: given the
// runbook and the events, it always computes the same state — the running
// session, `resume` and `verify` all use it.
import type { Mode, Pin, Runbook, Step } from '../runbook/types.js';
import type { AssertionResult, AttemptResult, CheckRecord, JournalEvent, PreflightRecord, RunOutcome } from './events.js';
import { applyIncidentEvent, type IncidentFields } from './incident.js';
import { startedDetails, type StartedDetails } from './started-details.js';
import { applyUpdateEvent, updateFields, type UpdateFields } from './updates.js';
import { isEnvironmentFailure, judgeAttempt } from './verdict.js';

/** `not-in-mode`: its `modes` leave out the run's mode; `not-run`: held back by a failure (on_failure: stop). */
export type StepStatus = 'pending' | 'running' | 'passed' | 'failed' | 'skipped' | 'interrupted' | 'not-in-mode' | 'not-run';

/** With what it ran with (step.started, masked): a command's env, a check's parameters, the directory. */
export interface Attempt extends StartedDetails {
  n: number;
  startedSeq: number;
  startedAt: string;
  finishedSeq?: number;
  result?: AttemptResult;
  assertions?: AssertionResult[];
  check?: CheckRecord;
  interrupted?: string;
  status: 'running' | 'passed' | 'failed' | 'interrupted';
  /** Why the attempt failed, in words. */
  failure?: string;
  /** An environment failure (could not run here), not the gate's verdict; `missingTools` from step.started. */
  environment?: boolean;
  missingTools?: string[];
  display?: string;
}

export interface Signature {
  step: string;
  role: string;
  name: string;
  seq: number;
  at: string;
  /** The SSH key's fingerprint, for a signed sign-off (docs/signoffs.md). */
  key?: string;
  /** Set when a required step was re-run after this signature. */
  voidedBy?: { step: string; change: string; seq: number };
}

export type { TriggerState } from './incident.js';

export interface StepState {
  id: string;
  status: StepStatus;
  attempts: Attempt[];
  /** Sequence number of the event that completed it (passed or skipped). */
  completedSeq?: number;
  completedAt?: string;
  skipReason?: string;
  /** Why the step does not run (step.not_run), and the failed step that holds it back. */
  notRun?: { cause: 'mode' | 'section-stopped'; reason: string; failedStep?: string };
  note?: string;
  link?: string;
}

export interface DecisionState {
  step: string;
  option: string;
  label: string;
  go: boolean;
  remediation?: string;
  at: string;
  seq: number;
}

/** Triggers, overdue deadlines and rollback links come from incident.ts (IncidentFields). */
export interface RunState extends IncidentFields, UpdateFields {
  runId: string;
  mode: Mode;
  rehearsal: boolean;
  operator: string;
  /** Everyone who has driven this run (started or resumed it). */
  operators: string[];
  startedAt: string;
  vars: Record<string, string>;
  baseline: Pin;
  target: Pin;
  runbookSha256: string; deadlineRules: number; // run.started deadline_rules, else 1 (engine/deadlines.ts)
  preflight?: PreflightRecord; // journaled in run.started (not by cutover before 0.3.0); pin problems lock every GO
  steps: Record<string, StepState>;
  inputs: Record<string, Record<string, string>>;
  signatures: Signature[];
  refusals: { step: string; option: string; reasons: string[]; seq: number }[];
  notices: Record<string, { file: string; sentAt: string; channel?: string; plainFile?: string }>;
  decision?: DecisionState;
  closed?: { outcome: RunOutcome; seq: number };
  operatorPrincipal?: { principal: string; keys: string[] }; // run.started's --operator-principal and its keys
  decisionSigned?: { principal: string; key: string; file: string; at: string; seq: number }; // the operator's decision.signed
  lastSeq: number;
  lastAt: string;
}

export function stepsInOrder(runbook: Runbook): Step[] {
  return runbook.sections.flatMap((s) => s.steps);
}

/** A follow-up step (e.g. the 24 h incident summary) or status updates are never required: the run may close with them open. */
export function isRequired(step: Step): boolean {
  return step.required !== false && step.follow_up !== true && !(step.kind === 'notice' && step.updates === true);
}

export function foldEvents(runbook: Runbook, events: readonly JournalEvent[]): RunState {
  const first = events[0];
  if (!first || first.type !== 'run.started') throw new Error('journal does not start with run.started');
  const state: RunState = {
    runId: first.run_id,
    mode: first.mode,
    rehearsal: first.rehearsal,
    operator: first.operator,
    operators: [first.operator],
    startedAt: first.at,
    vars: first.vars,
    baseline: first.baseline,
    target: first.target,
    runbookSha256: first.runbook.sha256, deadlineRules: first.deadline_rules ?? 1,
    ...(first.preflight !== undefined ? { preflight: first.preflight } : {}),
    steps: Object.fromEntries(stepsInOrder(runbook).map((s) => [s.id, { id: s.id, status: 'pending' as StepStatus, attempts: [] }])),
    inputs: {},
    signatures: [],
    triggers: [],
    overdue: {},
    rollbacks: [],
    ...(first.rollback_of !== undefined ? { rollbackOf: first.rollback_of } : {}),
    ...(first.operator_principal !== undefined ? { operatorPrincipal: first.operator_principal } : {}),
    refusals: [],
    notices: {},
    ...updateFields(runbook), // status updates and next-update ETAs (updates.ts)
    lastSeq: first.seq,
    lastAt: first.at,
  };
  const byId = new Map(stepsInOrder(runbook).map((s) => [s.id, s]));
  for (const ev of events) applyEvent(state, byId, ev);
  return state;
}

/** Applies one event; exported so verify can evaluate the gate before each decision. */
export function applyEvent(state: RunState, byId: Map<string, Step>, ev: JournalEvent): void {
  state.lastSeq = ev.seq;
  state.lastAt = ev.at;
  applyUpdateEvent(state, ev);
  const stepState = 'step' in ev && typeof ev.step === 'string' && Object.hasOwn(state.steps, ev.step) ? state.steps[ev.step] : undefined;
  switch (ev.type) {
    case 'step.started': {
      if (!stepState) return;
      stepState.attempts.push({ n: ev.attempt, startedSeq: ev.seq, startedAt: ev.at, status: 'running', display: ev.command?.display ?? (ev.check ? `check ${ev.check.name}` : undefined), ...(ev.missing_tools?.length ? { missingTools: ev.missing_tools } : {}), ...startedDetails(ev) });
      stepState.status = 'running';
      stepState.completedSeq = undefined;
      stepState.completedAt = undefined;
      stepState.skipReason = undefined;
      voidSignatures(state, byId, ev.step, `was re-run (attempt ${ev.attempt})`, ev.seq);
      return;
    }
    case 'step.finished': {
      const attempt = stepState?.attempts.find((a) => a.n === ev.attempt);
      const step = byId.get(ev.step);
      // An attempt recorded as interrupted stays interrupted: a late result never makes it a pass.
      if (!stepState || !attempt || !step || attempt.status === 'interrupted') return;
      voidSignatures(state, byId, ev.step, `finished attempt ${ev.attempt}`, ev.seq);
      attempt.finishedSeq = ev.seq;
      attempt.result = ev.result;
      attempt.assertions = ev.assertions;
      attempt.check = ev.check;
      attempt.failure = judgeAttempt(step, ev, state, attempt.missingTools);
      attempt.status = attempt.failure ? 'failed' : 'passed';
      if (attempt.failure && isEnvironmentFailure(attempt.failure)) attempt.environment = true;
      if (isLatest(stepState, attempt)) {
        stepState.status = attempt.status;
        if (attempt.status === 'passed') {
          stepState.completedSeq = ev.seq;
          stepState.completedAt = ev.at;
          releaseHeld(state, ev.step);
        }
      }
      return;
    }
    case 'step.interrupted': {
      const attempt = stepState?.attempts.find((a) => a.n === ev.attempt);
      if (!stepState || !attempt) return;
      attempt.status = 'interrupted';
      attempt.interrupted = ev.reason;
      attempt.failure = `interrupted: ${ev.reason}`;
      if (isLatest(stepState, attempt)) stepState.status = 'interrupted';
      return;
    }
    case 'step.skipped':
      if (!stepState) return;
      voidSignatures(state, byId, ev.step, 'was skipped', ev.seq);
      stepState.status = 'skipped';
      stepState.skipReason = ev.reason;
      stepState.notRun = undefined;
      stepState.completedSeq = ev.seq;
      stepState.completedAt = ev.at;
      releaseHeld(state, ev.step);
      return;
    case 'step.not_run':
      if (!stepState) return;
      stepState.status = ev.cause === 'mode' ? 'not-in-mode' : 'not-run';
      stepState.notRun = { cause: ev.cause, reason: ev.why, ...(ev.failed_step ? { failedStep: ev.failed_step } : {}) };
      return;
    case 'step.confirmed':
      if (!stepState) return;
      voidSignatures(state, byId, ev.step, 'was confirmed', ev.seq);
      complete(stepState, ev);
      stepState.note = ev.note;
      stepState.link = ev.link;
      return;
    case 'input.recorded':
      if (!stepState) return;
      voidSignatures(state, byId, ev.step, 'had its input recorded', ev.seq);
      state.inputs[ev.step] = { ...ev.values };
      complete(stepState, ev);
      return;
    case 'notice.sent':
      if (!stepState) return;
      voidSignatures(state, byId, ev.step, 'was sent', ev.seq);
      state.notices[ev.step] = { file: ev.text.file, sentAt: ev.sent_at, channel: ev.channel, ...(ev.plain ? { plainFile: ev.plain.file } : {}) };
      complete(stepState, ev);
      return;
    case 'signoff.recorded': {
      // A new signature for a role replaces that role's earlier one.
      state.signatures = state.signatures.filter((s) => !(s.step === ev.step && s.role === ev.role));
      state.signatures.push({ step: ev.step, role: ev.role, name: ev.name, seq: ev.seq, at: ev.at, ...(typeof ev.signed?.key === 'string' ? { key: ev.signed.key } : {}) });
      const step = byId.get(ev.step);
      if (stepState && step?.kind === 'signoff') {
        const valid = state.signatures.filter((s) => s.step === ev.step && !s.voidedBy);
        if (step.roles.every((r) => valid.some((s) => s.role === r))) complete(stepState, ev);
      }
      return;
    }
    case 'decision.refused':
      state.refusals.push({ step: ev.step, option: ev.option, reasons: ev.reasons, seq: ev.seq });
      return;
    case 'decision.recorded':
      state.decision = { step: ev.step, option: ev.option, label: ev.label, go: ev.go, remediation: ev.remediation, at: ev.at, seq: ev.seq };
      if (stepState) complete(stepState, ev);
      return;
    case 'run.resumed':
      if (!state.operators.includes(ev.operator)) state.operators.push(ev.operator);
      return;
    case 'run.closed':
      state.closed = { outcome: ev.outcome, seq: ev.seq };
      return;
    case 'decision.signed':
      state.decisionSigned = { principal: ev.signed.principal, key: ev.signed.key, file: ev.signed.sig.file, at: ev.at, seq: ev.seq };
      return;
    default:
      applyIncidentEvent(state, ev); // triggers, deadline.overdue, rollback.started (incident.ts)
      return;
  }
}

/**
 * GO rule 4: a signature binds to the evidence as it was when signed. Any
 * later change to a step's evidence (a run started or finished, a skip, an
 * answer) voids every signature given before it.
 */
function voidSignatures(state: RunState, byId: Map<string, Step>, stepId: string, change: string, seq: number): void {
  // Any step, required or not: an option may list an optional step in requires_steps.
  const step = byId.get(stepId);
  // A follow-up is not evidence of the GO: recording it (even after the close) voids no sign-off.
  if (!step || step.kind === 'signoff' || step.kind === 'decision' || step.follow_up === true) return;
  for (const sig of state.signatures) {
    if (sig.voidedBy) continue;
    sig.voidedBy = { step: stepId, change, seq };
    const signoff = Object.hasOwn(state.steps, sig.step) ? state.steps[sig.step] : undefined;
    if (signoff && signoff.status === 'passed') {
      signoff.status = 'pending';
      signoff.completedSeq = undefined;
      signoff.completedAt = undefined;
    }
  }
}

/** Steps held back by `failed` (on_failure: stop) are pending again once it passes or is skipped. */
function releaseHeld(state: RunState, failed: string): void {
  for (const st of Object.values(state.steps)) if (st.status === 'not-run' && st.notRun?.failedStep === failed) Object.assign(st, { status: 'pending', notRun: undefined });
}

/** The operator cancelled this attempt (Ctrl-C, `c`, a dropped session): it did not fail on its own. */
export function isCancelled(attempt: Attempt | undefined): boolean {
  return attempt?.result?.outcome === 'cancelled' || attempt?.check?.cancelled === true;
}

function complete(stepState: StepState, ev: JournalEvent): void {
  stepState.status = 'passed';
  stepState.completedSeq = ev.seq;
  stepState.completedAt = ev.at;
  stepState.skipReason = undefined;
}

function isLatest(stepState: StepState, attempt: Attempt): boolean {
  return stepState.attempts[stepState.attempts.length - 1] === attempt;
}
