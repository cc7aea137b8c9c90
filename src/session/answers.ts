// The answers file (`--answers FILE`): manual steps, inputs, sign-offs and
// the decision, by step id, so a whole run can be scripted. Problems are
// reported as file:line:col with a fix.
import { readFileSync, statSync } from 'node:fs';
import { isAlias, isMap, isScalar, isSeq, LineCounter, Parser, type Document, type Node } from 'yaml';
import { InputError } from '../shared/errors.js';
import { checkSignedAnswer, signedRoleAnswer } from './signed-answers.js';
import { cleanText, nameProblem } from '../shared/names.js';
import { didYouMean } from '../runbook/suggest.js';
import { allProblems, checkSigners, collecting, TOP_KEYS, unknownAnswerKeys } from './answers-checks.js';
import { composeFirstDocument, MAX_ALIAS_COUNT, MAX_DEPTH, MAX_MAP_KEYS, MAX_NODES, measureShape } from '../runbook/source.js';
import type { RefContext } from '../runbook/resolve.js';
import type { Runbook, Step } from '../runbook/types.js';
import { validateInput } from './inputs.js';
import { triggerAnswers, type TriggerAnswer } from './answers-triggers.js';
import { stepsInOrder } from '../engine/fold.js';
import { checkUpdatesAgainstRun, checkUpdatesAnswer, updatesAnswer, type UpdatesAnswer } from './answers-updates.js';

export type Answer =
  | { kind: 'skip'; reason: string }
  | { kind: 'confirm'; note?: string; link?: string }
  | { kind: 'input'; values: Record<string, string> }
  | { kind: 'notice'; channel?: string }
  | {
      kind: 'signoff';
      names: Record<string, string>;
      /** Signed runbooks: armored SSH signatures by role (docs/signoffs.md). */
      signatures?: Record<string, string>;
      /** Signed runbooks: roles whose signature the run waits for (dropped by `cutover sign`). */
      wait?: string[];
    }
  | { kind: 'decision'; option: string; remediation?: string; otherwise?: { option: string; remediation?: string } }
  | UpdatesAnswer;

export type { TriggerAnswer } from './answers-triggers.js';

export interface Answers {
  file: string;
  get(stepId: string): Answer | undefined;
  where(stepId: string): string;
  triggers: TriggerAnswer[];
  /**
   * The sign-off rules the GO lock applies, checked against the names in
   * this file before the run starts (not at the decision): each role of a
   * sign-off by a different person, and none of them an operator of the
   * run where the runbook excludes the operator. Throws one InputError
   * listing every problem.
   */
  checkSigners(operators: readonly string[]): void;
}

/** Answers files are written by hand or by a small script; anything larger is a mistake. */
export const MAX_ANSWERS_BYTES = 1024 * 1024;

/**
 * `ctx` (the run's vars and pins, when known) checks the inputs' `equals:`
 * before the run starts; a reference to another input is resolved from
 * this file's answer to it, one without a value is left to the run.
 */
