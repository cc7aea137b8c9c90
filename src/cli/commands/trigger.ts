// `cutover trigger <bundle> TRIGGER --note TEXT`: declares (or, with
// --clear, clears) a rollback trigger of a run from outside its screen. A
// run that a live cutover process holds gets a request file it picks up,
// checks and journals (session/trigger-requests.ts); a paused run is opened,
// the trigger journaled through the same intent, and paused again.
import { dirname, join } from 'node:path';
import type { JournalEvent } from '../../engine/events.js';
import { parseCommandArgs, type OptionSpec } from '../args.js';
import { EXIT, InputError } from '../errors.js';
import type { CliIO } from '../io.js';
import { foldEvents } from '../../engine/fold.js';
import { parseIdentifiedAt } from '../../engine/incident.js';
import { isBundleDir } from '../../evidence/bundle.js';
import { JOURNAL_FILE, readJournal } from '../../evidence/journal.js';
import { loadRunbook } from '../../runbook/load.js';
import { commandName } from '../../shared/command-name.js';
import { operatorOfRun, resolveOperator } from '../../session/identity.js';
import { lockHeldElsewhere } from '../../session/lock.js';
import { rollbackStartedFor } from '../../engine/incident.js';
import { printable } from '../../shared/printable.js';
import { rollbackCommand, shownPath } from '../../session/rollback-link.js';
import { Session } from '../../session/session.js';
import { ANSWER_WAIT_MS, answerFile, claimedFile, dropRequest, readAnswer, withdrawRequest, type TriggerAnswer, type TriggerRequest } from '../../session/trigger-requests.js';
import { TriggerDesk } from '../../session/triggers.js';

export const HELP = `Usage: cutover trigger <bundle-dir> TRIGGER --note TEXT [--severity SEV-n]
                       [--identified-at TIME] [--operator NAME] [--wait SECONDS]
       cutover trigger <bundle-dir> --clear TRIGGER --note REASON

Declares a rollback trigger of the runbook's matrix in a run, from another
terminal: GO stays locked while it is open, and the protocol's deadlines
count from when it was identified. A run that cutover is running picks the
request up within a second; a paused run is opened, the trigger journaled,
and the run paused again. --clear clears an open trigger with the reason.

Options:
  --note TEXT           what was observed (to clear: why it no longer applies)
  --severity SEV-n      SEV-1, SEV-2 or SEV-3: the matrix minimum (default) or
                        more severe, never less
  --identified-at TIME  when it was identified (default now): a UTC time such
                        as 2026-03-02T14:05:00Z, HH:MM (today, UTC) or
                        "12m ago"; earlier than now is fine, later is refused
  --clear TRIGGER       clear the open trigger TRIGGER instead
  --operator NAME       who declares it (default: git user.name, else login);
                        journaled as requested_by, never as the run's operator
  --wait SECONDS        how long to wait for a running session's answer
                        (1-600, default 20)
  -h, --help

Exit codes: 0 recorded; 1 a running session took the request but gave no
answer, or its answer does not match the journal (check it: cutover watch
or report); 2 refused (unknown trigger, severity below the minimum, a time
in the future, a closed run), bad input, or the bundle busy or the session
not taking the request within --wait (nothing recorded).`;

