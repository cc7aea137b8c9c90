// Picks the front end for a session — the interactive screen in a
// terminal, the plain line reporter otherwise or with --plain — and releases
// the bundle afterwards.
import { InputError } from '../errors.js';
import { runSummary } from '../run-summary.js';
import type { CliIO } from '../io.js';
import { drivePlain } from '../../plain/drive.js';
import { LineReporter } from '../../plain/reporter.js';
import { loadAnswers, type Answers } from '../../session/answers.js';
import { loadRunbook } from '../../runbook/load.js';
import { resolvePins } from '../../runbook/resolve.js';
import { resolveVars } from '../../runbook/vars.js';
import { Conductor } from '../../session/conductor.js';
import type { Session } from '../../session/session.js';

import { loadScreen, wantsScreen } from '../screen-preload.js';

export { preloadScreen, wantsScreen } from '../screen-preload.js';
import { watchRequests } from '../../session/trigger-requests.js';
import { startLinkedRollback } from '../../session/rollback-start.js';
import { rollbackCommand } from '../../session/rollback-link.js';
import { resolve } from 'node:path';

export async function runFrontEnd(session: Session, opts: { plain: boolean; answers?: Answers; io: CliIO; retry?: string[]; note?: string; demo?: boolean; json?: boolean; rollbackAnswers?: string }): Promise<number> {
  // Every line either front end prints passes the run's secret mask. With
  // --json the plain log goes to stderr and stdout gets one JSON summary.
  const json = opts.json === true;
  const out = (t: string) => (json ? opts.io.err : opts.io.out)(session.mask(t));
  // `cutover trigger` from another terminal, and deadlines gone overdue, while either front end runs (issue 13).
  let reporter: LineReporter | undefined;
  const stopWatching = watchRequests(session, (e) => {
    if (e.picked?.result.ok && e.picked.request.action === 'clear') reporter?.triggerCleared(session, e.picked.request.trigger);
    else if (e.picked?.result.ok) reporter?.triggerDeclared(session, e.picked.request.trigger);
    if (e.overdue) reporter?.overdue(e.overdue);
    if (e.late) reporter?.etaOverdue(e.late);
  });
  try {
    const answers = opts.answers;
    if (!json && wantsScreen(opts.plain)) {
      // Loaded only here (or preloaded, cli/screen-preload.ts): the plain path, lint, verify and check never load Ink or React.
      const { runInteractive } = await loadScreen();
      const code = await runInteractive(session, { ...(answers ? { answers } : {}), ...(opts.retry?.length ? { retry: opts.retry } : {}), ...(opts.note ? { note: opts.note } : {}), prefillConfirmations: opts.demo === true, out });
      const switching = session.triggers.switchToRollback;
      if (!switching) return code;
      // The operator chose to start the rollback runbook: this run is paused; the rollback run opens linked to it.
      stopWatching();
      session.release();
      return await switchToRollback(session, switching, opts.io, opts.rollbackAnswers);
    }
    reporter = new LineReporter(out);
    const result = await drivePlain(new Conductor(session), answers, reporter, { retry: opts.retry });
    if (json) opts.io.out(session.mask(JSON.stringify(runSummary(session, result.outcome, result.exitCode), null, 2)));
    return result.exitCode;
  } catch (err) {
    // An error the run raises may quote a value (a path, an answer): masked like the rest.
    const hint = err instanceof InputError && err.hint !== undefined ? session.mask(err.hint) : undefined;
    if (err instanceof InputError && (session.mask(err.message) !== err.message || hint !== err.hint)) throw new InputError(session.mask(err.message), hint);
    throw err;
  } finally {
    stopWatching();
    session.release();
  }
}

/**
 * Loads an answers file against the runbook it answers; a runbook error is
 * left to the run to report. With the run's `vars`, the inputs' `equals:`
 * are checked against the pins before anything is written.
 */
export function answersFor(runbookFile: string, answersFile: string, checkRollbackPath = true, vars?: Record<string, string>): Answers | undefined {
  const loaded = loadRunbook(runbookFile, checkRollbackPath ? {} : { checkRollbackPath: false, bundleCopy: true });
  if (!loaded.ok) return undefined;
  const rb = loaded.loaded.runbook;
  if (!vars) return loadAnswers(answersFile, rb);
  const values = resolveVars(rb, vars, process.env).values;
  return loadAnswers(answersFile, rb, { vars: values, ...resolvePins(rb, values) });
}

/** Starts the rollback runbook from the paused cutover run `from` (linked both ways) with the vars the screen asked for; exported for tests. */
export async function switchToRollback(from: Session, { trigger, vars = {} }: { trigger: string; vars?: Record<string, string> }, io: CliIO, answersFile?: string): Promise<number> {
  const runbookPath = resolve(from.runbookDir, from.runbook.rollback!);
  let started: Awaited<ReturnType<typeof startLinkedRollback>>;
  try {
    // `vars`: what the screen asked for (the vars the rollback runbook needs and this run lacks), given as --var would give them.
    started = await startLinkedRollback({ runbookPath, from: from.bundleDir, trigger, vars, operator: from.operator });
  } catch (err) {
    // A var the rollback runbook needs and the cutover run lacks (or a secret): the command that starts it, complete.
    const command = rollbackCommand(from.runbookDir, from.runbook, from.bundleDir, from.state.vars, (p) => from.relative(p));
    if (err instanceof InputError) throw new InputError(err.message, `${err.hint ?? ''}; the cutover run is paused — start the rollback with: ${command ?? ''}`);
    throw err;
  }
  const { session, back } = started;
  io.out(session.mask(`Rollback run started from ${from.relative(from.bundleDir)} (trigger ${trigger}; the cutover journal names it at seq ${back.seq}): ${session.relative(session.bundleDir)}`));
  // The demo's rollback answers (cutover demo --scenario envelope) prefill its forms.
  const answers = answersFile ? loadAnswers(answersFile, session.runbook) : undefined;
  return runFrontEnd(session, { plain: false, io, ...(answers ? { answers, demo: true } : {}) });
}
