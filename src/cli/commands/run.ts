// `cutover run <runbook>`: starts a run and drives it. Without a TTY (or with
// --plain) the plain line reporter walks it with the answers file.
import { parseCommandArgs, parseVarFlags, type OptionSpec } from '../args.js';
import { EXIT, InputError } from '../errors.js';
import type { CliIO } from '../io.js';
import type { Mode } from '../../runbook/types.js';
import { Session } from '../../session/session.js';
import { resolveOperator } from '../../session/identity.js';
import { readReopening, type Reopening } from '../../session/reopen.js';
import { loadRunbook } from '../../runbook/load.js';
import { answersFor, preloadScreen, runFrontEnd } from './front-end.js';
import { dryRun } from './dry-run.js';
import { operatorPrincipalOf } from '../operator-principal.js';
import { rollbackOrigin, startLinkedRollback } from '../../session/rollback-start.js';
import { checkRollbackAnswers, splitRollbackVars, thenRollback } from './run-rollback.js';

export const HELP = `Usage: cutover run <runbook> [--mode rehearsal|cutover] [--var KEY=VALUE]...
                   [--evidence-dir DIR] [--operator NAME] [--answers FILE]
                   [--operator-principal NAME]
                   [--plain] [--json] [--reopen BUNDLE] [--from BUNDLE]
                   [--rollback-answers FILE] [--dry-run]

Starts a run of the runbook: every command and check runs live, every event
is journaled into a new evidence bundle (default ./evidence/<UTC>_<id>/), and
the GO decision stays locked until every gate is green and the joint
sign-off is recorded.

Options:
  --mode MODE         rehearsal (default) or cutover; a rehearsal runs every
                      command for real, is marked REHEARSAL everywhere and can
                      never produce a runtime-cutover GO
  --var KEY=VALUE     set a declared runbook var (repeatable)
  --evidence-dir DIR  where the bundle directory is created (default ./evidence)
  --operator NAME     who runs it (default: git user.name, else the login name)
  --operator-principal NAME
                      your principal in the runbook's allowed-signers file
                      (signed runbooks; or $CUTOVER_OPERATOR_PRINCIPAL): its
                      keys may not sign as an approver, and sign the decision
  --plain             the plain line log instead of the interactive screen
                      (the screen opens only when stdin and stdout are
                      terminals; CI, pipes and files always get the log)
  --answers FILE      YAML answers for manual steps, inputs, sign-offs and the
                      decision (see docs/runbook-format.md); without an answer
                      the plain run pauses at that step and exits 3; on the
                      screen they prefill the forms as editable defaults
  --json              print one JSON summary of the run on stdout at the end
                      (outcome, bundle, step counts, decision, exit code, how
                      to resume); the plain log goes to stderr (implies --plain)
  --reopen BUNDLE     start a new run linked to a closed one (after a NO-GO:
                      fix, then run again); the new run.started names the old
                      run and its journal's last hash; --mode and the vars
                      default to the old run's
  --from BUNDLE       start this rollback runbook from a cutover run with an
                      open rollback trigger: its mode, vars and trigger carry
                      over (give vars it lacks with --var); the new bundle
                      (beside it) and the cutover journal name each other
  --rollback-answers FILE
                      when this run stops with a rollback trigger open, start
                      the runbook's rollback runbook at once (as --from
                      would) and answer it from FILE; give the vars only the
                      rollback runbook declares with --var (passed on to it)
  --dry-run           execute nothing and write nothing (no bundle): show
                      every step as it would run (resolved command, cwd, env
                      names, secrets masked; what each manual step asks and
                      the answer given) and the GO lock as if every step
                      passed; exit 0 if that GO would be unlockable, else 1
                      (with --json: the same as one JSON document)
  -h, --help

Exit codes: 0 GO (or all steps passed), 1 NO-GO / a failed gate / GO refused,
2 bad input, 3 paused (resume with \`cutover resume <bundle>\`), 130 Ctrl-C.`;

