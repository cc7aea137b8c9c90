// Which values are secret in a run: the runbook's declared `secrets`
// (environment names) plus any var or environment variable whose name
// contains TOKEN, SECRET, PASSWORD or KEY.
import type { Runbook } from '../runbook/types.js';
import { secretValuesFrom } from '../runner/index.js';

const SECRET_NAME = /TOKEN|SECRET|PASSWORD|KEY/i;

export function secretNamesIn(runbook: Runbook, names: string[]): Set<string> {
  const declared = new Set(runbook.secrets ?? []);
  return new Set(names.filter((n) => declared.has(n) || SECRET_NAME.test(n)));
}

export function secretsFor(runbook: Runbook, vars: Record<string, string>): string[] {
  const fromEnv = secretValuesFrom(process.env, runbook.secrets ?? []);
  const fromVars = secretValuesFrom(vars, [...secretNamesIn(runbook, Object.keys(vars))]);
  return [...new Set([...fromEnv, ...fromVars])].sort((a, b) => b.length - a.length);
}

export function maskSecrets(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join('***');
  return out;
}
