// Picks the front end for a session and releases the bundle afterwards.
// The interactive screen is not built yet, so every run uses the plain
// reporter; a terminal user is told so once.
import type { CliIO } from '../io.js';
import { drivePlain } from '../../plain/drive.js';
import { LineReporter } from '../../plain/reporter.js';
import { loadAnswers, type Answers } from '../../session/answers.js';
import { loadRunbook } from '../../runbook/load.js';
import { Conductor } from '../../session/conductor.js';
import type { Session } from '../../session/session.js';

export async function runFrontEnd(session: Session, opts: { plain: boolean; answers?: Answers; io: CliIO; retry?: string[] }): Promise<number> {
  try {
    const answers = opts.answers;
    const reporter = new LineReporter((t) => opts.io.out(t));
    const result = await drivePlain(new Conductor(session), answers, reporter, { retry: opts.retry });
    return result.exitCode;
  } finally {
    session.release();
  }
}

/** Loads an answers file against the runbook it answers; a runbook error is left to the run to report. */
export function answersFor(runbookFile: string, answersFile: string, checkRollbackPath = true): Answers | undefined {
  const loaded = loadRunbook(runbookFile, checkRollbackPath ? {} : { checkRollbackPath: false, bundleCopy: true });
  if (!loaded.ok) return undefined;
  return loadAnswers(answersFile, loaded.loaded.runbook);
}
