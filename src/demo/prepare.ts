// The demo's scenarios (`cutover demo --scenario NAME`): each breaks the
// sandbox copy in a known way — edits to its files, answers and triggers for
// the scripted run — to rehearse a NO-GO or a rollback. prepareDemo makes a
// sandbox (demo/sandbox.ts) with one applied.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { parse, stringify } from 'yaml';
import { InputError } from '../shared/errors.js';
import { ANSWERS, DEMO_DIR, SCENARIO_DIR, stageDemo, WORKSPACE, type PrepareOptions, type PreparedDemo } from './sandbox.js';

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

export type { PreparedDemo, PrepareOptions } from './sandbox.js';

export function listScenarios(packageRoot: string): { name: string; description: string }[] {
  return scenarioNames(packageRoot).map((name) => {
    const s = loadScenario(packageRoot, name);
    return { name: s.name, description: s.description };
  });
}

/** Prepares the demo's sandbox and waits for its producer commit (demo/sandbox.ts). */
export async function prepareDemo(opts: PrepareOptions): Promise<PreparedDemo> {
  return (await stageDemo(opts)).ready;
}

/** Applies a scenario's edits to the sandbox copy in `workDir`, and its answers and triggers to the copy's answers file. */
export async function applyScenario(packageRoot: string, workDir: string, scenario: Scenario): Promise<void> {
  const workspace = join(workDir, WORKSPACE);
  for (const [i, edit] of scenario.edits.entries()) await applyEdit(workspace, edit, `${scenarioFile(packageRoot, scenario.name)} edit ${i + 1}`);
  if (scenario.answers || scenario.triggers) await mergeAnswers(join(workDir, ANSWERS), scenario.answers ?? {}, scenario.triggers);
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

export function loadScenario(packageRoot: string, name: string): Scenario {
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
