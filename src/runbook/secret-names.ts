// Which vars are secret: the runbook's declared `secrets` plus any name
// containing TOKEN, SECRET, PASSWORD or KEY. Pure, so `plan` can mask them
// without loading the runner.
import type { Runbook } from './types.js';

const SECRET_NAME = /TOKEN|SECRET|PASSWORD|KEY/i;

export function secretNamesIn(runbook: Runbook, names: string[]): Set<string> {
  const declared = new Set(runbook.secrets ?? []);
  return new Set(names.filter((n) => declared.has(n) || SECRET_NAME.test(n)));
}

/** Replaces every occurrence of each secret value (longest first) with ***. */
export function maskSecrets(text: string, secrets: string[]): string {
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) if (s) out = out.split(s).join('***');
  return out;
}
