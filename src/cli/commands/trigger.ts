// `cutover trigger <bundle> TRIGGER --note TEXT`: declares (or, with
// --clear, clears) a rollback trigger of a run from outside its screen. A
// run that a live cutover process holds gets a request file it picks up,
// checks and journals (session/trigger-requests.ts); a paused run is opened,
// the trigger journaled through the same intent, and paused again.
import { dirname, join } from 'node:path';
import { parseCommandArgs, type OptionSpec } from '../args.js';
import { EXIT, InputError } from '../errors.js';
import type { CliIO } from '../io.js';
import { foldEvents } from '../../engine/fold.js';
import { parseIdentifiedAt } from '../../engine/incident.js';
import { isBundleDir } from '../../evidence/bundle.js';
import { JOURNAL_FILE, readJournal } from '../../evidence/journal.js';
import { loadRunbook } from '../../runbook/load.js';
import { commandName } from '../../shared/command-name.js';
import { resolveOperator } from '../../session/identity.js';
import { lockHeldElsewhere } from '../../session/lock.js';
import { rollbackCommand, shownPath } from '../../session/rollback-link.js';
import { Session } from '../../session/session.js';
import { dropRequest, readAnswer, withdrawRequest, type TriggerRequest } from '../../session/trigger-requests.js';
import { TriggerDesk } from '../../session/triggers.js';

export const HELP = `Usage: cutover trigger <bundle-dir> TRIGGER --note TEXT [--severity SEV-n]
                       [--identified-at TIME] [--operator NAME]
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
  --operator NAME       who declares it (default: git user.name, else login)
  -h, --help

Exit codes: 0 recorded, 2 refused (unknown trigger, severity below the
minimum, a time in the future, a closed run) or bad input, 3 the running
session did not take the request (nothing recorded).`;

export const OPTIONS = {
  note: { type: 'string' },
  severity: { type: 'string' },
  'identified-at': { type: 'string' },
  clear: { type: 'string' },
  operator: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpec;

/** How long a running session has to take a request before it is withdrawn. */
const WAIT_MS = 15_000;

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
  if (values.note === undefined || !values.note.trim()) throw new InputError(`trigger: ${clear ? `clearing "${triggerId}" needs --note with the reason` : `declaring "${triggerId}" needs --note saying what was observed`}`, clear ? 'e.g. --note "false alarm: the 400 came from a test client"' : 'e.g. --note "legacy_error seen in a 400 response"');
  if (!isBundleDir(bundle)) throw new InputError(`${bundle}: not an evidence bundle (no ${JOURNAL_FILE} in it)`, 'pass the bundle directory that `cutover run` printed');
  const operator = resolveOperator(values.operator);
  const now = new Date();
  // The time is resolved here, where it was typed ("-12m" is 12 minutes before this command).
  const when = clear ? undefined : parseIdentifiedAt(values['identified-at'], now);
  if (when && 'problem' in when) throw new InputError(`trigger --identified-at: ${when.problem}`, when.hint);
  const request: TriggerRequest = { action: clear ? 'clear' : 'declare', trigger: triggerId, note: values.note, by: operator, ...(values.severity ? { severity: values.severity } : {}), ...(when ? { identified_at: when.at } : {}) };
  precheck(bundle, request, operator);
  const pid = lockHeldElsewhere(bundle);
  const outcome = pid !== undefined ? await viaRunningSession(bundle, request, pid, io) : await inPausedRun(bundle, request, operator);
  if (outcome !== EXIT.ok) return outcome;
  report(bundle, request, io);
  return EXIT.ok;
}

