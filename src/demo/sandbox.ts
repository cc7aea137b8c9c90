// The demo's sandbox (`cutover demo`): copies checklists/demo (runbook,
// sandbox producer and consumer, answers) to a fresh directory (`cutover
// demo` makes it in the evidence directory; by default the OS temp dir),
// applies a scenario's edits to that copy (demo/prepare.ts), and makes the
// producer copy a git repository so the runbook's pin_commit gates have a
// real HEAD to compare. The package's own files are only ever read.
//
// Kept apart from the scenarios (which need the YAML parser) so that
// `cutover demo` starts the copy and the sandbox commit before it loads the
// rest of the run: the commit's git processes run while the run's code
// loads and the runbook is read (stageDemo).
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { devNull, tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { InputError } from '../shared/errors.js';
import { parseStatusV2, STATUS_ARGS, type KnownStatus } from '../runbook/pin-checkout.js';
import type { ScenarioExpectation } from './prepare.js';

const run = promisify(execFile);

/** Where the demo lives inside the package, and what of it is copied. */
export const DEMO_DIR = join('checklists', 'demo');
export const SCENARIO_DIR = 'scenarios';
const RUNBOOK = 'demo.yaml';
export const ANSWERS = 'answers.yaml';
export const WORKSPACE = 'workspace';

export interface PreparedDemo {
  workDir: string;
  runbookPath: string;
  answersPath: string;
  vars: Record<string, string>;
  scenario?: { name: string; description: string; expect: ScenarioExpectation };
  /** The producer's status read right after its commit, for the preflight of the run started at once (Session.start's checkoutStatus). */
  producerStatus?: KnownStatus;
}

export interface PrepareOptions {
  scenario?: string;
  /** The directory that contains checklists/ (the installed package). */
  packageRoot: string;
  /** Parent of the sandbox directory (default: the OS temp dir; `cutover demo` uses the evidence directory). */
  tmpRoot?: string;
  /** The sandbox directory's name before its random suffix (default `cutover-demo-`). */
  prefix?: string;
}

/** A sandbox copied (and a scenario applied) whose producer is being committed. */
export interface StagedDemo {
  workDir: string;
  runbookPath: string;
  answersPath: string;
  /** The sandbox commit, already running: the prepared demo (the sandbox is removed if it fails). */
  ready: Promise<PreparedDemo>;
}

/**
 * A fixed identity and clock for the sandbox commit: it works on machines
 * without a git identity, and the same tree always gets the same HEAD.
 */
const GIT_ENV = {
  GIT_AUTHOR_NAME: 'cutover demo',
  GIT_AUTHOR_EMAIL: 'demo@cutover.invalid',
  GIT_COMMITTER_NAME: 'cutover demo',
  GIT_COMMITTER_EMAIL: 'demo@cutover.invalid',
  GIT_AUTHOR_DATE: '2026-02-08T12:00:00Z',
  GIT_COMMITTER_DATE: '2026-02-08T12:00:00Z',
  // Ignore the user's and the system's git config (signing, hooks, templates).
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: devNull,
};

/** Copies the sandbox and applies the scenario, then starts committing the producer copy; returns without waiting for the commit. */
export async function stageDemo(opts: PrepareOptions): Promise<StagedDemo> {
  const source = join(opts.packageRoot, DEMO_DIR);
  if (!existsSync(join(source, RUNBOOK))) {
    throw new InputError(`the demo runbook ${join(source, RUNBOOK)} does not exist`, 'reinstall the package; checklists/demo is part of it');
  }
  // Load the scenario before copying anything, so a bad name leaves no temp dir behind.
  const scenarios = opts.scenario === undefined ? undefined : await import('./prepare.js');
  const scenario = scenarios?.loadScenario(opts.packageRoot, opts.scenario!);

  const workDir = await mkdtemp(join(opts.tmpRoot ?? tmpdir(), opts.prefix ?? 'cutover-demo-'));
  const removeSandbox = async (err: unknown): Promise<never> => {
    await rm(workDir, { recursive: true, force: true });
    throw err;
  };
  try {
    await copyTree(source, workDir, (rel) => rel !== SCENARIO_DIR);
    if (scenario) await scenarios!.applyScenario(opts.packageRoot, workDir, scenario);
  } catch (err) {
    return removeSandbox(err);
  }
  const workspace = join(workDir, WORKSPACE);
  const producerRoot = join(workspace, 'producer');
  const ready = commitProducer(producerRoot).then(
    ({ head, status }): PreparedDemo => ({
      workDir,
      runbookPath: join(workDir, RUNBOOK),
      answersPath: join(workDir, ANSWERS),
      vars: { producer_root: producerRoot, consumer_root: join(workspace, 'consumer'), producer_commit: head },
      scenario: scenario && { name: scenario.name, description: scenario.description, expect: scenario.expect },
      ...(status !== undefined ? { producerStatus: { dir: producerRoot, output: status } } : {}),
    }),
    removeSandbox,
  );
  // Awaited by the caller once it has done what it can meanwhile; never an unhandled rejection before that.
  ready.catch(() => {});
  return { workDir, runbookPath: join(workDir, RUNBOOK), answersPath: join(workDir, ANSWERS), ready };
}

/** Copies a tree, the entries of a directory at once (the demo's first screen waits for this). */
async function copyTree(from: string, to: string, include: (rel: string) => boolean, base = from): Promise<void> {
  await mkdir(to, { recursive: true });
  const entries = await readdir(from, { withFileTypes: true });
  await Promise.all(
    entries.map((entry) => {
      const src = join(from, entry.name);
      const rel = relative(base, src).split(sep).join('/');
      if (!include(rel)) return undefined;
      const dst = join(to, entry.name);
      if (entry.isDirectory()) return copyTree(src, dst, include, base);
      return entry.isFile() ? copyFile(src, dst) : undefined;
    }),
  );
}

/**
 * The sandbox commit, one shell for the git commands: one process for Node
 * to spawn, and the chain goes on while Node loads the run. `--template=`: no
 * sample hooks copied into the sandbox's .git (none would run anyway). The
 * chain ends with the status the preflight reads of a pinned checkout (its
 * HEAD and tracked changes), read under the same neutral git config as the
 * commit that made the tree, and handed to the run's preflight
 * (PreparedDemo.producerStatus), which then needs no git process of its own
 * for the sandbox producer. The status is best effort: where it fails (an
 * older git), the commit stands and the preflight asks git itself.
 */
const COMMIT_SCRIPT = `git "$@" init -q --template= && git "$@" add -A && git "$@" commit -q --no-verify -m "sandbox producer for the cutover demo" && { git ${STATUS_ARGS.join(' ')} || true; }`;

async function commitProducer(dir: string): Promise<{ head: string; status?: string }> {
  const env = { ...process.env, ...GIT_ENV };
  // maintenance.auto=false: `git commit` would otherwise run `git maintenance run --auto` (one more process) before it returns.
  const config = ['-c', 'init.defaultBranch=main', '-c', 'core.autocrlf=false', '-c', 'commit.gpgsign=false', '-c', 'maintenance.auto=false'];
  try {
    const { stdout: status } = await run('sh', ['-c', COMMIT_SCRIPT, 'sh', ...config], { cwd: dir, env });
    // HEAD from that status, instead of asking git once more (a process less before the first screen).
    const head = parseStatusV2(status)?.head;
    if (head !== undefined) return { head, status };
    const { stdout } = await run('git', [...config, 'rev-parse', 'HEAD'], { cwd: dir, env });
    return { head: stdout.trim() };
  } catch (err) {
    const e = err as Omit<NodeJS.ErrnoException, 'code'> & { stderr?: string; code?: string | number };
    // 127: the shell found no git on PATH.
    if (e.code === 'ENOENT' || e.code === 127) throw new InputError('the demo needs git, which is not on PATH', 'install git; the demo commits the sandbox producer so its gates can check the pinned commit');
    throw new InputError(`could not make the sandbox producer a git repository in ${dir}: ${e.stderr?.trim() || e.message}`, 'check that git works in the temporary directory (see `git --version`)');
  }
}