export const OPTIONS = {
  mode: { type: 'string' },
  var: { type: 'string', multiple: true },
  'evidence-dir': { type: 'string' },
  operator: { type: 'string' },
  'operator-principal': { type: 'string' },
  plain: { type: 'boolean' },
  answers: { type: 'string' },
  json: { type: 'boolean' },
  reopen: { type: 'string' },
  from: { type: 'string' },
  'rollback-answers': { type: 'string' },
  'dry-run': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpec;

export async function main(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs('run', args, OPTIONS);
  if (values.help) {
    io.out(HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new InputError('run: give exactly one runbook', 'run `cutover run checklists/service-v3-cutover-day.yaml --mode rehearsal`');
  preloadScreen((values.plain ?? false) || (values.json ?? false) || (values['dry-run'] ?? false));
  // A run reopened after a NO-GO takes the closed run's mode and vars unless given.
  const reopening = values.reopen !== undefined ? reopeningFor(positionals[0]!, values.reopen) : undefined;
  if (values.from !== undefined && (values.reopen !== undefined || values['dry-run'])) throw new InputError(`run: --from cannot go with --${values.reopen !== undefined ? 'reopen' : 'dry-run'}`, 'start the rollback run with --from alone');
  const linked = values.from !== undefined ? { runbookPath: positionals[0]!, from: values.from, vars: parseVarFlags('run', values.var), ...(values.mode ? { mode: values.mode as Mode } : {}), ...(values['evidence-dir'] ? { evidenceDir: values['evidence-dir'] } : {}), ...(values.operator ? { operator: values.operator } : {}) } : undefined;
  const origin = linked ? rollbackOrigin(linked) : undefined;
  const mode = (values.mode ?? reopening?.mode ?? origin?.mode ?? 'rehearsal') as Mode;
  if (mode !== 'rehearsal' && mode !== 'cutover') throw new InputError(`run: --mode must be rehearsal or cutover, not "${values.mode}"`, 'use --mode rehearsal to rehearse (every command runs for real, no runtime-cutover GO), --mode cutover on cutover day; --dry-run executes nothing');
  // The answers file is checked before the bundle exists, so a typo in it
  // leaves no half-started run behind.
  // With the run's vars, so that an input's equals: is checked against the pins here.
  const answers = values.answers ? answersFor(positionals[0]!, values.answers, true, { ...reopening?.vars, ...origin?.vars, ...parseVarFlags('run', values.var) }) : undefined;
  // The sign-off rules, against the names in the answers file: refused now, not at the decision.
  answers?.checkSigners([resolveOperator(values.operator)]);
  if (values['rollback-answers'] !== undefined) {
    if (values.from !== undefined || values.json || values['dry-run']) throw new InputError('run: --rollback-answers goes with a cutover run, not with --from, --json or --dry-run', 'drop one of them');
    checkRollbackAnswers(positionals[0]!, values['rollback-answers'], parseVarFlags('run', values.var));
  }
  if (values['dry-run']) {
    if (values.reopen !== undefined || values['evidence-dir'] !== undefined) throw new InputError(`run: --dry-run writes nothing, so --${values.reopen !== undefined ? 'reopen' : 'evidence-dir'} has no effect with it`, 'drop that flag, or drop --dry-run to start a real run');
    return dryRun({ runbookPath: positionals[0]!, mode, vars: parseVarFlags('run', values.var), ...(values.operator !== undefined ? { operator: values.operator } : {}), ...(answers ? { answers } : {}), json: values.json ?? false }, io);
  }
  if (linked && origin) {
    const { session, back } = await startLinkedRollback(linked, origin);
    const t = origin.link.trigger;
    (values.json ? io.err : io.out)(`Rollback of ${origin.link.run_id} for trigger ${t.id} (${t.severity}, identified ${t.identified_at}); linked both ways with ${session.relative(origin.link.bundle)} (its journal seq ${back.seq} names this run)`);
    return runFrontEnd(session, { plain: values.plain ?? false, answers, io, json: values.json ?? false });
  }
  const session = Session.start({
    runbookPath: positionals[0]!,
    mode,
    // With --rollback-answers, a --var only the rollback runbook declares is kept for the rollback run.
    vars: { ...reopening?.vars, ...(values['rollback-answers'] !== undefined ? splitRollbackVars(positionals[0]!, parseVarFlags('run', values.var)).cutover : parseVarFlags('run', values.var)) },
    evidenceDir: values['evidence-dir'],
    operator: values.operator,
    ...operatorPrincipalOf(values['operator-principal']),
    ...(reopening ? { reopens: reopening.link } : {}),
  });
  if (reopening) {
    const { run_id, outcome, journal_head } = reopening.link;
    (values.json ? io.err : io.out)(`Reopens ${run_id} (${outcome}) from ${session.relative(reopening.link.bundle)}; its journal ends with ${journal_head}`);
  }
  const code = await runFrontEnd(session, { plain: values.plain ?? false, answers, io, json: values.json ?? false });
  const rollbackAnswers = values['rollback-answers'];
  return rollbackAnswers !== undefined ? thenRollback(session, code, rollbackAnswers, { plain: values.plain ?? false, io, vars: parseVarFlags('run', values.var) }) : code;
}

/** The closed run --reopen names, read against the runbook (an invalid runbook is left to the run to report). */
function reopeningFor(runbookFile: string, bundleDir: string): Reopening | undefined {
  const loaded = loadRunbook(runbookFile);
  return loaded.ok ? readReopening(bundleDir, loaded.loaded.runbook) : undefined;
}
