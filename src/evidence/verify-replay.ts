// The replay of `cutover verify`: the journal's events, one at a time,
// through the same fold and the same run policy as the session that wrote
// them. An event the session could not have written at that point — an
// unknown type, a step that was not allowed to start, a finish without a
// start, a trigger cleared that was never open, a refusal the GO lock
// would not have given, a time that goes backwards, an operator that
// changed without a resume — is reported even when its hash chain was
// recomputed by hand.
import { evidenceDigest } from '../engine/digest.js';
import type { JournalEvent } from '../engine/events.js';
import { applyEvent, foldEvents, stepsInOrder, type RunState } from '../engine/fold.js';
import { gateProblems, optionConditions } from '../engine/gates.js';
import { notRunFor } from '../engine/modes.js';
import { actionsFor, runSettled, type RunningInfo } from '../engine/policy.js';
import { equalsProblem } from '../engine/equals.js';
import { futureProblem } from '../engine/entry-times.js';
import { stateRefContext } from '../engine/incident.js';
import type { DecisionStep, Runbook, Step } from '../runbook/types.js';
import { outcomeOf } from './record.js';
import { attemptProblems } from './verify-verdicts.js';
import { checkIncidentEvent, followUpAfterClose, INCIDENT_TYPES } from './verify-incident.js';
import { checkEtaOverdue, checkNoticeEvent } from './verify-updates.js';
import { checkNoticeText } from './verify-notice-text.js';

type Report = (file: string, message: string) => void;

const JOURNAL = 'journal.ndjson';

const KNOWN_TYPES = new Set([
  'run.started', 'run.resumed', 'run.paused', 'step.started', 'step.finished', 'step.interrupted', 'step.skipped', 'step.not_run', 'step.confirmed',
  'input.recorded', 'notice.sent', 'notice.updated', 'update.overdue', 'signoff.requested', 'signoff.recorded', 'trigger.declared', 'trigger.cleared', 'decision.refused', 'decision.recorded', 'run.closed', 'decision.signed',
  ...INCIDENT_TYPES,
]);

/** Kinds of step each answering event is for. */
const ANSWER_KIND: Record<string, Step['kind']> = {
  'step.confirmed': 'confirm',
  'input.recorded': 'input',
  'notice.sent': 'notice',
  'notice.updated': 'notice',
  'signoff.requested': 'signoff',
  'signoff.recorded': 'signoff',
  'decision.refused': 'decision',
  'decision.recorded': 'decision',
};

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The automated attempt in progress in a state (at most one: the session runs one at a time). */
function runningOf(state: RunState): RunningInfo | undefined {
  for (const st of Object.values(state.steps)) {
    const last = st.attempts[st.attempts.length - 1];
    if (last?.status === 'running') return { step: st.id, attempt: last.n, cancelling: false };
  }
  return undefined;
}

export interface ReplayResult {
  /** The outcome the journal gives; undefined when an event could not be replayed. */
  outcome?: string;
  /** The state after every event that could be replayed. */
  state?: RunState;
}

/**
 * Replays the events: each is checked against what the session could have
 * written in the state before it, then applied. Returns the outcome the
 * journal gives, or undefined when an event cannot be replayed — a
 * malformed event is reported with its seq, never an internal error.
 */
