// `cutover resume <bundle-dir>`: continues a paused, interrupted or crashed
// run from the same place. A torn journal tail is repaired and attempts that
// were running are recorded as interrupted (never as passed).
import { parseCommandArgs, parseVarFlags, type OptionSpec } from '../args.js';
import { operatorPrincipalOf } from '../operator-principal.js';
import { EXIT, InputError } from '../errors.js';
import type { CliIO } from '../io.js';
import { repairRollbackLink } from '../../session/rollback-repair.js';
import { Session } from '../../session/session.js';
import { planRetries } from '../../session/retry-check.js';
import { answersFor, preloadScreen, runFrontEnd } from './front-end.js';
import { isBundleDir, RUNBOOK_COPY } from '../../evidence/bundle.js';
import { join } from 'node:path';
import { JOURNAL_FILE, readJournal } from '../../evidence/journal.js';

export const HELP = `Usage: cutover resume <bundle-dir> [--answers FILE] [--operator NAME]
                      [--operator-principal NAME] [--var KEY=VALUE]...
                      [--retry STEP]... [--retry-failed] [--plain] [--json]

Continues a run from its evidence bundle: after a pause (exit 3), Ctrl-C, a
dropped connection or a crash. Every acknowledged event is kept; a command
that was running is recorded as interrupted and runs again as a new attempt.

Options:
  --answers FILE    answers for the remaining manual steps (section "Answers
                    file" of docs/runbook-format.md, in the package)
  --operator NAME   who continues the run (default: the operator who started it)
  --operator-principal NAME
                    your principal in the bundle's allowed-signers copy
                    (signed runbooks; or $CUTOVER_OPERATOR_PRINCIPAL): its
                    keys may not sign as an approver, and sign the decision
  --var KEY=VALUE   the value of a secret var again (secrets are not stored in
                    the bundle); other vars keep the values the run started with
  --retry STEP      run this command or check step again first, as a new
                    attempt (repeatable) — after fixing what made it fail, or
                    to refresh evidence older than max_age
  --retry-failed    run every failed or interrupted command and check step
                    again first
  --plain           the plain line log instead of the interactive screen
  --json            print one JSON summary on stdout at the end, as
                    \`cutover run --json\` does (the plain log goes to stderr)
  -h, --help

A closed run is not resumed (exit 2). After a NO-GO, fix what failed and
start a new run linked to it: \`cutover run <runbook> --reopen <bundle-dir>\`.

Exit codes as for \`cutover run\`; 2 when the run is already closed.`;

export const OPTIONS = {
  plain: { type: 'boolean' },
  answers: { type: 'string' },
  operator: { type: 'string' },
  'operator-principal': { type: 'string' },
  var: { type: 'string', multiple: true },
  retry: { type: 'string', multiple: true },
  'retry-failed': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpec;

export async function main(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs('resume', args, OPTIONS);
  if (values.help) {
    io.out(HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new InputError('resume: give exactly one bundle directory', 'run `cutover resume evidence/<bundle>`');
  preloadScreen((values.plain ?? false) || (values.json ?? false));
  const dir = positionals[0]!;
  const answers = values.answers && isBundleDir(dir) ? answersFor(join(dir, RUNBOOK_COPY), values.answers, false) : undefined;
  // The sign-off rules, against the names in the answers file and everyone who operated the run: before it is opened.
  answers?.checkSigners(operatorsOf(dir, values.operator));
  const vars = parseVarFlags('resume', values.var);
  // Before the run is opened: a step that cannot run again is refused with nothing written.
  const retry = planRetries(dir, values.retry ?? [], values['retry-failed'] ?? false);
  // A rollback run whose start was cut short before the cutover run named it: the back-link is recorded first (or refused with how to repair).
  const repaired = await repairRollbackLink(dir);
  if (repaired) io.err(repaired);
  const session = Session.resume(dir, { operator: values.operator, vars, ...operatorPrincipalOf(values['operator-principal']) });
  return runFrontEnd(session, { plain: values.plain ?? false, answers, io, retry, json: values.json ?? false });
}

/** Everyone who has operated the run (started or resumed it), and who continues it now. */
function operatorsOf(dir: string, explicit: string | undefined): string[] {
  const ops = readJournal(join(dir, JOURNAL_FILE)).events.flatMap((e) => (e.type === 'run.started' || e.type === 'run.resumed' ? [e.operator] : []));
  return explicit !== undefined ? [...ops, explicit] : ops;
}
