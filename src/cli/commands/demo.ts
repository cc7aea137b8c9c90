// `cutover demo [--plain] [--scenario NAME]`: a self-contained rehearsal of
// the cutover day on a sandbox producer + consumer copied into the evidence
// directory (the package's files are never written, the temp dir is not used). Without a TTY it answers the manual
// steps from the demo's own answers file.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCommandArgs, type OptionSpec } from '../args.js';
import { operatorPrincipalOf } from '../operator-principal.js';
import { EXIT, InputError } from '../errors.js';
import type { CliIO } from '../io.js';
import { stageDemo } from '../../demo/sandbox.js';
import type { Session } from '../../session/session.js';
import { preloadScreen, wantsScreen } from '../screen-preload.js';
import { makeSignedDemo, SIGNED_DESCRIPTION, SIGNED_SCENARIO, startDemoApprovers } from '../../demo/signed.js';

export const HELP = `Usage: cutover demo [--plain] [--scenario NAME] [--list] [--evidence-dir DIR]
                    [--json] [--operator-principal NAME]

Runs a self-contained rehearsal of the service.v3 cutover day: a sandbox
producer and consumer workspace (real node programs checking real contract
files) is copied into the evidence directory (.demo-sandbox-<random>, kept
so a paused demo resumes against it; nothing goes to the temp directory),
optionally broken by a scenario, and the demo runbook runs against it. In a
terminal you drive it on the interactive screen, the demo's answers
prefilled in every form (Enter walks it); without a terminal, or with
--plain, the answers are given by themselves and the plain log is printed.
The evidence bundle is written under ./evidence (or --evidence-dir).

Options:
  --scenario NAME     break something first to rehearse a NO-GO / rollback
                      (run \`cutover demo --list\` to see the scenarios);
                      envelope then rehearses the rollback protocol, linked
                      to the cutover run, and exits 0 once that rollback
                      ends with "Rollback complete"
  --list              list the scenarios
  --evidence-dir DIR  where the bundle is written (default ./evidence)
  --plain             the plain line log, answered by the demo's answers
  --json              print one JSON summary of the run on stdout at the end,
                      as \`cutover run --json\` does (the log goes to stderr)
  --operator-principal NAME
                      (--scenario signed) the operator's principal in the
                      demo's allowed-signers file, as \`cutover run\` takes it
  -h, --help`;

export const OPTIONS = {
  plain: { type: 'boolean' },
  scenario: { type: 'string' },
  list: { type: 'boolean' },
  'evidence-dir': { type: 'string' },
  json: { type: 'boolean' },
  'operator-principal': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpec;

/** The demo's sandbox directory in the evidence directory: `.demo-sandbox-<random>` (hidden; never a bundle). */
export const SANDBOX_PREFIX = '.demo-sandbox-';

export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'checklists', 'demo'))) return dir;
    dir = resolve(dir, '..');
  }
  throw new InputError('cannot find the demo files (checklists/demo) next to the cutover program', 'reinstall the package; the checklists folder is part of it');
}