export function replay(runbook: Runbook, events: readonly JournalEvent[], report: Report): ReplayResult {
  const byId = new Map(stepsInOrder(runbook).map((s) => [s.id, s]));
  let state: RunState;
  try {
    state = foldEvents(runbook, events.slice(0, 1));
  } catch (err) {
    report(JOURNAL, `seq 1: the run.started event cannot be replayed (${messageOf(err)}): it is malformed`);
    return {};
  }
  let operator = state.operator;
  let lastAt = Date.parse(events[0]!.at);
  let closed = false;
  for (const ev of events.slice(1)) {
    const at = `seq ${String(ev.seq)}`;
    const bad = (message: string) => report(JOURNAL, `${at}: ${message}`);
    if (!KNOWN_TYPES.has(ev.type) || ev.type === 'run.started') {
      bad(ev.type === 'run.started' ? 'a second run.started event; a journal holds one run' : `unknown event type "${String(ev.type)}": cutover never writes it`);
      continue;
    }
    // A step the runbook does not have is never journaled by cutover; and a
    // name like "constructor" would reach Object's own properties in the fold.
    const stepId = (ev as { step?: unknown }).step;
    const step = typeof stepId === 'string' ? byId.get(stepId) : undefined;
    if (typeof stepId === 'string' && !step) {
      bad(`the ${ev.type} event names step "${stepId}", which is not a step of the runbook`);
      continue;
    }
    // A rollback run started from a closed cutover run links back to it (rollback.started).
    // The operator's signature of the decision follows run.closed too, once (decision.signed; its signature is checked by signoff/verify-signoffs.ts).
    if (ev.type === 'decision.signed' && (!closed || state.decisionSigned)) {
      bad(closed ? 'a second decision.signed: the decision is signed once' : 'decision.signed comes before run.closed: the operator signs the decision of a closed run');
      continue;
    }
    if (closed && ev.type !== 'rollback.started' && ev.type !== 'decision.signed' && !followUpAfterClose(runbook, state, ev, step)) {
      bad(`a ${ev.type} event comes after run.closed; nothing may be added to a closed run`);
      continue;
    }
    const time = Date.parse(ev.at);
    if (!Number.isFinite(time) || new Date(time).toISOString() !== ev.at) bad(`its time "${String(ev.at)}" is not a UTC time as cutover writes it`);
    else if (time < lastAt) bad(`its time ${ev.at} is earlier than the event before it (${new Date(lastAt).toISOString()}): time never goes backwards in a journal`);
    else lastAt = time;
    if (ev.type === 'run.resumed') operator = ev.operator;
    else if ('by' in ev && ev.by !== operator) bad(`the ${ev.type} event is by "${String(ev.by)}", but the run is operated by "${operator}" (started or last resumed by them)`);
    try {
      if (INCIDENT_TYPES.has(ev.type)) checkIncidentEvent(runbook, state, ev, bad);
      else if (ev.type === 'update.overdue') checkEtaOverdue(state, ev, bad);
      else if (step) checkAllowed(runbook, state, step, ev, bad);
      else checkRunEvent(runbook, state, ev, bad);
      if (ev.type === 'run.closed') {
        closed = true;
        const before = outcomeOf(runbook, state);
        if (ev.outcome !== before) report(JOURNAL, `run.closed says ${String(ev.outcome)}, but the events before it give ${before}`);
      }
      applyEvent(state, byId, ev);
    } catch (err) {
      bad(`the ${String(ev.type)} event cannot be replayed (${messageOf(err)}): it is malformed`);
      return { state };
    }
  }
  try {
    return { outcome: outcomeOf(runbook, state), state };
  } catch (err) {
    report(JOURNAL, `the outcome cannot be computed from the replayed events (${messageOf(err)})`);
    return { state };
  }
}

/** Events without a step: triggers, pauses, resumes, the close. */
function checkRunEvent(runbook: Runbook, state: RunState, ev: JournalEvent, bad: (m: string) => void): void {
  if ((ev.type === 'step.started' || ev.type === 'step.finished' || ev.type === 'step.interrupted' || ev.type === 'step.skipped' || ev.type === 'step.not_run' || ev.type in ANSWER_KIND) && typeof (ev as { step?: unknown }).step !== 'string') {
    bad(`the ${ev.type} event names no step`);
  }
}

