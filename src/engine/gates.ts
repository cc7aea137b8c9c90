// The GO lock (DESIGN §6) as pure functions: for each option of a decision,
// every unmet condition as data (rule, step, role, trigger) with its words.
// An option without unmet conditions may be chosen.
import type { DecisionOption, DecisionStep, Runbook, SignoffStep, Step } from '../runbook/types.js';
import { parseDuration } from '../runbook/vars.js';
import { confirmsLabel, nameKey, nameProblem, samePerson } from '../shared/names.js';
import { isRequired, stepsInOrder, type RunState, type StepState } from './fold.js';
import { inMode } from './modes.js';
import { isRollbackRunbook } from './direction.js';
import { anchorTrigger } from './incident.js';
import { unconfirmedPins } from './pin-lock.js';

export interface DecisionAttempt {
  option: string;
  /** What the operator typed to confirm; must equal the option's label. */
  confirmedText: string;
  remediation?: string;
}

/**
 * Steps a GO option requires: every required step before the decision, the
 * decision's own `requires`, plus any the option lists. An option can add
 * steps to the lock, never take them away.
 */
export function requiredStepsFor(runbook: Runbook, decision: DecisionStep, option: DecisionOption): Step[] {
  if (!option.go) return [];
  const ordered = stepsInOrder(runbook);
  const idx = ordered.findIndex((s) => s.id === decision.id);
  const ids = new Set(ordered.slice(0, idx).filter((s) => isRequired(s) && s.kind !== 'decision').map((s) => s.id));
  for (const id of decision.requires ?? []) ids.add(id);
  if (Array.isArray(option.requires_steps)) for (const id of option.requires_steps) ids.add(id);
  for (const id of option.requires_signoffs ?? []) ids.add(id);
  return ordered.filter((s) => ids.has(s.id) && s.id !== decision.id);
}

/** The canonical label of DESIGN §2: whatever its `modes` say, never in a rehearsal. */
export function isRuntimeCutover(option: DecisionOption): boolean {
  // However it is spelled: "runtime cutover", "Runtime Cut-over", "runtime_cutover"…
  const squash = (s: string) => nameKey(s).replace(/[^\p{L}\p{N}]/gu, '');
  return option.go && (squash(option.label).includes('runtimecutover') || squash(option.id).includes('runtimecutover'));
}

function describeStep(step: Step): string {
  return `"${step.title}" (${step.id})`;
}

/** Which GO-lock rule (DESIGN §6) a condition belongs to. */
export type LockRule =
  | 'decided' // the decision is already recorded
  | 'closed' // the run is closed
  | 'mode' // rule 1: runtime cutover never in a rehearsal; option modes
  | 'step' // rules 2 and 6 (pin): a required step has not passed
  | 'signoff' // rules 3 and 4: a role unsigned, void, the operator, the same person twice
  | 'joint-signoff' // the runbook locks this GO behind no joint sign-off
  | 'trigger' // rule 5: an open rollback trigger
  | 'freshness' // rule 6: evidence older than max_age
  | 'pin'; // rule 6: a release tag that did not confirm its pin when the run started (pin-lock.ts)

/** One unmet condition of a decision option, as data; `message` is the words shown and journaled. */
export interface LockCondition {
  rule: LockRule;
  message: string;
  step?: string;
  role?: string;
  trigger?: string;
}

/** What the GO lock says about one option at one moment. */
export interface OptionStatus {
  option: DecisionOption;
  /** True when no condition is unmet (the confirmation and a NO-GO's remediation are asked when choosing). */
  selectable: boolean;
  unmet: LockCondition[];
  /** The option needs a remediation plan when chosen (NO-GO). */
  needsRemediation: boolean;
}

function stepCondition(step: Step, st: StepState | undefined): LockCondition | undefined {
  const at = (message: string): LockCondition => ({ rule: 'step', step: step.id, message });
  if (!st) return at(`required step ${describeStep(step)} is unknown to this run`);
  const last = st.attempts[st.attempts.length - 1];
  switch (st.status) {
    case 'passed':
      return undefined;
    case 'skipped':
      return at(`required step ${describeStep(step)} was skipped ("${st.skipReason}"); a waiver blocks a GO`);
    case 'not-run':
      return at(`required step ${describeStep(step)} was ${st.notRun?.reason ?? 'not run'}`);
    case 'not-in-mode':
      return undefined;
    case 'failed':
      return at(`required step ${describeStep(step)} failed${last ? ` on attempt ${last.n}: ${last.failure}` : ''}`);
    case 'interrupted':
      return at(`required step ${describeStep(step)} was interrupted${last ? ` on attempt ${last.n}` : ''} and has not passed since`);
    case 'running':
      return at(`required step ${describeStep(step)} is still running`);
    default:
      return step.kind === 'signoff' ? undefined : at(`required step ${describeStep(step)} has not been done`);
  }
}

