// `cutover resume <bundle-dir>`: continues a paused, interrupted or crashed
// run from the same place. A torn journal tail is repaired and attempts that
// were running are recorded as interrupted (never as passed).
import { parseCommandArgs } from '../args.js';
import { EXIT, InputError } from '../errors.js';
import type { CliIO } from '../io.js';
import { Session } from '../../session/session.js';
import { runFrontEnd } from './front-end.js';

export const HELP = `Usage: cutover resume <bundle-dir> [--plain] [--answers FILE] [--operator NAME]

Continues a run from its evidence bundle: after a pause (exit 3), Ctrl-C, a
dropped connection or a crash. Every acknowledged event is kept; a command
that was running is recorded as interrupted and runs again as a new attempt.

Options:
  --answers FILE    answers for the remaining manual steps (see docs/runbook-format.md)
  --operator NAME   who continues the run (default: the operator who started it)
  --plain           line output
  -h, --help

Exit codes as for \`cutover run\`.`;

export async function main(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs('resume', args, {
    plain: { type: 'boolean' },
    answers: { type: 'string' },
    operator: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.out(HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new InputError('resume: give exactly one bundle directory', 'run `cutover resume evidence/<bundle>`');
  const session = Session.resume(positionals[0]!, { operator: values.operator });
  return runFrontEnd(session, { plain: values.plain ?? false, answersFile: values.answers, io });
}