export function loadAnswers(file: string, runbook: Runbook, ctx?: RefContext): Answers {
  const { doc, lines, data } = parseAnswers(file, readAnswersText(file));
  const at = (node: Node | null | undefined) => {
    const p = lines.linePos(node?.range?.[0] ?? 0);
    return `${file}:${p.line}:${p.col}`;
  };
  const root = doc.contents;
  const answersNode = isMap(root) ? (root.get('answers', true) as Node | undefined) : undefined;
  if (!isMap(answersNode)) throw new InputError(`${at(root as Node)}: the answers file must have a mapping \`answers:\` of step id → answer`, 'see docs/runbook-format.md, section "Answers file"');
  const values = (data as { answers: Record<string, unknown> }).answers;
  const steps = new Map(stepsInOrder(runbook).map((s) => [s.id, s]));
  const parsed = new Map<string, Answer>();
  const positions = new Map<string, string>();
  // Every problem of the file is reported at once, each where it is.
  const problems: InputError[] = [];
  if (isMap(root)) {
    for (const pair of root.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (TOP_KEYS.includes(key)) continue;
      const near = didYouMean(key, TOP_KEYS);
      problems.push(new InputError(`${at(pair.key as Node)}: unknown key "${key}" at the top of the answers file`, `${near ? `${near} ` : ''}an answers file has \`answers:\` (step id → answer) and, optionally, \`triggers:\``));
    }
  }
  for (const pair of answersNode.items) {
    const id = isScalar(pair.key) ? String(pair.key.value) : '';
    const where = at(pair.key as Node);
    const step = steps.get(id);
    if (!step) {
      const near = didYouMean(id, steps.keys());
      problems.push(new InputError(`${where}: "${id}" is not a step of runbook ${runbook.id}`, near ? `${near} (the steps are: ${[...steps.keys()].join(', ')})` : `answer one of: ${[...steps.keys()].join(', ')}`));
      continue;
    }
    const node = resolved(doc, pair.value as Node | null);
    positions.set(id, at(node));
    collecting(problems, () => {
      unknownAnswerKeys(step, node, at);
      if (step.kind === 'signoff' && isMap(node)) checkNames(doc, node, id, at);
      const answer = toAnswer(step.kind, values[id] ?? null, at(node), id);
      checkAgainstStep(step, answer, at(node));
      checkSignedAnswer(runbook, step, answer, at(node));
      parsed.set(id, answer);
    });
  }
  if (ctx) {
    const inputs = Object.fromEntries([...parsed].flatMap(([id, a]) => (a.kind === 'input' ? [[id, a.values]] : [])));
    for (const [id, answer] of parsed) {
      const step = steps.get(id);
      if (step?.kind !== 'input' || answer.kind !== 'input') continue;
      const wrong = validateInput(step, answer.values, { ...ctx, inputs }, true);
      if (wrong.length) problems.push(new InputError(`${positions.get(id) ?? file}: the answer to "${id}": ${wrong.join('; ')}`, 'correct these values in the answers file: an input with equals: must match the run\'s pins, vars and answers'));
    }
    for (const [id, answer] of parsed) checkUpdatesAgainstRun(steps.get(id), answer, { ...ctx, inputs }, (m) => problems.push(new InputError(`${positions.get(id) ?? file}: ${m}`, 'correct these values in the answers file: a field with equals: must match the run\'s pins, vars and answers')));
  }
  const triggersNode = isMap(root) ? (root.get('triggers', true) as Node | undefined) : undefined;
  const triggers = triggerAnswers(triggersNode, (data as { triggers?: unknown }).triggers, runbook, steps, at, problems);
  if (problems.length) throw allProblems(file, problems);
  const where = (id: string) => positions.get(id) ?? file;
  return { file, get: (id) => parsed.get(id), where, triggers, checkSigners: (operators) => checkSigners(runbook, parsed, where, operators, file) };
}

function readAnswersText(file: string): string {
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw new InputError(`${file}: is a directory, not an answers file`, 'pass the path of a YAML answers file');
    if (st.size > MAX_ANSWERS_BYTES) {
      throw new InputError(`${file}: the answers file is ${st.size} bytes; an answers file may be at most ${MAX_ANSWERS_BYTES} bytes (1 MiB)`, 'check that this is the answers file you meant: it holds a few short answers per manual step');
    }
    return readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`${file}: cannot read the answers file (${(err as NodeJS.ErrnoException).code ?? String(err)})`, 'check the path given to --answers');
  }
}

/**
 * YAML as the runbook loader reads it (src/runbook/source.ts): the shape is
 * measured before the recursive composer runs, aliases are bounded, and an
 * unknown tag is an error, not a warning.
 */