/** The same checks the session makes, on the journal as it stands: a mistake is refused before anything is written. */
function precheck(bundle: string, request: TriggerRequest, operator: string): void {
  const { events } = readJournal(join(bundle, JOURNAL_FILE));
  const loaded = loadRunbook(join(bundle, 'runbook.yaml'), { checkRollbackPath: false, bundleCopy: true });
  if (!loaded.ok || events[0]?.type !== 'run.started') throw new InputError(`${bundle}: the bundle's runbook copy or journal cannot be read`, `run \`${commandName()} verify ${bundle}\``);
  const state = foldEvents(loaded.loaded.runbook, events);
  const desk = new TriggerDesk({ runbook: loaded.loaded.runbook, operator, state, clock: () => new Date(), mask: (t) => t }, () => events.at(-1)!);
  const r = request.action === 'clear' ? desk.clear(request.trigger, request.note) : desk.declare(request.trigger, request.note, { ...(request.severity ? { severity: request.severity } : {}), ...(request.identified_at ? { identifiedAt: request.identified_at } : {}) });
  if (r.ok) return;
  const origin = dirname((events[0] as { runbook: { file: string } }).runbook.file);
  const closedHint = state.closed && loaded.loaded.runbook.rollback ? `the run is closed; to roll back from it: ${rollbackCommand(origin, loaded.loaded.runbook, bundle, state.vars, (p) => shownPath(p)) ?? ''}` : undefined;
  throw new InputError(`trigger: ${bundle}: ${r.reasons.join('; ')}`, state.closed ? closedHint ?? r.hint : r.hint);
}

async function viaRunningSession(bundle: string, request: TriggerRequest, pid: number, io: CliIO): Promise<number> {
  const id = dropRequest(bundle, request);
  io.err(`The run is open in cutover (pid ${pid}): request handed to it, waiting for its answer…`);
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const answer = readAnswer(bundle, id);
    if (answer) {
      if (answer.ok) return EXIT.ok;
      throw new InputError(`trigger: the running session refused it: ${(answer.reasons ?? []).join('; ')}`, answer.hint);
    }
    if (Date.now() > deadline && withdrawRequest(bundle, id)) {
      io.err(`trigger: the cutover process ${pid} holding ${bundle} did not take the request within ${WAIT_MS / 1000} s; it was withdrawn, nothing was recorded. Declare it on that screen (R), or stop that run and try again.`);
      return EXIT.paused;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function inPausedRun(bundle: string, request: TriggerRequest, operator: string): Promise<number> {
  const session = Session.resume(bundle, { operator });
  try {
    const r = request.action === 'clear' ? session.clearTrigger(request.trigger, request.note) : session.declareTrigger(request.trigger, request.note, { ...(request.severity ? { severity: request.severity } : {}), ...(request.identified_at ? { identifiedAt: request.identified_at } : {}) });
    if (!r.ok) throw new InputError(`trigger: ${bundle}: ${r.reasons.join('; ')}`, r.hint);
    session.triggers.recordOverdue();
    session.pause(`rollback trigger ${request.trigger} ${request.action === 'clear' ? 'cleared' : 'declared'} with cutover trigger`);
    await session.writeSummaries();
    return EXIT.ok;
  } finally {
    session.release();
  }
}

function report(bundle: string, request: TriggerRequest, io: CliIO): void {
  const { events } = readJournal(join(bundle, JOURNAL_FILE));
  const loaded = loadRunbook(join(bundle, 'runbook.yaml'), { checkRollbackPath: false, bundleCopy: true });
  if (!loaded.ok) return;
  const state = foldEvents(loaded.loaded.runbook, events);
  const t = state.triggers.filter((x) => x.id === request.trigger).at(-1);
  const m = loaded.loaded.runbook.triggers?.find((x) => x.id === request.trigger);
  if (request.action === 'clear') {
    io.out(`Cleared rollback trigger ${request.trigger} in run ${state.runId}: ${t?.cleared?.note ?? request.note}`);
    return;
  }
  io.out(`Declared rollback trigger ${request.trigger} (${t?.severity}) in run ${state.runId}, identified at ${t?.identifiedAt}, entered ${t?.declaredAt}.`);
  io.out(`Required action: ${m?.action ?? '(see the runbook)'}`);
  io.out('GO stays locked while it is open.');
  const started = events[0];
  if (m?.rollback && started?.type === 'run.started') {
    const cmd = rollbackCommand(dirname(started.runbook.file), loaded.loaded.runbook, bundle, state.vars, (p) => shownPath(p));
    if (cmd) io.out(`Rollback protocol (once the run has stopped): ${cmd}`);
  }
}
