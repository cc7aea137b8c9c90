// Starting the rollback runbook from a cutover run (issue 13): reads the
// cutover bundle (its mode, vars and open rollback trigger), holds it while
// the rollback run starts in a new bundle beside it, and journals the link
// both ways (session/rollback-link.ts). Missing vars are refused by name
// before anything is written.
import { dirname, join } from 'node:path';
import { JOURNAL_FILE, readJournal } from '../evidence/journal.js';
import type { JournalEvent } from '../engine/events.js';
import { formatDiagnostic } from '../runbook/diagnostics.js';
import { loadRunbook } from '../runbook/load.js';
import type { Mode } from '../runbook/types.js';
import type { Clock } from '../shared/clock.js';
import { commandName } from '../shared/command-name.js';
import { InputError } from '../shared/errors.js';
import { CutoverHold, missingVars, readRollbackOrigin, type RollbackOrigin } from './rollback-link.js';
import { operatorOfRun } from './identity.js';
import { Session } from './session.js';
import { MASKED } from '../shared/secret-mask.js';

/** Stands in for a secret var of the cutover run that nobody gave again (see startLinkedRollback). */
const NOT_GIVEN = '\u0000secret-not-given\u0000';

export interface LinkedRollbackOptions {
  runbookPath: string;
  /** The cutover run's bundle. */
  from: string;
  /** The open trigger to carry (default: the latest open one with `rollback: true`). */
  trigger?: string;
  /** --var flags given: they override the carried values. */
  vars: Record<string, string>;
  mode?: Mode;
  evidenceDir?: string;
  operator?: string;
  now?: Clock;
}

/** The rollback runbook's vars and the cutover run they come from; refuses (naming them) vars nobody gives. */
export function rollbackOrigin(opts: LinkedRollbackOptions): RollbackOrigin {
  const loaded = loadRunbook(opts.runbookPath);
  if (!loaded.ok) throw new InputError(`${opts.runbookPath} is not a valid runbook:\n${loaded.diagnostics.map(formatDiagnostic).join('\n')}`, `fix it and check with \`${commandName()} lint ${opts.runbookPath}\``);
  const origin = readRollbackOrigin(opts.from, loaded.loaded.runbook, opts.trigger);
  const missing = missingVars(loaded.loaded.runbook, origin.vars, opts.vars);
  if (missing.length) {
    throw new InputError(
      `${opts.runbookPath}: the rollback runbook needs ${missing.map((m) => `"${m}"`).join(', ')}, which the cutover run ${origin.link.run_id} does not give (secret values are never stored in a bundle)`,
      `add ${missing.map((m) => `--var ${m}=…`).join(' ')} (the other vars are carried over from ${opts.from})`,
    );
  }
  return origin;
}

/** Starts the linked rollback run; returns its session (the caller drives and releases it) and the cutover journal's link event. */
export async function startLinkedRollback(opts: LinkedRollbackOptions, origin: RollbackOrigin = rollbackOrigin(opts)): Promise<{ session: Session; back: JournalEvent }> {
  const closed = isClosed(opts.from);
  // A closed cutover run gets only the link event; an open (paused) one is resumed for it and paused again.
  // Resumed with its own operator: who starts the rollback is recorded as started_by, never as an operator of the cutover run.
  const cutoverEvents = readJournal(join(opts.from, JOURNAL_FILE)).events;
  const cutoverOperator = operatorOfRun(cutoverEvents);
  // The cutover run is resumed only to journal the link and pause (or rewrite its summaries): its secret vars,
  // which its journal holds as ***, are needed for masking only — the value given to the rollback run where
  // there is one, else a stand-in (nothing the resumed run writes runs a command with them).
  const started = cutoverEvents[0];
  const secretVars = started?.type === 'run.started' ? Object.fromEntries(Object.keys(started.vars).filter((k) => started.vars[k] === MASKED).map((k) => [k, opts.vars[k] ?? NOT_GIVEN])) : {};
  const resumeAs = { ...(cutoverOperator ? { operator: cutoverOperator } : {}), vars: secretVars };
  const cutover = closed ? CutoverHold.take(opts.from) : Session.resume(opts.from, { ...resumeAs, ...(opts.now ? { now: opts.now } : {}) });
  let back: JournalEvent | undefined;
  let session: Session | undefined;
  try {
    const head = cutover instanceof CutoverHold ? cutover.head : cutover.events.at(-1)!.hash;
    session = Session.start({
      runbookPath: opts.runbookPath,
      mode: opts.mode ?? origin.mode,
      vars: { ...origin.vars, ...opts.vars },
      evidenceDir: opts.evidenceDir ?? dirname(origin.link.bundle),
      ...(opts.operator ? { operator: opts.operator } : {}),
      ...(opts.now ? { now: opts.now } : {}),
      rollbackOf: { ...origin.link, journal_head: head },
      // A var secret in the cutover run stays secret in the rollback run, even if the rollback runbook does not say so.
      ...(origin.secret.length ? { secretVars: origin.secret } : {}),
    });
    const started = session.events[0] as JournalEvent & { type: 'run.started' };
    const at = (opts.now ?? (() => new Date()))();
    if (cutover instanceof CutoverHold) back = cutover.link(started, session.bundleDir, session.operator, origin.link.trigger.id, at);
    else {
      back = cutover.triggers.recordRollback({ type: 'rollback.started', run_id: started.run_id, bundle: session.bundleDir, runbook: { id: started.runbook.id, file: started.runbook.file }, trigger: origin.link.trigger.id, journal_head: started.hash, started_by: session.operator });
      cutover.pause(`the rollback run ${started.run_id} was started from this run`);
    }
  } catch (err) {
    session?.release();
    throw err;
  } finally {
    if (cutover instanceof CutoverHold) cutover.release();
    else {
      await cutover.writeSummaries().catch(() => undefined);
      cutover.release();
    }
  }
  // The closed cutover run's summaries describe its journal as it now ends.
  if (closed) {
    const again = Session.resume(opts.from, resumeAs);
    try {
      await again.writeSummaries();
    } finally {
      again.release();
    }
  }
  return { session: session!, back: back! };
}

function isClosed(bundleDir: string): boolean {
  return readJournal(join(bundleDir, JOURNAL_FILE)).events.some((e) => e.type === 'run.closed');
}