/** Unmet conditions of the sign-off step (GO rules 3 and 4). */
export function signoffConditions(runbook: Runbook, state: RunState, step: SignoffStep, forGo = false): LockCondition[] {
  const out: LockCondition[] = [];
  const unmet = (role: string, message: string) => out.push({ rule: 'signoff', step: step.id, role, message });
  const sigs = state.signatures.filter((s) => s.step === step.id);
  const roleTitle = (id: string) => runbook.roles.find((r) => r.id === id)?.title ?? id;
  for (const role of step.roles) {
    const sig = sigs.find((s) => s.role === role);
    if (!sig) {
      unmet(role, `${roleTitle(role)} (${role}) has not signed "${step.title}"`);
      continue;
    }
    // The session refuses such names; this catches a journal written some other way (verify replays it).
    const bad = nameProblem(sig.name, `the name signed as ${roleTitle(role)}`);
    if (bad) unmet(role, `${bad}; sign again with the approver's full name`);
    if (sig.voidedBy) {
      unmet(role, `the sign-off of ${roleTitle(role)} by ${sig.name} is void: step "${sig.voidedBy.step}" ${sig.voidedBy.change} after it was signed; sign again`);
    }
    // Rule 7: where the runbook names an allowed-signers file, a name typed by the operator is not a sign-off.
    if (runbook.signers && !sig.key) unmet(role, `the sign-off of ${roleTitle(role)} by ${sig.name} is not SSH-signed, and this runbook requires signed sign-offs; the approver signs with \`cutover sign\` (docs/signoffs.md)`);
    const operator = step.exclude_operator !== false ? state.operators.find((op) => samePerson(sig.name, op)) : undefined;
    if (operator !== undefined) {
      unmet(role, `${sig.name} is ${operator === state.operator ? 'the operator who started this run' : 'an operator who resumed this run'} and may not sign as ${roleTitle(role)}`);
    }
  }
  const anonymous = step.exclude_operator !== false ? state.operators.map((op) => nameProblem(op, 'the operator\'s name')).find(Boolean) : undefined;
  if (anonymous) out.push({ rule: 'signoff', step: step.id, message: `${anonymous}, so no one can tell whether the operator signed "${step.title}"` });
  // Two different people, always, for a sign-off that locks a GO (DESIGN §1).
  if (step.distinct !== false || forGo) {
    for (let i = 0; i < step.roles.length; i++) {
      for (let j = i + 1; j < step.roles.length; j++) {
        const a = sigs.find((s) => s.role === step.roles[i]);
        const b = sigs.find((s) => s.role === step.roles[j]);
        if (a && b && samePerson(a.name, b.name)) {
          unmet(b.role, `${a.name} signed as both ${roleTitle(a.role)} and ${roleTitle(b.role)}; each role needs a different person`);
        } else if (a?.key && a.key === b?.key) {
          unmet(b.role, `the same SSH key (${a.key}) signed as both ${roleTitle(a.role)} and ${roleTitle(b.role)}; each role needs its own key`);
        }
      }
    }
  }
  return out;
}

/**
 * Every unmet condition of `option` at time `now`, in the order they are
 * reported: the run's own state first, then rules 1–6. Empty = selectable.
 */
