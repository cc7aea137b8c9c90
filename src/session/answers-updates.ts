// The answer to a status-update notice (`updates: true`) in an answers
// file: a list, one entry per update in the order they are sent — each a
// mapping of field id → value (and optionally `channel`). Update n is the
// n-th entry: a resumed run sends only the entries not sent yet.
import { InputError } from '../shared/errors.js';
import { isUpdateStep, updateInput } from '../engine/updates.js';
import type { Step } from '../runbook/types.js';
import { futureProblem, RELATIVE_TIME, validateInput } from './inputs.js';
import type { RefContext } from '../runbook/resolve.js';

export interface UpdateAnswer {
  values: Record<string, string>;
  channel?: string;
}

export interface UpdatesAnswer {
  kind: 'updates';
  updates: UpdateAnswer[];
}

export function updatesAnswer(list: unknown[], where: string, id: string, text: (key: string, v: unknown) => string): UpdatesAnswer {
  if (!list.length) throw new InputError(`${where}: the answer to "${id}" is an empty list of updates`, 'list at least one update, or leave the step out (status updates are never required)');
  return {
    kind: 'updates',
    updates: list.map((item, i) => {
      if (!item || typeof item !== 'object' || Array.isArray(item)) throw new InputError(`${where}: update ${i + 1} of "${id}" must be a mapping of field id → value`, 'write each update as a mapping, e.g. - {status: "…", next_update_eta: now+30m}');
      const values: Record<string, string> = {};
      let channel: string | undefined;
      for (const [k, v] of Object.entries(item as Record<string, unknown>)) {
        if (k === 'channel') channel = text(`[${i}].channel`, v);
        else values[k] = text(`[${i}].${k}`, v);
      }
      return { values, ...(channel ? { channel } : {}) };
    }),
  };
}

/** An updates answer against its step: only for `updates: true`, and each entry's fields typed and known (before the run). */
export function checkUpdatesAnswer(step: Step, answer: { kind: string }, fail: (message: string, hint: string) => void): void {
  const update = isUpdateStep(step);
  if (answer.kind === 'updates' && !update) fail(`"${step.id}" is not a status-update notice (updates: true): it is answered with true or {channel}, not a list`, 'write `true` (sent) or {channel: "…"}');
  if (!update || answer.kind === 'skip') return;
  if (answer.kind !== 'updates') {
    fail(`"${step.id}" is a status-update notice: its answer is a list of updates, one mapping of field id → value each`, `write e.g.\n  ${step.id}:\n    - {${step.fields.map((f) => `${f.id}: …`).join(', ')}}`);
    return;
  }
  const now = new Date(); // the run starts later: a time already past now is past when the update is sent
  (answer as UpdatesAnswer).updates.forEach((u, i) => {
    const input = updateInput(step);
    const problems = validateInput(input, u.values);
    for (const f of input.fields) {
      const v = u.values[f.id]?.trim();
      const past = v && !RELATIVE_TIME.test(v) ? futureProblem(f, v, now) : undefined;
      if (past && !problems.length) problems.push(`${past.replace(/ than now \(/, ' than the time this file is read (')} — it is past before the run starts`);
    }
    if (problems.length) fail(`update ${i + 1} of "${step.id}": ${problems.join('; ')}`, 'correct these values in the answers file (a next-update ETA is best written relative to when it is sent, e.g. now+30m)');
  });
}

/**
 * With the run's vars and pins (before the run starts): each entry's
 * `equals:` against them and the file's input answers; a reference with no
 * value yet (an input not answered here, the trigger) is left to the run.
 */
export function checkUpdatesAgainstRun(step: Step | undefined, answer: { kind: string }, ctx: RefContext, fail: (message: string) => void): void {
  if (!isUpdateStep(step) || answer.kind !== 'updates') return;
  (answer as UpdatesAnswer).updates.forEach((u, i) => {
    const wrong = validateInput(updateInput(step), u.values, ctx, true);
    if (wrong.length) fail(`update ${i + 1} of "${step.id}": ${wrong.join('; ')}`);
  });
}
