// Validation of typed input fields (text, select, sha, tag, duration, url,
// timestamp). Returns every problem in words, per field, each naming its
// field (its label).
import { equalsProblem } from '../engine/equals.js';
import { futureProblem, relativeTime, RELATIVE_TIME } from '../engine/entry-times.js';
import { refLookup, type RefContext } from '../runbook/resolve.js';
import type { InputField, InputStep } from '../runbook/types.js';
import { findRefs, substitute } from '../runbook/vars.js';

export { equalsProblem, futureProblem, relativeTime, RELATIVE_TIME };

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

/**
 * One field's value against its type and pattern. Without `now` (an answers
 * file read before the run) a relative time (`now+30m`) passes for a
 * timestamp; with it, the session has made it absolute and a `future:` field
 * must be later than `now`.
 */
export function validateField(field: InputField, raw: string | undefined, now?: Date): string | undefined {
  const value = (raw ?? '').trim();
  if (field.type === 'timestamp' && !now && RELATIVE_TIME.test(value)) return undefined;
  if (!value) return field.required === false ? undefined : `${field.label} is required`;
  switch (field.type) {
    case 'select':
      if (!field.options?.includes(value)) return `${field.label} must be one of: ${field.options?.join(', ')}`;
      break;
    case 'sha':
      if (!/^[0-9a-f]{40}$/.test(value)) return `${field.label} must be a full 40-character lower-case commit sha`;
      break;
    case 'tag':
      if (!/^[^\s~^:?*[\\]+$/.test(value)) return `${field.label} is not a valid git tag name`;
      break;
    case 'duration':
      if (!/^([0-9]+(ms|s|m|h|d))+$/.test(value)) return `${field.label} must be a duration such as 15m or 1h30m`;
      break;
    case 'url':
      if (!URL.canParse(value) || !/^[a-z][a-z0-9+.-]*:/i.test(value)) return `${field.label} must be a URL such as https://…`;
      break;
    case 'timestamp':
      if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z$/.test(value) || Number.isNaN(Date.parse(value))) {
        return `${field.label} must be an ISO-8601 UTC timestamp such as 2026-11-21T14:05:00Z (or now, now+30m)`;
      }
      break;
    default:
      break;
  }
  if (field.pattern && !new RegExp(field.pattern).test(value)) return `${field.label} does not match the pattern ${field.pattern}`;
  return now ? futureProblem(field, value, now) : undefined;
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
