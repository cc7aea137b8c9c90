// Picks the front end for a session and releases the bundle afterwards.
// The interactive screen is not built yet, so every run uses the plain
// reporter; a terminal user is told so once.
import type { CliIO } from '../io.js';
import { drivePlain } from '../../plain/drive.js';
import { LineReporter } from '../../plain/reporter.js';
import { loadAnswers } from '../../session/answers.js';
import type { Session } from '../../session/session.js';

export async function runFrontEnd(session: Session, opts: { plain: boolean; answersFile?: string; io: CliIO }): Promise<number> {
  try {
    const answers = opts.answersFile ? loadAnswers(opts.answersFile, session.runbook) : undefined;
    const reporter = new LineReporter((t) => opts.io.out(t));
    const result = await drivePlain(session, answers, reporter);
    return result.exitCode;
  } finally {
    session.release();
  }
}