export async function main(args: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs('demo', args, OPTIONS, false);
  if (values.help) {
    io.out(HELP);
    return EXIT.ok;
  }
  const root = packageRoot();
  if (values.list) {
    const { listScenarios } = await import('../../demo/prepare.js');
    const all = [...listScenarios(root), { name: SIGNED_SCENARIO, description: SIGNED_DESCRIPTION }];
    const width = Math.max(...all.map((s) => s.name.length)) + 2;
    for (const s of all) io.out(`${s.name.padEnd(width)}${s.description}`);
    return EXIT.ok;
  }
  preloadScreen((values.plain ?? false) || (values.json ?? false));
  // The sandbox lives beside the bundles, in the evidence directory: a paused
  // demo resumes against it, and nothing is left in the temp directory.
  const evidenceDir = resolve(values['evidence-dir'] ?? 'evidence');
  mkdirSync(evidenceDir, { recursive: true });
  const signedDemo = values.scenario === SIGNED_SCENARIO;
  // The sandbox is copied and its producer commit started first; while git
  // commits it, the rest of the run's code loads and the runbook copy is read
  // (not the signed scenario's: its copy is rewritten after the commit).
  const staged = await stageDemo({ scenario: signedDemo ? undefined : values.scenario, packageRoot: root, tmpRoot: evidenceDir, prefix: SANDBOX_PREFIX });
  const [{ Session }, { runFrontEnd }, { loadAnswers }, { loadRunbook }] = await Promise.all([import('../../session/session.js'), import('./front-end.js'), import('../../session/answers.js'), import('../../runbook/load.js')]);
  const read = signedDemo ? undefined : loadRunbook(staged.runbookPath);
  const demo = await staged.ready;
  // The signed scenario (docs/signoffs.md): signers: in the runbook copy, two demo approvers with DEMO keys.
  const approvers = signedDemo ? await makeSignedDemo(demo.workDir) : undefined;
  if (signedDemo) demo.scenario = { name: SIGNED_SCENARIO, description: SIGNED_DESCRIPTION, expect: { outcome: 'GO', trigger: '', failing_steps: [], sandbox: [] } };
  // With --json stdout carries only the summary: the rest is log, on stderr.
  const log = values.json ? io.err : io.out;
  if (demo.scenario) log(`scenario ${demo.scenario.name}: ${demo.scenario.description}\n`);
  log(`sandbox: ${demo.workDir}`);
  // A scenario that rehearses the rollback (rollback: true): the sandbox producer's last good release, carried to the rollback run.
  const rollbackDemo = !signedDemo && values.scenario !== undefined ? await import('./demo-rollback.js') : undefined;
  const rehearsesRollback = rollbackDemo?.scenarioRehearsesRollback(root, values.scenario) === true;
  const vars = rehearsesRollback ? await rollbackDemo!.lastGoodVars(root, demo.vars) : demo.vars;
  let session: Session;
  try {
    session = Session.start({
      runbookPath: demo.runbookPath,
      // Read above; a runbook with problems is read again by the session, which reports them.
      ...(read?.ok ? { loaded: read.loaded } : {}),
      mode: 'rehearsal',
      vars,
      // The producer's status, read by the sandbox chain right after its commit: the preflight asks git no more for it.
      ...(demo.producerStatus ? { checkoutStatus: demo.producerStatus } : {}),
      evidenceDir,
      operator: 'Demo Captain',
      ...operatorPrincipalOf(values['operator-principal']),
    });
  } catch (err) {
    rmSync(demo.workDir, { recursive: true, force: true }); // no run uses it
    throw err;
  }
  // In a terminal the operator drives the demo, its answers prefilled as editable defaults; without one they answer it.
  const note = demo.scenario ? `scenario ${demo.scenario.name}: ${demo.scenario.description}` : 'the demo: every form comes filled in — Enter walks it, ? shows every key';
  // The screen owns the terminal: the demo approvers print only to the plain log.
  const signing = approvers && startDemoApprovers(session.bundleDir, approvers, wantsScreen((values.plain ?? false) || (values.json ?? false)) ? () => {} : log);
  let code: number;
  try {
    code = await runFrontEnd(session, { plain: values.plain ?? false, answers: loadAnswers(demo.answersPath, session.runbook), io, note, demo: true, json: values.json ?? false, ...(rehearsesRollback ? { rollbackAnswers: rollbackDemo!.rollbackAnswersOf(demo.workDir) } : {}) });
  } finally {
    signing?.stop();
  }
  // A scenario with `rollback: true` goes on with the rollback protocol, linked to this run (not with --json: one summary).
  // (From the screen's prompt the rollback has started already: this run is paused, not closed.)
  if (!values.json && rehearsesRollback && session.state.closed) {
    const rolled = await rollbackDemo!.rehearseRollback({ cutover: session, workDir: demo.workDir, evidenceDir, plain: values.plain ?? false, io, log });
    if (rolled !== undefined) return rolled;
  }
  return code;
}