function parseAnswers(file: string, text: string): { doc: Document; lines: LineCounter; data: unknown } {
  const lines = new LineCounter();
  const fail = (offset: number, message: string, hint: string): never => {
    const p = lines.linePos(offset);
    throw new InputError(`${file}:${p.line}:${p.col}: ${message}`, hint);
  };
  const tokens = [...new Parser(lines.addNewLine).parse(text)];
  const shape = measureShape(tokens);
  if (shape.tooDeep !== undefined) fail(shape.tooDeep, `nesting deeper than ${MAX_DEPTH} levels`, 'an answers file is three or four levels deep; check for runaway brackets or indentation');
  if (shape.tooWide !== undefined) fail(shape.tooWide, `a mapping with more than ${MAX_MAP_KEYS} keys`, 'an answers file has one key per manual step; check that this is the answers file you meant');
  if (shape.nodes > MAX_NODES) fail(0, `the answers file has ${shape.nodes} YAML nodes; at most ${MAX_NODES} are read`, 'check that this is the answers file you meant');
  const doc = composeFirstDocument(tokens, text.length);
  const [problem] = [...doc.errors, ...doc.warnings];
  if (problem) {
    const what = doc.errors.length ? 'YAML syntax error' : 'YAML problem';
    fail(problem.pos[0], `${what}: ${problem.message.split('\n')[0]}`, doc.errors.length ? 'fix the YAML syntax of the answers file' : 'write plain values: text, numbers, true; no tags such as !foo or !!binary');
  }
  try {
    return { doc, lines, data: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (err) {
    return fail(0, `cannot be read as YAML data (${err instanceof Error ? err.message : String(err)})`, 'write the values out instead of nesting anchors and aliases');
  }
}

/** The node an alias stands for (the node itself otherwise). */
function resolved(doc: Document, node: Node | null | undefined): Node | null | undefined {
  return isAlias(node) ? (node.resolve(doc) as Node | undefined) : node;
}

/**
 * Every signer's name is YAML text with a visible letter (shared/names.ts):
 * `.nan`, `1e3`, `true` or a tagged value is not a name, even though YAML
 * would turn it into one ("NaN").
 */
function checkNames(doc: Document, node: Node & { items: { key: unknown; value: unknown }[] }, id: string, at: (n: Node | null | undefined) => string): void {
  for (const pair of node.items) {
    const role = isScalar(pair.key) ? String(pair.key.value) : '';
    if (role === 'skip') continue;
    const value = resolved(doc, pair.value as Node | null);
    if (isMap(value)) continue; // {signature: …} or {wait: true}: a signed sign-off, read by toAnswer
    const hint = `write the signer's full name after \`${role}:\`; quote it when YAML would read it as something else (a number, .nan, true, null)`;
    if (value === null || value === undefined || (isScalar(value) && value.value === null && value.tag === undefined && String(value.source ?? '') === '')) continue; // an empty value is reported as such below
    const tag = isScalar(value) ? value.tag : undefined;
    if (!isScalar(value) || typeof value.value !== 'string' || (tag !== undefined && tag !== 'tag:yaml.org,2002:str')) {
      const read = isScalar(value) ? (tag ? `a value tagged ${tag.replace('tag:yaml.org,2002:', '!!')}` : value.value === null ? `null (${String(value.source ?? 'null')}), no value` : `${typeof value.value === 'number' ? 'the number' : `a ${typeof value.value}`} ${String(value.value)}`) : isMap(value) ? 'a mapping' : isSeq(value) ? 'a list' : 'not text';
      throw new InputError(`${at(value)}: the name signing "${id}" as ${role} must be text; YAML reads it as ${read}`, hint);
    }
    const problem = nameProblem(value.value, `the name signing "${id}" as ${role}`);
    if (problem) throw new InputError(`${at(value)}: ${problem}`, hint);
  }
}

/**
 * Checks an answer against its step before the run starts, so a typo in
 * the answers file never turns into recorded evidence (a refused decision,
 * a half-run bundle): field types and patterns, required notes and links,
 * the roles of a sign-off, the options of a decision.
 */
function checkAgainstStep(step: Step, answer: Answer, where: string): void {
  const fail = (message: string, hint: string) => {
    throw new InputError(`${where}: ${message}`, hint);
  };
  checkUpdatesAnswer(step, answer, fail);
  if (answer.kind === 'skip') {
    if (step.kind === 'decision') fail(`the decision "${step.id}" cannot be skipped`, 'answer it with {option: <option id>}; NO-GO is always available');
    return;
  }
  if (step.kind === 'input' && answer.kind === 'input') {
    const problems = validateInput(step, answer.values);
    if (problems.length) fail(`the answer to "${step.id}": ${problems.join('; ')}`, 'correct these values in the answers file');
  }
  if (step.kind === 'confirm' && answer.kind === 'confirm') {
    if (step.note === 'required' && !answer.note) fail(`"${step.id}" needs a note`, 'write {note: "what was checked"}');
    if (step.link === 'required' && !answer.link) fail(`"${step.id}" needs a link`, 'write {link: "https://…"} pointing at the evidence');
    if (answer.link && !URL.canParse(answer.link)) fail(`the link of "${step.id}" is not a URL: ${answer.link}`, 'write a full URL such as https://…');
  }
  if (step.kind === 'signoff' && answer.kind === 'signoff') {
    for (const role of [...Object.keys(answer.names), ...Object.keys(answer.signatures ?? {}), ...(answer.wait ?? [])]) {
      if (!step.roles.includes(role)) fail(`"${role}" is not a role of the sign-off "${step.id}"`, `its roles are: ${step.roles.join(', ')}`);
    }
  }
  if (step.kind === 'decision' && answer.kind === 'decision') {
    const check = (optionId: string, remediation: string | undefined, key: string) => {
      const option = step.options.find((o) => o.id === optionId);
      if (!option) fail(`${key} "${optionId}" is not an option of "${step.id}"`, `use an option id: ${step.options.map((o) => `${o.id} (${o.label})`).join(', ')}`);
      else if (!option.go && option.remediation !== false && !remediation) fail(`${option.label} needs a remediation plan`, `add remediation: "..." next to ${key}`);
    };
    check(answer.option, answer.remediation, 'option');
    if (answer.otherwise) check(answer.otherwise.option, answer.otherwise.remediation, 'otherwise.option');
  }
}

/** `triggers:` — the rollback triggers to declare during a scripted run. */
function toAnswer(kind: string, value: unknown, where: string, id: string): Answer {
  const obj = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  const bad = (expected: string) => new InputError(`${where}: the answer to "${id}" (a ${kind} step) must be ${expected}`, 'see docs/runbook-format.md, section "Answers file"');
  // An empty YAML value is null: never let it become the text "null".
  const text = (key: string, v: unknown): string => {
    if (v instanceof Date) return v.toISOString();
    if (typeof v === 'string' && v.trim()) return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw new InputError(`${where}: "${id}".${key} is empty`, `write a value after \`${key}:\` (quote it if it starts with a special character), or leave the key out`);
  };
  if (obj && 'skip' in obj) return { kind: 'skip', reason: text('skip', obj.skip) };
  switch (kind) {
    case 'confirm':
      if (value === true) return { kind: 'confirm' };
      if (obj) return { kind: 'confirm', ...('note' in obj ? { note: text('note', obj.note) } : {}), ...('link' in obj ? { link: text('link', obj.link) } : {}) };
      throw bad('true or {note, link}');
    case 'input':
      if (obj) return { kind: 'input', values: Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, text(k, v)])) };
      throw bad('a mapping of field id → value');
    case 'notice':
      if (value === true) return { kind: 'notice' };
      if (obj) return { kind: 'notice', ...('channel' in obj ? { channel: text('channel', obj.channel) } : {}) };
      if (Array.isArray(value)) return updatesAnswer(value, where, id, text); // a status-update notice: its updates in order
      throw bad('true or {channel} (a status-update notice: a list of updates)');
    case 'signoff': {
      if (!obj) throw bad('a mapping of role id → the signer\'s name (or, for a signed runbook, {signature: …} or {wait: true})');
      const names: Record<string, string> = {};
      const signatures: Record<string, string> = {};
      const wait: string[] = [];
      for (const [role, v] of Object.entries(obj)) {
        if (!v || typeof v !== 'object' || Array.isArray(v)) {
          names[role] = cleanText(text(role, v));
          continue;
        }
        const signed = signedRoleAnswer(v as Record<string, unknown>, role, where, id);
        if ('signature' in signed) signatures[role] = signed.signature;
        else wait.push(role);
      }
      return { kind: 'signoff', names, ...(Object.keys(signatures).length ? { signatures } : {}), ...(wait.length ? { wait } : {}) };
    }
    case 'decision': {
      if (!obj || typeof obj.option !== 'string') throw bad('{option: <option id>, remediation?: "..."}');
      const other = obj.otherwise as Record<string, unknown> | undefined;
      return {
        kind: 'decision',
        option: obj.option,
        ...('remediation' in obj ? { remediation: text('remediation', obj.remediation).trim() } : {}),
        ...(other && typeof other.option === 'string' ? { otherwise: { option: other.option, ...('remediation' in other ? { remediation: text('otherwise.remediation', other.remediation).trim() } : {}) } } : {}),
      };
    }
    default:
      throw bad('{skip: "reason"} (command and check steps run by themselves)');
  }
}
