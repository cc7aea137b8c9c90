// verify (issue 13): the replay's checks of status updates and next-update
// ETAs (engine/updates.ts) — an update numbered next, of a status-update
// notice, with its files where cutover writes them, its values as the form
// would have taken them (types, equals:, an ETA later than when it was
// sent) and the ETA its next_update gives; a notice's ETA as its
// next_update gives it; update.overdue only for the latest ETA once it had
// passed, once per ETA, never after the close.
import type { JournalEvent } from '../engine/events.js';
import type { RunState } from '../engine/fold.js';
import { equalsProblem } from '../engine/equals.js';
import { validateField } from '../engine/field-check.js';
import { triggerRefs } from '../engine/incident.js';
import { isUpdateStep, unrecordedEtaOverdue, updateFileName, updateInput } from '../engine/updates.js';
import { render, type RefContext } from '../runbook/resolve.js';
import type { InputField, Runbook, Step } from '../runbook/types.js';
import { MASKED } from '../shared/secret-mask.js';

function contextOf(state: RunState, own?: { step: string; values: Record<string, string> }): RefContext {
  const inputs = own ? { ...state.inputs, [own.step]: own.values } : state.inputs;
  return { vars: state.vars, baseline: state.baseline, target: state.target, inputs, run: { id: state.runId, mode: state.mode, operator: state.operator, started_at: state.startedAt }, ...triggerRefs(state) };
}

/**
 * Whether a value of field `f` may have been masked (`***`): only in a run
 * with secrets (a var journaled as ***, or secrets: read from the
 * environment), and only in a field a secret could be typed into — never a
 * time or one of a select's options. Elsewhere `***` is a value like any other.
 */
function maskable(state: RunState, runbook: Runbook | undefined, f: InputField): boolean {
  if (f.type === 'timestamp' || f.type === 'select') return false;
  return Object.values(state.vars).some((v) => v === MASKED) || (runbook?.secrets?.length ?? 0) > 0;
}

/** notice.sent and notice.updated against their step (after the policy check of verify-replay.ts). */
export function checkNoticeEvent(state: RunState, step: Step, ev: JournalEvent, bad: (m: string) => void, runbook?: Runbook): void {
  if (step.kind !== 'notice') return;
  if (ev.type === 'notice.sent') {
    if (isUpdateStep(step)) bad(`"${step.id}" is a status-update notice, sent as numbered updates (notice.updated), never with notice.sent`);
    const expected = step.next_update ? render(step.next_update, contextOf(state)) : undefined;
    const eta = expected !== undefined && Number.isFinite(Date.parse(expected)) ? expected : undefined;
    if ((ev.next_update_eta ?? undefined) !== eta) bad(`notice "${step.id}" records the next-update ETA ${JSON.stringify(ev.next_update_eta ?? null)}, but its next_update gives ${JSON.stringify(eta ?? null)} at that point`);
    return;
  }
  if (ev.type !== 'notice.updated') return;
  if (!isUpdateStep(step)) {
    bad(`a notice.updated event for "${step.id}", which is not a status-update notice (updates: true)`);
    return;
  }
  const n = (state.updates[step.id]?.length ?? 0) + 1;
  if (ev.update !== n) bad(`update ${String(ev.update)} of "${step.id}" is recorded, but the next update is number ${n}: updates are numbered 1, 2, … in the order they are sent`);
  const num = typeof ev.update === 'number' ? ev.update : n;
  if (ev.text?.file !== updateFileName(step.id, num, 'md')) bad(`the text of update ${num} of "${step.id}" is recorded as ${JSON.stringify(ev.text?.file)}, not ${updateFileName(step.id, num, 'md')}`);
  if (ev.plain?.file !== updateFileName(step.id, num, 'txt')) bad(`the plain text of update ${num} of "${step.id}" is recorded as ${JSON.stringify(ev.plain?.file)}, not ${updateFileName(step.id, num, 'txt')}`);
  if (typeof ev.sent_at !== 'string' || new Date(Date.parse(ev.sent_at)).toISOString() !== ev.sent_at || ev.sent_at > ev.at) bad(`update ${num} of "${step.id}" has sent_at ${JSON.stringify(ev.sent_at)}, not a UTC time no later than the event`);
  const values = ev.values && typeof ev.values === 'object' ? ev.values : {};
  const input = updateInput(step);
  const ctx = contextOf(state);
  for (const f of step.fields) {
    const value = typeof values[f.id] === 'string' ? values[f.id] : undefined;
    const problem = validateField(f, value, new Date(ev.sent_at)) ?? (f.equals !== undefined && value !== undefined ? equalsProblem(f, input, values, ctx, true) : undefined);
    if (problem && !(maskable(state, runbook, f) && (problem.includes(MASKED) || String(values[f.id] ?? '').includes(MASKED)))) bad(`update ${num} of "${step.id}" records ${f.id} = ${JSON.stringify(values[f.id] ?? null)}, which the run refuses: ${problem}`);
  }
  const eta = render(step.next_update, contextOf(state, { step: step.id, values: { ...values, number: String(num) } }));
  if (typeof ev.next_update_eta !== 'string' || !Number.isFinite(Date.parse(ev.next_update_eta))) bad(`update ${num} of "${step.id}" records the next-update ETA ${JSON.stringify(ev.next_update_eta ?? null)}, which is not a UTC time: the run refuses an update whose ETA is not one`);
  else if (ev.next_update_eta !== eta) bad(`update ${num} of "${step.id}" records the next-update ETA ${JSON.stringify(ev.next_update_eta ?? null)}, but its values give ${JSON.stringify(eta)}`);
}

/** update.overdue: the latest ETA had passed with no newer notice, and was not journaled overdue before. */
export function checkEtaOverdue(state: RunState, ev: Extract<JournalEvent, { type: 'update.overdue' }>, bad: (m: string) => void): void {
  const done = Object.hasOwn(state.etaOverdue, ev.notice_seq) ? state.etaOverdue[ev.notice_seq] : undefined;
  if (done) {
    bad(`update.overdue for the ETA of seq ${ev.notice_seq} again: the journal says it was overdue at seq ${done.seq}`);
    return;
  }
  const late = unrecordedEtaOverdue(state, new Date(ev.at));
  if (!late) bad(`update.overdue at ${ev.at}, but no next-update ETA had passed unanswered then${state.closedAt ? ' (the run is closed)' : ''}`);
  else if (late.seq !== ev.notice_seq || late.eta !== ev.eta || late.step !== ev.step || late.update !== ev.update) bad(`update.overdue names the ETA ${String(ev.eta)} of seq ${String(ev.notice_seq)}, but the one that passed is ${late.eta} of seq ${late.seq} (${late.step})`);
}
