// The rollback half of a demo scenario that says `rollback: true`
// (`cutover demo --scenario envelope`): once the cutover rehearsal has
// closed with a rollback trigger open, the demo keeps the sandbox producer's
// last good release (branch last-good), starts its rollback runbook linked
// to the cutover bundle — as `cutover run rollback.yaml --from <bundle>`
// would — and drives it with the demo's rollback answers, on the screen or
// in the plain log. Both bundles verify, each pointing at the other.
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import type { CliIO } from '../io.js';
import { commitLastGood } from '../../demo/last-good.js';
import { loadAnswers } from '../../session/answers.js';
import { startLinkedRollback } from '../../session/rollback-start.js';
import type { Session } from '../../session/session.js';
import { runFrontEnd } from './front-end.js';

export const ROLLBACK_RUNBOOK = 'rollback.yaml';
export const ROLLBACK_ANSWERS = 'rollback-answers.yaml';

/** Whether the scenario file asks for the rollback rehearsal after the cutover run (`rollback: true`). */
export function scenarioRehearsesRollback(packageRoot: string, scenario: string | undefined): boolean {
  if (!scenario) return false;
  const file = join(packageRoot, 'checklists', 'demo', 'scenarios', `${scenario}.yaml`);
  if (!existsSync(file)) return false;
  return (parse(readFileSync(file, 'utf8')) as { rollback?: unknown } | null)?.rollback === true;
}

export interface DemoRollbackOptions {
  cutover: Session;
  workDir: string;
  evidenceDir: string;
  plain: boolean;
  io: CliIO;
  log: (line: string) => void;
}

/** The sandbox producer's last good release (branch last-good), for the cutover run's vars: the rollback run it starts carries it. */
export async function lastGoodVars(packageRoot: string, vars: Record<string, string>): Promise<Record<string, string>> {
  const lastGood = await commitLastGood(vars.producer_root!, join(packageRoot, 'checklists', 'demo', 'workspace', 'producer'));
  return { ...vars, producer_baseline_commit: lastGood };
}

/** The demo's rollback answers, for a rollback started from the screen's prompt. */
export function rollbackAnswersOf(workDir: string): string {
  return join(workDir, ROLLBACK_ANSWERS);
}

/** Runs the linked rollback rehearsal after a closed cutover run; undefined when it left no rollback trigger open. */
export async function rehearseRollback(opts: DemoRollbackOptions): Promise<number | undefined> {
  const { cutover } = opts;
  const open = cutover.state.triggers.find((t) => t.open && cutover.runbook.triggers?.some((x) => x.id === t.id && x.rollback));
  if (!open || cutover.state.rollbacks.length > 0) return undefined;
  const from = cutover.bundleDir;
  const shown = relative(process.cwd(), from) || from;
  opts.log(`\nrollback rehearsal: trigger ${open.id} (${open.severity}) is open — starting the rollback runbook linked to ${shown}`);
  opts.log(`  as: cutover run ${relative(process.cwd(), join(opts.workDir, ROLLBACK_RUNBOOK))} --from ${shown}`);
  const { session } = await startLinkedRollback({
    runbookPath: join(opts.workDir, ROLLBACK_RUNBOOK),
    from,
    trigger: open.id,
    vars: {},
    mode: 'rehearsal',
    evidenceDir: opts.evidenceDir,
    operator: 'Demo Captain',
  });
  const answers = loadAnswers(rollbackAnswersOf(opts.workDir), session.runbook);
  const note = `rollback rehearsal of ${open.id} (${open.severity}): every form is prefilled — Enter walks it`;
  return runFrontEnd(session, { plain: opts.plain, answers, io: opts.io, note, demo: true });
}
