// Which values are secret in a run: the runbook's declared `secrets`
// (environment names) plus any var or environment variable whose name
// contains TOKEN, SECRET, PASSWORD or KEY.
import type { Runbook } from '../runbook/types.js';
import { secretValuesFrom } from '../runner/index.js';
import { secretNamesIn } from '../runbook/secret-names.js';

export { maskSecrets, secretNamesIn } from '../runbook/secret-names.js';

export function secretsFor(runbook: Runbook, vars: Record<string, string>): string[] {
  const fromEnv = secretValuesFrom(process.env, runbook.secrets ?? []);
  const fromVars = secretValuesFrom(vars, [...secretNamesIn(runbook, Object.keys(vars))]);
  return [...new Set([...fromEnv, ...fromVars])].sort((a, b) => b.length - a.length);
}