/** Events about a step: what the policy allowed in the state before it. */
function checkAllowed(runbook: Runbook, state: RunState, step: Step, ev: JournalEvent, bad: (m: string) => void): void {
  const running = runningOf(state);
  const actions = actionsFor(runbook, state, step, running);
  const st = state.steps[step.id]!;
  const wanted = ANSWER_KIND[ev.type];
  if (wanted && step.kind !== wanted) {
    bad(`a ${ev.type} event for "${step.id}", which is a ${step.kind} step`);
    return;
  }
  switch (ev.type) {
    case 'step.started': {
      if (!actions.run.ok) bad(`attempt ${String(ev.attempt)} of "${step.id}" was started, which the run did not allow: ${actions.run.reason}`);
      if (ev.attempt !== st.attempts.length + 1) bad(`attempt ${String(ev.attempt)} of "${step.id}" was started, but the next attempt is ${st.attempts.length + 1}`);
      if (step.kind === 'command' ? !ev.command : step.kind === 'check' ? ev.check?.name !== step.check : false) bad(`attempt ${String(ev.attempt)} of "${step.id}" does not record the ${step.kind} the runbook gives`);
      return;
    }
    case 'step.finished':
    case 'step.interrupted': {
      const attempt = st.attempts.find((a) => a.n === ev.attempt);
      if (!attempt) bad(`attempt ${String(ev.attempt)} of "${step.id}" ${ev.type === 'step.finished' ? 'finished' : 'was interrupted'} without having started`);
      else if (attempt.status !== 'running') bad(`attempt ${String(ev.attempt)} of "${step.id}" ${ev.type === 'step.finished' ? 'finished' : 'was interrupted'} although it was no longer running (${attempt.status})`);
      else if (ev.type === 'step.finished') for (const p of attemptProblems(step, ev)) bad(p);
      return;
    }
    case 'step.skipped':
      if (!actions.skip.ok) bad(`"${step.id}" was skipped, which the run did not allow: ${actions.skip.reason}`);
      if (typeof ev.reason !== 'string' || !ev.reason.trim()) bad(`"${step.id}" was skipped without a reason`);
      return;
    case 'step.not_run': {
      // Only what the session writes: a step its modes leave out, or one held back by a failure — with the runbook's words.
      const settled = runSettled(state, step);
      const expected = notRunFor(runbook, state, step);
      if (!settled.ok) bad(`"${step.id}" is recorded as not run although ${settled.reason}`);
      else if (!expected) bad(`"${step.id}" is recorded as not run (${String(ev.cause)}), but at this point it runs in this run (it is ${st.status}, in this mode, and nothing holds it back)`);
      else if (expected.cause !== ev.cause || expected.why !== ev.why || expected.failed_step !== ev.failed_step) bad(`"${step.id}" is recorded as not run because ${JSON.stringify(ev.why)}, but the runbook and the run give: ${expected.why}`);
      return;
    }
    case 'decision.refused':
      if (!actions.answer.ok) bad(`a decision was refused although it could not be asked for: ${actions.answer.reason}`);
      else checkRefusal(runbook, state, step as DecisionStep, ev, bad);
      return;
    case 'decision.recorded':
      if (!actions.answer.ok) bad(`the decision was recorded although ${actions.answer.reason}`);
      checkDecision(runbook, state, step as DecisionStep, ev, bad);
      return;
    default:
      if (!wanted) return;
      if (!actions.answer.ok) bad(`"${step.id}" was answered (${ev.type}), which the run did not allow: ${actions.answer.reason}`);
      if (ev.type === 'input.recorded' && step.kind === 'input') checkEquals(state, step, ev.values, bad, ev.at);
      if (ev.type === 'notice.sent' && ev.text?.file !== `notices/${step.id}.md`) bad(`the text of notice "${step.id}" is recorded as ${JSON.stringify(ev.text?.file)}, not notices/${step.id}.md`);
      if (ev.type === 'notice.sent' && ev.plain !== undefined && ev.plain?.file !== `notices/${step.id}.txt`) bad(`the plain text of notice "${step.id}" is recorded as ${JSON.stringify(ev.plain?.file)}, not notices/${step.id}.txt`);
      checkNoticeEvent(state, step, ev, bad, runbook); // status updates and next-update ETAs (verify-updates.ts)
      if (step.kind === 'notice') checkNoticeText(runbook, state, step, ev, bad); // the files against the recorded values
      if (ev.type === 'signoff.recorded') {
        if (step.kind === 'signoff' && !step.roles.includes(ev.role)) bad(`"${String(ev.role)}" is not a role that signs "${step.id}" (${step.roles.join(', ')})`);
        if (typeof ev.name !== 'string' || !ev.name.trim()) bad(`the sign-off of ${String(ev.role)} has no signer's name`);
        if (ev.evidence_digest !== evidenceDigest(state)) bad(`the sign-off of ${String(ev.role)} binds to evidence digest ${String(ev.evidence_digest).slice(0, 12)}…, but the evidence at that point has ${evidenceDigest(state).slice(0, 12)}…`);
      }
  }
}

/**
 * An input recorded against its `equals:`: the session refuses a mismatch,
 * so a recorded one was not written by it. Values hidden by masking (`***`)
 * cannot be compared and are left alone.
 */
