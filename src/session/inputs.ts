// Validation of typed input fields (text, select, sha, tag, duration, url,
// timestamp). Returns every problem in words, per field, each naming its
// field (its label).
import { equalsProblem } from '../engine/equals.js';
import { futureProblem, relativeTime, RELATIVE_TIME } from '../engine/entry-times.js';
import { validateField } from '../engine/field-check.js';
import { refLookup, type RefContext } from '../runbook/resolve.js';
import type { InputField, InputStep } from '../runbook/types.js';
import { findRefs, substitute } from '../runbook/vars.js';

export { equalsProblem, futureProblem, relativeTime, RELATIVE_TIME, validateField };

/** A field whose `equals:` names the run's trigger (`${trigger.identified_at}`): left empty, it takes that value. */
function takesTrigger(field: InputField): boolean {
  return field.equals !== undefined && field.equals.includes('${trigger.');
}

/**
 * The values with every timestamp field's relative time (`now+30m`) made
 * absolute at `now`; with `ctx`, a field left empty whose `equals:` names the
 * run's trigger gets the trigger's value (a linked rollback run's carried one).
 */
export function resolveRelativeTimes(step: InputStep, values: Record<string, string>, now: Date, ctx?: RefContext): Record<string, string> {
  const out = { ...values };
  for (const f of step.fields) {
    if (ctx?.trigger && takesTrigger(f) && !out[f.id]?.trim()) {
      const filled = substitute(f.equals!, refLookup(ctx));
      if (!findRefs(filled).length) out[f.id] = filled;
    }
    if (f.type !== 'timestamp' || typeof out[f.id] !== 'string') continue;
    const abs = relativeTime(out[f.id]!, now);
    if (abs) out[f.id] = abs;
  }
  return out;
}

/** Every problem of the values, by field id (an unknown field under its own key); `ctx` checks `equals:`. */
export function validateFields(step: InputStep, values: Record<string, string>, ctx?: RefContext, lenient = false, now?: Date): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const f of step.fields) {
    // Before the run (an answers file), a field the run's trigger fills may be left out.
    if ((lenient || !ctx) && takesTrigger(f) && !values[f.id]?.trim()) continue;
    const p = validateField(f, values[f.id], now) ?? (ctx ? equalsProblem(f, step, values, ctx, lenient) : undefined);
    if (p) problems[f.id] = p;
  }
  for (const k of Object.keys(values)) {
    if (!step.fields.some((f) => f.id === k)) problems[k] = `"${k}" is not a field of "${step.title}" (fields: ${step.fields.map((f) => f.id).join(', ')})`;
  }
  return problems;
}

export function validateInput(step: InputStep, values: Record<string, string>, ctx?: RefContext, lenient = false): string[] {
  return Object.values(validateFields(step, values, ctx, lenient));
}