export const OPTIONS = {
  note: { type: 'string' },
  severity: { type: 'string' },
  'identified-at': { type: 'string' },
  clear: { type: 'string' },
  operator: { type: 'string' },
  wait: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpec;

export async function main(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs('trigger', args, OPTIONS);
  if (values.help) {
    io.out(HELP);
    return EXIT.ok;
  }
  const clear = values.clear !== undefined;
  const [bundle, named, ...extra] = positionals;
  if (bundle === undefined || extra.length || (clear ? named !== undefined : named === undefined)) {
    throw new InputError('trigger: the form is `cutover trigger <bundle-dir> TRIGGER --note TEXT` (or `--clear TRIGGER --note REASON`)', 'run `cutover trigger --help`');
  }
  const triggerId = clear ? values.clear! : named!;
  if (clear && (values.severity !== undefined || values['identified-at'] !== undefined)) throw new InputError('trigger --clear takes no --severity or --identified-at', 'drop them; a cleared trigger keeps what it was declared with');
  if (values.note === undefined || !values.note.trim()) throw new InputError(`trigger: ${clear ? `clearing "${printable(triggerId)}" needs --note with the reason` : `declaring "${printable(triggerId)}" needs --note saying what was observed`}`, clear ? 'e.g. --note "false alarm: the 400 came from a test client"' : 'e.g. --note "legacy_error seen in a 400 response"');
  if (!isBundleDir(bundle)) throw new InputError(`${printable(bundle)}: not an evidence bundle (no ${JOURNAL_FILE} in it)`, 'pass the bundle directory that `cutover run` printed');
  const waitMs = waitOf(values.wait);
  const operator = resolveOperator(values.operator);
  const now = new Date();
  // The time is resolved here, where it was typed ("-12m" is 12 minutes before this command).
  const when = clear ? undefined : parseIdentifiedAt(values['identified-at'], now);
  if (when && 'problem' in when) throw new InputError(`trigger --identified-at: ${when.problem}`, when.hint);
  const request: TriggerRequest = { action: clear ? 'clear' : 'declare', trigger: triggerId, note: values.note, by: operator, ...(values.severity ? { severity: values.severity } : {}), ...(when ? { identified_at: when.at } : {}) };
  precheck(bundle, request, operator);
  const holder = lockHeldElsewhere(bundle);
  // A one-shot writer (cutover sign, another cutover trigger, run --from) holds the bundle for a moment and never reads requests.
  if (holder && !holder.polls) throw new InputError(`${printable(bundle)}: the bundle is busy (${holder.command}, pid ${holder.pid}); try again`, 'that command holds the run for a moment: run this one again once it has finished');
  const recorded = holder ? await viaRunningSession(bundle, request, holder.pid, io, waitMs) : await inPausedRun(bundle, request);
  if (typeof recorded === 'number') return recorded;
  report(bundle, request, recorded, io);
  return EXIT.ok;
}

/** The same checks the session makes, on the journal as it stands: a mistake is refused before anything is written. */
function precheck(bundle: string, request: TriggerRequest, operator: string): void {
  const { events } = readJournal(join(bundle, JOURNAL_FILE));
  const loaded = loadRunbook(join(bundle, 'runbook.yaml'), { checkRollbackPath: false, bundleCopy: true });
  if (!loaded.ok || events[0]?.type !== 'run.started') throw new InputError(`${printable(bundle)}: the bundle's runbook copy or journal cannot be read`, `run \`${commandName()} verify ${bundle}\``);
  const state = foldEvents(loaded.loaded.runbook, events);
  const desk = new TriggerDesk({ runbook: loaded.loaded.runbook, operator, state, clock: () => new Date(), mask: (t) => t }, () => events.at(-1)!);
  const r = request.action === 'clear' ? desk.clear(request.trigger, request.note) : desk.declare(request.trigger, request.note, { ...(request.severity ? { severity: request.severity } : {}), ...(request.identified_at ? { identifiedAt: request.identified_at } : {}) });
  if (r.ok) return;
  const origin = dirname((events[0] as { runbook: { file: string } }).runbook.file);
  const started = rollbackStartedFor(state, request.trigger);
  // A closed run: the way on is the rollback runbook — unless this trigger's rollback run was started already.
  const closedHint = !state.closed || !loaded.loaded.runbook.rollback ? undefined
    : started ? `the run is closed; the rollback run ${started.runId} was started from it for this trigger (${started.bundle}): go on there`
    : `the run is closed; to roll back from it: ${rollbackCommand(origin, loaded.loaded.runbook, bundle, state.vars, (p) => shownPath(p)) ?? ''}`;
  throw new InputError(printable(`trigger: ${bundle}: ${r.reasons.join('; ')}`), printable(closedHint ?? r.hint ?? '') || undefined);
}

/** --wait in ms: whole seconds, 1 to 600; ANSWER_WAIT_MS when not given. */
function waitOf(text: string | undefined): number {
  if (text === undefined) return ANSWER_WAIT_MS;
  const n = /^\d{1,3}$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!(n >= 1 && n <= 600)) throw new InputError(`trigger --wait: "${printable(text)}" is not a number of seconds from 1 to 600`, `e.g. --wait 60 (default ${ANSWER_WAIT_MS / 1000})`);
  return n * 1000;
}