function checkEquals(state: RunState, step: Extract<Step, { kind: 'input' }>, values: Record<string, string>, bad: (m: string) => void, at?: string): void {
  if (!values || typeof values !== 'object') return;
  // A `future:` time (a next-update ETA) must be later than the moment it was recorded.
  for (const f of step.fields) {
    const problem = typeof at === 'string' && typeof values[f.id] === 'string' ? futureProblem(f, values[f.id], new Date(at)) : undefined;
    if (problem) bad(`"${step.id}" records ${f.id} = ${JSON.stringify(values[f.id])}, which the run refuses: ${problem}`);
  }
  const ctx = stateRefContext(state);
  for (const f of step.fields) {
    if (f.equals === undefined || typeof values[f.id] !== 'string') continue;
    const problem = equalsProblem(f, step, values, ctx, true);
    if (problem && !problem.includes('***')) bad(`"${step.id}" records ${f.id} = ${JSON.stringify(values[f.id])}, which the run refuses: ${problem}`);
  }
}

/**
 * A refusal holds every unmet condition of the GO lock at that moment, in
 * order, plus what was wrong with the attempt itself (the typed label, the
 * remediation). Conditions the replay does not find, or misses, mean the
 * refusal was not written by the session.
 */
function checkRefusal(runbook: Runbook, state: RunState, step: DecisionStep, ev: Extract<JournalEvent, { type: 'decision.refused' }>, bad: (m: string) => void): void {
  const option = step.options.find((o) => o.id === ev.option);
  if (!Array.isArray(ev.reasons) || ev.reasons.length === 0 || !ev.reasons.every((r) => typeof r === 'string')) {
    bad('a decision refusal without its reasons');
    return;
  }
  if (!option) {
    const expected = gateProblems(runbook, state, step, { option: ev.option, confirmedText: '' }, new Date(ev.at));
    if (ev.reasons.join('\n') !== expected.join('\n')) bad(`the refusal of "${String(ev.option)}" does not give the reasons the GO lock gives`);
    return;
  }
  const ofAttempt = new Set(gateProblems(runbook, { ...state, decision: undefined, closed: undefined }, step, { option: option.id, confirmedText: '' }, new Date(ev.at)).filter((r) => !optionConditions(runbook, { ...state, decision: undefined, closed: undefined }, step, option, new Date(ev.at)).some((c) => c.message === r)));
  const lock = optionConditions(runbook, state, step, option, new Date(ev.at)).map((c) => c.message);
  const recordedLock = ev.reasons.filter((r) => !ofAttempt.has(r));
  if (recordedLock.join('\n') !== lock.join('\n')) {
    const invented = recordedLock.filter((r) => !lock.includes(r));
    const missing = lock.filter((r) => !recordedLock.includes(r));
    bad(`the refusal of ${option.label} does not match the GO lock at that moment${invented.length ? `; it gives reasons the lock did not have: ${invented.join('; ')}` : ''}${missing.length ? `; it leaves out: ${missing.join('; ')}` : ''}`);
  }
}

/** The GO lock as it stood just before a recorded decision. */
function checkDecision(runbook: Runbook, state: RunState, step: DecisionStep, ev: Extract<JournalEvent, { type: 'decision.recorded' }>, bad: (m: string) => void): void {
  const option = step.options.find((o) => o.id === ev.option);
  if (!option) {
    bad(`decision option "${String(ev.option)}" does not exist in the runbook`);
    return;
  }
  if (option.go !== ev.go || option.label !== ev.label) bad(`the recorded decision (${String(ev.label)}) does not match option "${ev.option}" of the runbook`);
  const unmet = gateProblems(runbook, state, step, { option: ev.option, confirmedText: ev.confirmed_text, remediation: ev.remediation }, new Date(ev.at));
  if (unmet.length) bad(`the decision "${String(ev.label)}" would not have been allowed by the GO lock: ${unmet.join('; ')}`);
  if (ev.evidence_digest !== evidenceDigest(state)) bad(`the decision binds to evidence digest ${String(ev.evidence_digest).slice(0, 12)}…, but the evidence at that point has ${evidenceDigest(state).slice(0, 12)}…`);
}
