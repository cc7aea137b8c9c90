// Prepares `cutover demo`: copies checklists/demo (runbook, sandbox producer
// and consumer, answers) to a fresh sandbox directory (`cutover demo` makes
// it in the evidence directory; by default the OS temp dir), applies a scenario's
// edits to that copy, and makes the producer copy a git repository so the
// runbook's pin_commit gates have a real HEAD to compare. The package's own
// files are only ever read.
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { devNull, tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import { InputError } from '../shared/errors.js';

const run = promisify(execFile);

/** Where the demo lives inside the package, and what of it is copied. */
const DEMO_DIR = join('checklists', 'demo');
const SCENARIO_DIR = 'scenarios';
const RUNBOOK = 'demo.yaml';
const ANSWERS = 'answers.yaml';
const WORKSPACE = 'workspace';

export interface ScenarioExpectation {
  /** How the rehearsal ends: NO-GO, or a gate that stays red. */
  outcome: string;
  /** The rollback trigger of the matrix this scenario rehearses. */
  trigger: string;
  /** Step ids of demo.yaml that fail. */
  failing_steps: string[];
  /** A sandbox program that shows the failure, with what it prints. */
  sandbox: { workspace: 'producer' | 'consumer'; run: string[]; exit_code: number; output_contains: string[] }[];
}

export type ScenarioEdit =
  | { file: string; json_set: { path: string; value: unknown } }
  | { file: string; replace: { from: string; to: string } }
  | { file: string; delete: true };

export interface Scenario {
  name: string;
  description: string;
  expect: ScenarioExpectation;
  edits: ScenarioEdit[];
  /** Answers that replace the demo's (by step id), e.g. the NO-GO with its remediation. */
  answers?: Record<string, unknown>;
  /** Rollback triggers the scripted run declares ({id, note, after}), as in an answers file. */
  triggers?: unknown[];
}

export interface PreparedDemo {
  workDir: string;
  runbookPath: string;
  answersPath: string;
  vars: Record<string, string>;
  scenario?: { name: string; description: string; expect: ScenarioExpectation };
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

export function listScenarios(packageRoot: string): { name: string; description: string }[] {
  return scenarioNames(packageRoot).map((name) => {
    const s = loadScenario(packageRoot, name);
    return { name: s.name, description: s.description };
  });
}

export async function prepareDemo(opts: PrepareOptions): Promise<PreparedDemo> {
  const source = join(opts.packageRoot, DEMO_DIR);
  if (!existsSync(join(source, RUNBOOK))) {
    throw new InputError(`the demo runbook ${join(source, RUNBOOK)} does not exist`, 'reinstall the package; checklists/demo is part of it');
  }
  // Load the scenario before copying anything, so a bad name leaves no temp dir behind.
  const scenario = opts.scenario === undefined ? undefined : loadScenario(opts.packageRoot, opts.scenario);

  const workDir = await mkdtemp(join(opts.tmpRoot ?? tmpdir(), opts.prefix ?? 'cutover-demo-'));
  try {
    await copyTree(source, workDir, (rel) => rel !== SCENARIO_DIR);
    const workspace = join(workDir, WORKSPACE);
    if (scenario) {
      for (const [i, edit] of scenario.edits.entries()) await applyEdit(workspace, edit, `${scenarioFile(opts.packageRoot, scenario.name)} edit ${i + 1}`);
      if (scenario.answers || scenario.triggers) await mergeAnswers(join(workDir, ANSWERS), scenario.answers ?? {}, scenario.triggers);
    }
    const producerRoot = join(workspace, 'producer');
    const producerCommit = await commitProducer(producerRoot);
    return {
      workDir,
      runbookPath: join(workDir, RUNBOOK),
      answersPath: join(workDir, ANSWERS),
      vars: { producer_root: producerRoot, consumer_root: join(workspace, 'consumer'), producer_commit: producerCommit },
      scenario: scenario && { name: scenario.name, description: scenario.description, expect: scenario.expect },
    };
  } catch (err) {
    await rm(workDir, { recursive: true, force: true });
    throw err;
  }
}

function scenarioNames(packageRoot: string): string[] {
  const dir = join(packageRoot, DEMO_DIR, SCENARIO_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}

function scenarioFile(packageRoot: string, name: string): string {
  return join(packageRoot, DEMO_DIR, SCENARIO_DIR, `${name}.yaml`);
}

function loadScenario(packageRoot: string, name: string): Scenario {
  const names = scenarioNames(packageRoot);
  if (!names.includes(name)) {
    throw new InputError(`unknown demo scenario "${name}"`, names.length ? `use one of: ${names.join(', ')}` : 'this installation ships no scenarios; run `cutover demo` without --scenario');
  }
  const file = scenarioFile(packageRoot, name);
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InputError(`scenario file ${file} is not valid YAML: ${(err as Error).message}`, 'fix the YAML syntax');
  }
  return validateScenario(file, name, doc);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks the shape of a scenario file; every problem names the file and the key. */
function validateScenario(file: string, name: string, doc: unknown): Scenario {
  const bad = (what: string): never => {
    throw new InputError(`scenario file ${file}: ${what}`, 'a scenario has description, expect {outcome, trigger, failing_steps, sandbox} and a list of edits; see docs/runbook-format.md');
  };
  if (!isObject(doc)) return bad('the top level must be a mapping');
  if (typeof doc.description !== 'string' || !doc.description.trim()) bad('description must be a non-empty string');
  const expect = doc.expect;
  if (!isObject(expect)) return bad('expect must be a mapping');
  if (typeof expect.outcome !== 'string' || typeof expect.trigger !== 'string') bad('expect.outcome and expect.trigger must be strings');
  if (!Array.isArray(expect.failing_steps) || !expect.failing_steps.every((s) => typeof s === 'string')) bad('expect.failing_steps must be a list of step ids');
  if (!Array.isArray(expect.sandbox)) bad('expect.sandbox must be a list');
  (expect.sandbox as unknown[]).forEach((s, i) => {
    if (!isObject(s) || (s.workspace !== 'producer' && s.workspace !== 'consumer') || !Array.isArray(s.run) || typeof s.exit_code !== 'number' || !Array.isArray(s.output_contains)) {
      bad(`expect.sandbox[${i}] needs workspace (producer|consumer), run (argv list), exit_code and output_contains`);
    }
  });
  if (!Array.isArray(doc.edits) || doc.edits.length === 0) bad('edits must be a non-empty list');
  (doc.edits as unknown[]).forEach((e, i) => {
    const where = `edits[${i}]`;
    if (!isObject(e) || typeof e.file !== 'string' || !e.file) return bad(`${where}.file must name a file of the workspace copy`);
    const ops = ['json_set', 'replace', 'delete'].filter((k) => k in e);
    if (ops.length !== 1) bad(`${where} must have exactly one of json_set, replace, delete`);
    if ('json_set' in e && !(isObject(e.json_set) && typeof e.json_set.path === 'string' && 'value' in e.json_set)) bad(`${where}.json_set needs path and value`);
    if ('replace' in e && !(isObject(e.replace) && typeof e.replace.from === 'string' && e.replace.from && typeof e.replace.to === 'string')) bad(`${where}.replace needs from (non-empty) and to`);
    if ('delete' in e && e.delete !== true) bad(`${where}.delete must be true`);
  });
  if (doc.answers !== undefined && !isObject(doc.answers)) bad('answers must be a mapping of step id to answer');
  if (doc.triggers !== undefined && !Array.isArray(doc.triggers)) bad('triggers must be a list of {id, note, after}');
  return {
    name,
    description: (doc.description as string).trim(),
    expect: expect as unknown as ScenarioExpectation,
    edits: doc.edits as ScenarioEdit[],
    answers: doc.answers as Record<string, unknown> | undefined,
    triggers: doc.triggers as unknown[] | undefined,
  };
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

/** Resolves a scenario's file inside the workspace copy; a path that escapes it is a broken scenario. */
function workspaceFile(workspace: string, file: string, where: string): string {
  const full = resolve(workspace, file);
  if (full !== workspace && !full.startsWith(workspace + sep)) throw new InputError(`${where}: ${file} is outside the demo workspace`, 'name a file under workspace/, e.g. producer/...');
  return full;
}

async function applyEdit(workspace: string, edit: ScenarioEdit, where: string): Promise<void> {
  const full = workspaceFile(workspace, edit.file, where);
  if (!existsSync(full)) throw new InputError(`${where}: ${edit.file} does not exist in the demo workspace`, 'the scenario is out of date with the sandbox files; fix its file path');
  if ('delete' in edit) {
    await rm(full);
    return;
  }
  const text = await readFile(full, 'utf8');
  if ('replace' in edit) {
    const count = text.split(edit.replace.from).length - 1;
    // Exactly once: a scenario that silently edits nothing, or the wrong spot, would prove nothing.
    if (count !== 1) throw new InputError(`${where}: ${JSON.stringify(edit.replace.from)} occurs ${count} times in ${edit.file}, expected exactly once`, 'make `from` match one place of the sandbox file');
    await writeFile(full, text.replace(edit.replace.from, () => edit.replace.to));
    return;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new InputError(`${where}: ${edit.file} is not JSON, so json_set cannot edit it`, 'use replace for non-JSON files');
  }
  setJsonPath(doc, edit.json_set.path, edit.json_set.value, where);
  // The sandbox JSON files are written in exactly this format, so only the edited value changes.
  await writeFile(full, `${JSON.stringify(doc, null, 2)}\n`);
}

/** Parses `a.b[0].c` into ['a', 'b', 0, 'c']. */
export function parseJsonPath(path: string): (string | number)[] {
  const parts: (string | number)[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) parts.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  return parts;
}

function setJsonPath(doc: unknown, path: string, value: unknown, where: string): void {
  const parts = parseJsonPath(path);
  if (parts.length === 0) throw new InputError(`${where}: empty json_set path`, 'write a path like error_code_enum[3] or active_runtime_baseline.commit_sha');
  let cur: unknown = doc;
  for (const [i, part] of parts.entries()) {
    const last = i === parts.length - 1;
    const container = cur as Record<string | number, unknown>;
    const ok = typeof part === 'number' ? Array.isArray(cur) && part < cur.length + (last ? 1 : 0) : isObject(cur);
    if (!ok) throw new InputError(`${where}: json_set path ${path} does not exist (at ${String(part)})`, 'the scenario is out of date with the sandbox file; fix the path');
    if (last) container[part] = value;
    else cur = container[part];
  }
}

async function mergeAnswers(file: string, overrides: Record<string, unknown>, triggers?: unknown[]): Promise<void> {
  const doc = (parse(await readFile(file, 'utf8')) ?? {}) as { answers?: Record<string, unknown>; triggers?: unknown[] };
  doc.answers = { ...(doc.answers ?? {}), ...overrides };
  if (triggers) doc.triggers = [...(doc.triggers ?? []), ...triggers];
  await writeFile(file, stringify(doc));
}

/** The sandbox commit, one shell for the three git commands: one process for Node to spawn, and the chain goes on while Node loads the run. */
const COMMIT_SCRIPT = 'git "$@" init -q && git "$@" add -A && git "$@" commit -q --no-verify -m "sandbox producer for the cutover demo"';

async function commitProducer(dir: string): Promise<string> {
  const env = { ...process.env, ...GIT_ENV };
  const config = ['-c', 'init.defaultBranch=main', '-c', 'core.autocrlf=false', '-c', 'commit.gpgsign=false'];
  try {
    await run('sh', ['-c', COMMIT_SCRIPT, 'sh', ...config], { cwd: dir, env });
    // The new branch's ref, read instead of asking git once more (a process less before the first screen).
    const head = (await readFile(join(dir, '.git', 'refs', 'heads', 'main'), 'utf8').catch(() => '')).trim();
    if (/^[0-9a-f]{40}$/.test(head)) return head;
    const { stdout } = await run('git', [...config, 'rev-parse', 'HEAD'], { cwd: dir, env });
    return stdout.trim();
  } catch (err) {
    const e = err as Omit<NodeJS.ErrnoException, 'code'> & { stderr?: string; code?: string | number };
    // 127: the shell found no git on PATH.
    if (e.code === 'ENOENT' || e.code === 127) throw new InputError('the demo needs git, which is not on PATH', 'install git; the demo commits the sandbox producer so its gates can check the pinned commit');
    throw new InputError(`could not make the sandbox producer a git repository in ${dir}: ${e.stderr?.trim() || e.message}`, 'check that git works in the temporary directory (see `git --version`)');
  }
}