/** Hands the request to the session holding the bundle and waits for its answer, until an absolute deadline. */
async function viaRunningSession(bundle: string, request: TriggerRequest, pid: number, io: CliIO, waitMs: number): Promise<JournalEvent | number> {
  const id = dropRequest(bundle, request);
  io.err(`The run is open in cutover (pid ${pid}): request handed to it, waiting for its answer…`);
  const deadline = Date.now() + waitMs;
  for (;;) {
    const answer = readAnswer(bundle, id);
    if (answer) return answered(bundle, request, answer, id, io);
    if (Date.now() > deadline) {
      if (withdrawRequest(bundle, id)) {
        throw new InputError(`trigger: the cutover process ${pid} holding ${printable(bundle)} did not take the request within ${waitMs / 1000} s; it was withdrawn, nothing was recorded`, 'declare it on that screen (R), or stop that run and try again (a busy machine: a longer --wait)');
      }
      const late = readAnswer(bundle, id); // answered in the last instant
      if (late) return answered(bundle, request, late, id, io);
      io.err(`cutover: trigger: the request (${printable(claimedFile(bundle, id))}) was claimed by the session (pid ${pid}) but not answered within ${waitMs / 1000} s; check the journal (${commandName()} watch ${printable(bundle)} --plain, or ${commandName()} report) to see whether it was recorded`);
      return EXIT.notOk;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** An answer is believed only as far as the journal bears it out: the event it names must be this request's. */
function answered(bundle: string, request: TriggerRequest, answer: TriggerAnswer, id: string, io: CliIO): JournalEvent | number {
  if (!answer.ok) {
    const reasons = Array.isArray(answer.reasons) ? answer.reasons.filter((r): r is string => typeof r === 'string') : [];
    throw new InputError(printable(`trigger: the running session refused it: ${reasons.join('; ') || 'no reason given'}`), typeof answer.hint === 'string' ? printable(answer.hint) : undefined);
  }
  const { events } = readJournal(join(bundle, JOURNAL_FILE));
  const ev = typeof answer.seq === 'number' ? events.find((e) => e.seq === answer.seq) : undefined;
  const type = request.action === 'clear' ? 'trigger.cleared' : 'trigger.declared';
  const problem = typeof answer.seq !== 'number' || typeof answer.hash !== 'string' ? 'it names no journal event (seq and hash)'
    : !ev ? `the journal has no event seq ${answer.seq}`
    : ev.hash !== answer.hash ? `the journal's event seq ${answer.seq} has another hash`
    : ev.type !== type || ev.trigger !== request.trigger ? `the journal's event seq ${answer.seq} is a ${ev.type}${'trigger' in ev ? ` of ${String(ev.trigger)}` : ''}, not the ${type} of ${request.trigger}`
    : ev.requested_by !== request.by ? `the journal's event seq ${answer.seq} was requested by ${String(ev.requested_by)}, not ${request.by}`
    : undefined;
  if (problem || !ev) {
    io.err(printable(`cutover: trigger: the answer (${answerFile(bundle, id)}) says the request was recorded, but ${problem ?? 'no event'}: it is not believed; check the journal (${commandName()} verify ${bundle})`));
    return EXIT.notOk;
  }
  return ev;
}

/** The run is paused: opened with its own operator (the declarer is recorded as who requested it, never as an operator), journaled, paused again. */
async function inPausedRun(bundle: string, request: TriggerRequest): Promise<JournalEvent> {
  const session = Session.resume(bundle, { operator: runOperator(bundle) });
  try {
    const r = request.action === 'clear' ? session.clearTrigger(request.trigger, request.note, { requestedBy: request.by }) : session.declareTrigger(request.trigger, request.note, { ...(request.severity ? { severity: request.severity } : {}), ...(request.identified_at ? { identifiedAt: request.identified_at } : {}), requestedBy: request.by });
    if (!r.ok) throw new InputError(printable(`trigger: ${bundle}: ${r.reasons.join('; ')}`), r.hint ? printable(r.hint) : undefined);
    const ev = session.events.at(-1)!;
    session.triggers.recordOverdue();
    session.pause(`rollback trigger ${request.trigger} ${request.action === 'clear' ? 'cleared' : 'declared'} with cutover trigger by ${request.by}`);
    await session.writeSummaries();
    return ev;
  } finally {
    session.release();
  }
}

/** Who operates the run now (session/identity.ts). */
function runOperator(bundle: string): string {
  const operator = operatorOfRun(readJournal(join(bundle, JOURNAL_FILE)).events);
  if (operator === undefined) throw new InputError(`${printable(bundle)}: the journal names no operator of the run`, `run \`${commandName()} verify ${bundle}\``);
  return operator;
}

function report(bundle: string, request: TriggerRequest, ev: JournalEvent, io: CliIO): void {
  const { events } = readJournal(join(bundle, JOURNAL_FILE));
  const loaded = loadRunbook(join(bundle, 'runbook.yaml'), { checkRollbackPath: false, bundleCopy: true });
  const runbook = loaded.ok ? loaded.loaded.runbook : undefined;
  const runId = events[0]?.type === 'run.started' ? events[0].run_id : '';
  const out = (line: string) => io.out(printable(line));
  if (ev.type === 'trigger.cleared') {
    out(`Cleared rollback trigger ${ev.trigger} in run ${runId} (journal seq ${ev.seq}): ${ev.note}`);
    return;
  }
  if (ev.type !== 'trigger.declared') return;
  const m = runbook?.triggers?.find((x) => x.id === request.trigger);
  out(`Declared rollback trigger ${ev.trigger} (${ev.severity}) in run ${runId} (journal seq ${ev.seq}), identified at ${ev.identified_at ?? ev.at}, entered ${ev.at}.`);
  out(`Required action: ${m?.action ?? '(see the runbook)'}`);
  out('GO stays locked while it is open.');
  const started = events[0];
  if (runbook && m?.rollback && started?.type === 'run.started') {
    const cmd = rollbackCommand(dirname(started.runbook.file), runbook, bundle, foldEvents(runbook, events).vars, (p) => shownPath(p));
    if (cmd) out(`Rollback protocol (once the run has stopped): ${cmd}`);
  }
}