export function optionConditions(runbook: Runbook, state: RunState, decision: DecisionStep, option: DecisionOption, now: Date): LockCondition[] {
  const out: LockCondition[] = [];
  if (state.decision) out.push({ rule: 'decided', message: `the decision was already recorded (${state.decision.label}) at ${state.decision.at}` });
  if (state.closed) out.push({ rule: 'closed', message: 'the run is closed' });
  if (!option.go) return out;
  // Rule 1: mode.
  if (state.rehearsal && isRuntimeCutover(option)) {
    out.push({ rule: 'mode', message: `${option.label} is never available in a REHEARSAL; start a run with --mode cutover on cutover day` });
  } else if (option.modes && !option.modes.includes(state.mode)) {
    out.push({ rule: 'mode', message: `${option.label} is only available in ${option.modes.join('/')} mode; this run is a ${state.mode === 'rehearsal' ? 'REHEARSAL' : 'cutover'}` });
  }
  // Rule 6: the release pins, as the preflight found them in the repository.
  for (const message of unconfirmedPins(state.preflight)) out.push({ rule: 'pin', message });
  // Rule 2 (+6 pin, through the fold's verdict): required steps passed. A step not in this run's mode is not required of it.
  const required = requiredStepsFor(runbook, decision, option).filter((s) => inMode(s, state.mode));
  for (const step of required) {
    const c = stepCondition(step, state.steps[step.id]);
    if (c) out.push(c);
  }
  // Rules 3 and 4: sign-offs. A GO always needs a joint sign-off.
  const signoffs = required.filter((s): s is SignoffStep => s.kind === 'signoff');
  for (const step of signoffs) out.push(...signoffConditions(runbook, state, step, true));
  if (!signoffs.some((s) => s.roles.length >= 2)) {
    out.push({ rule: 'joint-signoff', message: `${option.label} requires no joint sign-off (a signoff step with two roles); fix the runbook` });
  }
  // Rule 5: open rollback triggers — and a trigger whose rollback run was started from this run locks GO for good (it cannot be cleared).
  // In a rollback run (kind: rollback) the incident it handles is its reason to exist, not a reason to hold its GO
  // ("rollback complete"): the trigger its deadlines count from, when declared in the run itself, does not lock; any other open trigger does.
  const incident = isRollbackRunbook(runbook) ? anchorTrigger(state) : undefined;
  for (const t of state.triggers.filter((x) => x.open && !(incident && !incident.carried && incident.seq === x.seq))) {
    const title = runbook.triggers?.find((x) => x.id === t.id)?.title ?? t.id;
    out.push({ rule: 'trigger', trigger: t.id, message: `rollback trigger "${title}" (${t.severity}) ${t.identifiedAt !== t.declaredAt ? `identified at ${t.identifiedAt}, ` : ''}declared at ${t.declaredAt} is open` });
  }
  for (const r of state.rollbacks) {
    if (state.triggers.some((x) => x.open && x.id === r.trigger)) continue;
    out.push({ rule: 'trigger', trigger: r.trigger, message: `the rollback run ${r.runId} was started from this run for trigger "${r.trigger}" at ${r.at}: GO stays locked while a rollback run is linked` });
  }
  // Rule 6: freshness of automated evidence.
  for (const step of required) {
    if (step.kind !== 'command' && step.kind !== 'check') continue;
    const maxAge = step.max_age ?? runbook.max_age;
    const st = state.steps[step.id];
    const last = st?.attempts[st.attempts.length - 1];
    if (!maxAge || st?.status !== 'passed' || !last?.result?.ended_at && !st.completedAt) continue;
    const endedAt = Date.parse(last?.result?.ended_at ?? st.completedAt!);
    const ageMs = now.getTime() - endedAt;
    if (ageMs > parseDuration(maxAge)) {
      out.push({ rule: 'freshness', step: step.id, message: `the evidence of ${describeStep(step)} is ${formatAge(ageMs)} old, older than the ${maxAge} this runbook allows; re-run it` });
    }
  }
  return out;
}

/** The GO lock for every option of the decision, at time `now`. */
export function lockStatus(runbook: Runbook, state: RunState, decision: DecisionStep, now: Date): OptionStatus[] {
  return decision.options.map((option) => {
    const unmet = optionConditions(runbook, state, decision, option, now);
    return { option, selectable: unmet.length === 0, unmet, needsRemediation: !option.go && option.remediation !== false };
  });
}

/**
 * Every unmet condition for choosing `attempt.option` at time `now`, in
 * words (the refusal reasons journaled and replayed by verify). Empty =
 * allowed. The attempt's own problems (confirmation, remediation) come
 * after the run's state and before the rules.
 */
export function gateProblems(runbook: Runbook, state: RunState, decision: DecisionStep, attempt: DecisionAttempt, now: Date): string[] {
  const option = decision.options.find((o) => o.id === attempt.option);
  if (!option) return [`"${attempt.option}" is not an option of "${decision.title}"; the options are: ${decision.options.map((o) => o.id).join(', ')}`];
  const conditions = optionConditions(runbook, state, decision, option, now);
  const ofRun = conditions.filter((c) => c.rule === 'decided' || c.rule === 'closed');
  const ofAttempt: string[] = [];
  if (!confirmsLabel(attempt.confirmedText, option.label)) ofAttempt.push(`the choice must be confirmed by typing "${option.label}" exactly`);
  if (!option.go && option.remediation !== false && !attempt.remediation?.trim()) ofAttempt.push(`${option.label} needs a remediation plan`);
  return [...ofRun.map((c) => c.message), ...ofAttempt, ...conditions.filter((c) => !ofRun.includes(c)).map((c) => c.message)];
}

export function formatAge(ms: number): string {
  // Runbooks may set max_age in seconds; "0m old" would read as fresh.
  if (ms < 60_000) return ms < 10_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.floor(ms / 1000)}s`;
  const min = Math.floor(ms / 60_000);
  if (min < 60) return `${min}m`;
  const h = Math.floor(min / 60);
  return h < 48 ? `${h}h${min % 60 ? `${min % 60}m` : ''}` : `${Math.floor(h / 24)}d`;
}

/** The decision step of the runbook (the first one). */
export function decisionStep(runbook: Runbook): DecisionStep | undefined {
  return stepsInOrder(runbook).find((s): s is DecisionStep => s.kind === 'decision');
}
