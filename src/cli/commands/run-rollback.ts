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
import { answersFor, runFrontEnd } from './front-end.js';

/** The rollback runbook to start after the cutover run in `bundleDir`, if a rollback trigger is open in it. */
export function openRollbackTrigger(bundleDir: string, runbook: Runbook): string | undefined {
  const { events } = readJournal(join(bundleDir, JOURNAL_FILE));
  const state = foldEvents(runbook, events);
  return state.triggers.filter((t) => t.open && triggerOf(runbook, t.id)?.rollback && !state.rollbacks.some((r) => r.trigger === t.id)).at(-1)?.id;
}

/** Checks --rollback-answers before the cutover run starts (the runbook names a rollback runbook; the file answers it). */
export function checkRollbackAnswers(cutoverFile: string, answersFile: string): void {
  const loaded = loadRunbook(cutoverFile);
  if (!loaded.ok) return; // the run reports the runbook's own problems
  const rb = loaded.loaded.runbook;
  if (!rb.rollback) throw new InputError(`run --rollback-answers: ${cutoverFile} names no rollback runbook (\`rollback:\`)`, 'drop --rollback-answers, or add `rollback: <file>` to the runbook');
  answersFor(resolve(cutoverFile, '..', rb.rollback), answersFile);
}

/** After the cutover run: starts its rollback runbook linked to it when a rollback trigger is open; else returns `code`. */
export async function thenRollback(cutover: { bundleDir: string; runbook: Runbook; runbookDir: string; operator: string }, code: number, answersFile: string, opts: { plain: boolean; io: CliIO; vars: Record<string, string> }): Promise<number> {
  const trigger = openRollbackTrigger(cutover.bundleDir, cutover.runbook);
  if (!trigger || !cutover.runbook.rollback) return code;
  const runbookPath = resolve(cutover.runbookDir, cutover.runbook.rollback);
  // The --var flags of the cutover run that the rollback runbook declares (a secret is never in the bundle: it comes from here).
  const loaded = loadRunbook(runbookPath);
  const declared = new Set(Object.keys(loaded.ok ? (loaded.loaded.runbook.vars ?? {}) : {}));
  const vars = Object.fromEntries(Object.entries(opts.vars).filter(([k]) => declared.has(k)));
  const linked = { runbookPath, from: cutover.bundleDir, trigger, vars, operator: cutover.operator };
  const origin = rollbackOrigin(linked);
  const answers = answersFor(runbookPath, answersFile, true, { ...origin.vars, ...vars });
  const { session, back } = await startLinkedRollback(linked, origin);
  opts.io.out(session.mask(`Rollback trigger ${trigger} is open: the rollback runbook starts, linked both ways (the cutover journal names it at seq ${back.seq}): ${session.relative(session.bundleDir)}`));
  return runFrontEnd(session, { plain: opts.plain, ...(answers ? { answers } : {}), io: opts.io });
}
