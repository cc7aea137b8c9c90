// The `triggers:` list of an answers file (docs/runbook-format.md, "Answers
// file"): rollback triggers to declare — or clear, with a reason — once the
// step named by `after` has run, each checked against the runbook's matrix
// before the run starts (id with did-you-mean, severity not below the
// matrix minimum, identification time) and reported as file:line:col.
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { parseIdentifiedAt, severityProblem } from '../engine/incident.js';
import { didYouMean } from '../runbook/suggest.js';
import type { Runbook } from '../runbook/types.js';
import { InputError } from '../shared/errors.js';
import { collecting } from './answers-checks.js';

/** A rollback trigger to declare (or clear) once step `after` is done (or at once without it). */
export interface TriggerAnswer {
  id: string;
  note: string;
  after?: string;
  /** Declare at this severity (the matrix minimum or more severe); default the minimum. */
  severity?: string;
  /** When it was identified (ISO time with zone, HH:MM UTC, -12m); default when it is declared. */
  identified_at?: string;
  /** Clear the open trigger `id` (with `note` as the reason) instead of declaring it. */
  clear?: true;
}

const KEYS = ['id', 'note', 'after', 'severity', 'identified_at', 'clear'];

export function triggerAnswers(node: Node | undefined, data: unknown, runbook: Runbook, steps: Map<string, unknown>, at: (n: Node | null | undefined) => string, problems: InputError[]): TriggerAnswer[] {
  if (node === undefined) return [];
  if (!isSeq(node)) throw new InputError(`${at(node)}: \`triggers:\` must be a list of {id, note, after, severity, identified_at} (or {id, clear: true, note, after})`, 'see docs/runbook-format.md, section "Answers file"');
  const known = (runbook.triggers ?? []).map((t) => t.id);
  return node.items.flatMap((item, i) => collecting(problems, () => {
    const where = at(item as Node);
    const v = (data as unknown[])[i] as Record<string, unknown> | null;
    if (!v || typeof v !== 'object' || typeof v.id !== 'string') throw new InputError(`${where}: a trigger needs an \`id\``, `use one of the runbook's triggers: ${known.join(', ') || '(none declared)'}`);
    if (isMap(item)) {
      for (const pair of item.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : '';
        if (!KEYS.includes(key)) throw new InputError(`${at(pair.key as Node)}: unknown key "${key}" in trigger "${v.id}"`, `${didYouMean(key, KEYS) ?? ''} a trigger takes ${KEYS.join(', ')}`.trim());
      }
    }
    const trigger = runbook.triggers?.find((t) => t.id === v.id);
    if (!trigger) {
      const near = didYouMean(v.id, known);
      throw new InputError(`${where}: "${v.id}" is not a trigger of runbook ${runbook.id}`, `${near ? `${near} ` : ''}use one of: ${known.join(', ') || '(the runbook declares no triggers)'}`);
    }
    const clear = v.clear === true;
    if (v.clear !== undefined && !clear) throw new InputError(`${where}: \`clear\` of trigger "${v.id}" must be true`, 'write clear: true to clear the trigger, or leave the key out to declare it');
    if (typeof v.note !== 'string' || !v.note.trim()) {
      throw new InputError(`${where}: trigger "${v.id}" needs a \`note\` ${clear ? 'giving the reason it is cleared' : 'saying what was observed'}`, clear ? 'write why it no longer applies, e.g. note: false alarm, the 400 came from a test client' : 'write what triggered it, e.g. note: legacy_error seen in a 400 response');
    }
    if (v.after !== undefined && (typeof v.after !== 'string' || !steps.has(v.after))) throw new InputError(`${where}: \`after\` of trigger "${v.id}" is not a step of the runbook`, 'name the step after which the trigger is identified');
    if (clear && (v.severity !== undefined || v.identified_at !== undefined)) throw new InputError(`${where}: a trigger that is cleared takes no severity or identified_at`, 'remove them, or drop clear: true to declare the trigger');
    let severity: string | undefined;
    if (v.severity !== undefined) {
      const problem = typeof v.severity === 'string' ? severityProblem(trigger, v.severity) : 'severity must be text such as SEV-1';
      if (problem) throw new InputError(`${where}: trigger "${v.id}": ${problem}`, `write severity: ${trigger.severity} (the matrix minimum) or a more severe class, or leave it out`);
      severity = v.severity as string;
    }
    let identified: string | undefined;
    if (v.identified_at !== undefined) {
      identified = v.identified_at instanceof Date ? v.identified_at.toISOString() : typeof v.identified_at === 'string' ? v.identified_at : undefined;
      // Checked again when declared (a relative time counts from then); a time already in the future is wrong now.
      const parsed = identified === undefined ? { problem: 'identified_at must be a time', hint: '' } : parseIdentifiedAt(identified, new Date(), undefined, { dayBefore: false });
      if ('problem' in parsed) throw new InputError(`${where}: trigger "${v.id}": ${parsed.problem}`, parsed.hint || 'write identified_at: "2026-03-02T14:05:00Z"');
    }
    return [{ id: v.id, note: v.note.trim(), ...(typeof v.after === 'string' ? { after: v.after } : {}), ...(severity ? { severity } : {}), ...(identified ? { identified_at: identified } : {}), ...(clear ? { clear: true as const } : {}) }];
  }) ?? []);
}
