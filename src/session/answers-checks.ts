// Checks of an answers file that report every problem at once (answers.ts
// reads the file): unknown keys with "did you mean", and the GO lock's
// sign-off rules against the names in the file, before the run starts.
import { isMap, isScalar, type Node } from 'yaml';
import { decisionStep } from '../engine/gates.js';
import { stepsInOrder } from '../engine/fold.js';
import { didYouMean } from '../runbook/suggest.js';
import type { Runbook, Step } from '../runbook/types.js';
import { InputError } from '../shared/errors.js';
import { samePerson } from '../shared/names.js';
import type { Answer } from './answers.js';

/** The top-level keys of an answers file. */
export const TOP_KEYS = ['answers', 'triggers'];

/** The keys an answer of each step kind may have (besides `skip`); input and signoff take their step's field and role ids. */
const ANSWER_KEYS: Record<string, string[]> = {
  confirm: ['note', 'link'],
  notice: ['channel'],
  decision: ['option', 'remediation', 'otherwise'],
};

/** Many problems as one error: each on its own line with its fix. */
export function allProblems(file: string, problems: InputError[]): InputError {
  if (problems.length === 1) return problems[0]!;
  const lines = problems.map((p) => `  ${p.message}${p.hint ? `\n      fix: ${p.hint}` : ''}`);
  return new InputError(`${file}: ${problems.length} problems in the answers file:\n${lines.join('\n')}`, 'fix each of them (every problem is listed), then run the same command again');
}

/** Runs `check`, collecting an InputError it throws instead of stopping at it. */
export function collecting<T>(problems: InputError[], check: () => T): T | undefined {
  try {
    return check();
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    problems.push(err);
    return undefined;
  }
}

/** An answer's keys the step kind does not take (a typo such as `nots:` would silently be ignored). */
export function unknownAnswerKeys(step: Step, node: Node | null | undefined, at: (n: Node | null | undefined) => string): void {
  if (!isMap(node)) return;
  const allowed = step.kind === 'input' ? step.fields.map((f) => f.id) : step.kind === 'signoff' ? step.roles : (ANSWER_KEYS[step.kind] ?? []);
  const unknown: string[] = [];
  let first: Node | undefined;
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (key === 'skip' || allowed.includes(key)) continue;
    unknown.push(key);
    first ??= pair.key as Node;
  }
  if (!unknown.length) return;
  const near = didYouMean(unknown[0]!, allowed);
  const what = step.kind === 'input' ? 'fields' : step.kind === 'signoff' ? 'roles' : 'keys';
  throw new InputError(`${at(first)}: the answer to "${step.id}" (a ${step.kind} step) has unknown key(s) ${unknown.map((k) => `"${k}"`).join(', ')}`, `${near ? `${near} ` : ''}its ${what} are: ${[...allowed, 'skip'].join(', ')}`);
}

/** The sign-off rules of the GO lock, against the names of this file (Answers.checkSigners). */
export function checkSigners(runbook: Runbook, parsed: Map<string, Answer>, where: (id: string) => string, operators: readonly string[], file: string): void {
  const problems: InputError[] = [];
  const lockedByGo = new Set((decisionStep(runbook)?.options ?? []).filter((o) => o.go).flatMap((o) => o.requires_signoffs ?? []));
  for (const step of stepsInOrder(runbook)) {
    const answer = parsed.get(step.id);
    if (step.kind !== 'signoff' || answer?.kind !== 'signoff') continue;
    const named = step.roles.filter((r) => answer.names[r]?.trim());
    if (step.exclude_operator !== false) {
      for (const role of named) {
        const op = operators.find((o) => samePerson(answer.names[role]!, o));
        if (op !== undefined) problems.push(new InputError(`${where(step.id)}: ${answer.names[role]} would sign "${step.id}" as ${role}, but is the operator of this run (${op}); the runbook excludes the operator from this sign-off`, `name the approver who signs as ${role}, or run with --operator set to the person operating`));
      }
    }
    if (step.distinct !== false || lockedByGo.has(step.id)) {
      for (let i = 0; i < named.length; i++) {
        for (let j = i + 1; j < named.length; j++) {
          const [a, b] = [named[i]!, named[j]!];
          if (samePerson(answer.names[a]!, answer.names[b]!)) problems.push(new InputError(`${where(step.id)}: ${answer.names[a]} would sign "${step.id}" as both ${a} and ${b}; each role needs a different person`, `name a different person for ${b}`));
        }
      }
    }
  }
  if (problems.length) throw allProblems(file, problems);
}
