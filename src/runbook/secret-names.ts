// Which values of a run are secret, and how its vars may be shown. Pure (no
// runner), so `plan` masks exactly what a run masks. The masking itself is
// src/shared/secret-mask.ts, the one module every output goes through.
import { maskText, MASKED, SECRET_NAME, secretValuesFrom } from '../shared/secret-mask.js';
import type { Runbook } from './types.js';

export { maskText, maskValue } from '../shared/secret-mask.js';

/**
 * Which of `names` are secret vars: named in `secrets:`, named with TOKEN,
 * SECRET, PASSWORD or KEY, or read from an environment variable (`env:`)
 * that is one of those.
 */
export function secretNamesIn(runbook: Runbook, names: string[]): Set<string> {
  const declared = new Set(runbook.secrets ?? []);
  const secretName = (n: string) => declared.has(n) || SECRET_NAME.test(n);
  const decls = runbook.vars ?? {};
  return new Set(
    names.filter((n) => {
      const env = Object.hasOwn(decls, n) ? decls[n]!.env : undefined;
      return secretName(n) || (env !== undefined && secretName(env));
    }),
  );
}

/**
 * Every value masked in a run, longest first: the declared secrets and the
 * environment variables named like one (from `env`), the secret vars, and
 * the vars named in `alsoSecret` (those a resumed run journaled as `***`).
 */
export function secretsFor(runbook: Runbook, vars: Record<string, string>, env: NodeJS.ProcessEnv = process.env, alsoSecret: readonly string[] = []): string[] {
  const fromEnv = secretValuesFrom(env, runbook.secrets ?? []);
  const fromVars = secretValuesFrom(vars, [...secretNamesIn(runbook, Object.keys(vars)), ...alsoSecret]);
  return [...new Set([...fromEnv, ...fromVars])].sort((a, b) => b.length - a.length);
}

/**
 * The vars as they may be written or shown: a secret var, and any var whose
 * value holds a secret, is `***` as a whole (never half masked), which is
 * also how `resume` knows to ask for its value again.
 */
export function shownVars(runbook: Runbook, vars: Record<string, string>, secrets: readonly string[]): Record<string, string> {
  const secret = secretNamesIn(runbook, Object.keys(vars));
  return Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, (secret.has(k) && v !== '') || maskText(v, secrets) !== v ? MASKED : v]));
}
