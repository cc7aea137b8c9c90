// `cutover run <cutover runbook> --rollback-answers FILE` (issue 13): once
// the cutover run has stopped with a rollback trigger open, its rollback
// runbook starts at once, linked both ways — as `cutover run <rollback>
// --from <bundle>` would — and is driven with FILE (answers for the
// rollback runbook), in the same front end.
import { join, resolve } from 'node:path';
import type { CliIO } from '../io.js';
import { InputError } from '../errors.js';
import { JOURNAL_FILE, readJournal } from '../../evidence/journal.js';
import { foldEvents } from '../../engine/fold.js';
import { triggerOf } from '../../engine/incident.js';
import type { Runbook } from '../../runbook/types.js';
import { loadRunbook } from '../../runbook/load.js';
import { rollbackOrigin, startLinkedRollback } from '../../session/rollback-start.js';
import { missingVars, rollbackCommand, shownPath } from '../../session/rollback-link.js';
import { secretNamesIn } from '../../runbook/secret-names.js';
import { resolveVars } from '../../runbook/vars.js';
import { commandName } from '../../shared/command-name.js';
import { answersFor, runFrontEnd } from './front-end.js';

/** The rollback runbook to start after the cutover run in `bundleDir`, if a rollback trigger is open in it. */
export function openRollbackTrigger(bundleDir: string, runbook: Runbook): string | undefined {
  const { events } = readJournal(join(bundleDir, JOURNAL_FILE));
  const state = foldEvents(runbook, events);
  return state.triggers.filter((t) => t.open && triggerOf(runbook, t.id)?.rollback && !state.rollbacks.some((r) => r.trigger === t.id)).at(-1)?.id;
}

/**
 * With --rollback-answers, the --var flags for vars only the rollback
 * runbook declares (a ticket, a secret token) are for it: they are passed on
 * to the rollback run, not to the cutover run (which would refuse them).
 */
export function splitRollbackVars(cutoverFile: string, flags: Record<string, string>): { cutover: Record<string, string>; rollbackOnly: Record<string, string> } {
  const loaded = loadRunbook(cutoverFile);
  const rb = loaded.ok ? loaded.loaded.runbook : undefined;
  const rollback = rb?.rollback ? loadRunbook(resolve(cutoverFile, '..', rb.rollback), { checkRollbackPath: false }) : undefined;
  if (!rb || !rollback?.ok) return { cutover: flags, rollbackOnly: {} };
  const forRollback = (k: string) => !Object.hasOwn(rb.vars ?? {}, k) && Object.hasOwn(rollback.loaded.runbook.vars ?? {}, k);
  const entries = Object.entries(flags);
  return { cutover: Object.fromEntries(entries.filter(([k]) => !forRollback(k))), rollbackOnly: Object.fromEntries(entries.filter(([k]) => forRollback(k))) };
}

/**
 * Checks --rollback-answers before the cutover run starts: the runbook names
 * a rollback runbook, the file answers it, and every var the rollback runbook
 * needs is carried over from the cutover run or given with --var (`flags`).
 */
export function checkRollbackAnswers(cutoverFile: string, answersFile: string, flags: Record<string, string> = {}): void {
  const loaded = loadRunbook(cutoverFile);
  if (!loaded.ok) return; // the run reports the runbook's own problems
  const rb = loaded.loaded.runbook;
  if (!rb.rollback) throw new InputError(`run --rollback-answers: ${cutoverFile} names no rollback runbook (\`rollback:\`)`, 'drop --rollback-answers, or add `rollback: <file>` to the runbook');
  const rollbackFile = resolve(cutoverFile, '..', rb.rollback);
  answersFor(rollbackFile, answersFile);
  const rollback = loadRunbook(rollbackFile, { checkRollbackPath: false });
  if (!rollback.ok) return; // reported when the rollback run starts
  // What the cutover run will carry (its journal masks secrets: those come from the --var flags only).
  const values = resolveVars(rb, splitRollbackVars(cutoverFile, flags).cutover, process.env).values;
  const secret = secretNamesIn(rb, Object.keys(values));
  const carried = { ...Object.fromEntries(Object.entries(values).filter(([k]) => !secret.has(k))), ...flags };
  const missing = missingVars(rollback.loaded.runbook, carried);
  if (missing.length) {
    throw new InputError(
      `run --rollback-answers: the rollback runbook ${rb.rollback} needs ${missing.map((m) => `"${m}" (${rollback.loaded.runbook.vars![m]!.description})`).join(', ')}, which this run does not carry (a secret var is never read back from a bundle)`,
      `add ${missing.map((m) => `--var ${m}=…`).join(' ')} to this command: a var only the rollback runbook declares is passed on to the rollback run; an answers file has no vars`,
    );
  }
}

/** After the cutover run: starts its rollback runbook linked to it when a rollback trigger is open; else returns `code`. */
export async function thenRollback(cutover: { bundleDir: string; runbook: Runbook; runbookDir: string; operator: string; state: { vars: Record<string, string> } }, code: number, answersFile: string, opts: { plain: boolean; io: CliIO; vars: Record<string, string> }): Promise<number> {
  const trigger = openRollbackTrigger(cutover.bundleDir, cutover.runbook);
  if (!trigger || !cutover.runbook.rollback) return code;
  const runbookPath = resolve(cutover.runbookDir, cutover.runbook.rollback);
  // The --var flags of the cutover run that the rollback runbook declares (a secret is never in the bundle: it comes from here).
  const loaded = loadRunbook(runbookPath);
  const declared = new Set(Object.keys(loaded.ok ? (loaded.loaded.runbook.vars ?? {}) : {}));
  const vars = Object.fromEntries(Object.entries(opts.vars).filter(([k]) => declared.has(k)));
  const linked = { runbookPath, from: cutover.bundleDir, trigger, vars, operator: cutover.operator };
  let origin: ReturnType<typeof rollbackOrigin>;
  try {
    origin = rollbackOrigin(linked);
  } catch (err) {
    // The cutover run has stopped: say how to start the rollback run from it now.
    const command = rollbackCommand(cutover.runbookDir, cutover.runbook, cutover.bundleDir, cutover.state.vars, (p) => shownPath(p));
    if (err instanceof InputError) throw new InputError(err.message, `${err.hint ?? ''}; the cutover run has stopped (${cutover.bundleDir}): start its rollback with \`${command ?? `${commandName()} run ${runbookPath} --from ${cutover.bundleDir}`}\``);
    throw err;
  }
  const answers = answersFor(runbookPath, answersFile, true, { ...origin.vars, ...vars });
  const { session, back } = await startLinkedRollback(linked, origin);
  opts.io.out(session.mask(`Rollback trigger ${trigger} is open: the rollback runbook starts, linked both ways (the cutover journal names it at seq ${back.seq}): ${session.relative(session.bundleDir)}`));
  return runFrontEnd(session, { plain: opts.plain, ...(answers ? { answers } : {}), io: opts.io });
}
