// An input field's `equals:`: the value must be what the text renders to in
// the run. Pure (the session refuses a mismatch with it, verify's replay
// holds recorded inputs against it).
import { refLookup, type RefContext } from '../runbook/resolve.js';
import type { InputField, InputStep } from '../runbook/types.js';
import { findRefs, substitute } from '../runbook/vars.js';

/**
 * A field's `equals:` against the run: the value must be the text it
 * renders to over the vars, pins, run fields and recorded inputs (`ctx`;
 * the step's own other fields are `values`). `lenient` (an answers file
 * read before the run exists) leaves a reference without a value
 * unchecked; otherwise that is a problem too.
 */
export function equalsProblem(field: InputField, step: InputStep, values: Record<string, string>, ctx: RefContext, lenient = false): string | undefined {
  if (field.equals === undefined) return undefined;
  const value = (values[field.id] ?? '').trim();
  if (!value && field.required === false) return undefined;
  const own = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v ?? '').trim()]));
  const lookup = refLookup({ ...ctx, inputs: { ...(ctx.inputs ?? {}), [step.id]: own } });
  const expected = substitute(field.equals, lookup);
  const unresolved = findRefs(expected).map((r) => `\${${r.raw}}`);
  // `${trigger.…}` in a run without a trigger (an unlinked rollback run before one is declared): nothing to hold the value to.
  if (unresolved.length && !ctx.trigger && unresolved.every((r) => r.startsWith('${trigger.'))) return undefined;
  if (unresolved.length) return lenient ? undefined : `${field.label} cannot be checked against ${field.equals}: ${unresolved.join(', ')} has no value yet`;
  return value === expected ? undefined : `${field.label} must equal ${field.equals} = ${JSON.stringify(expected)}; the value given is ${JSON.stringify(value)}`;
}

