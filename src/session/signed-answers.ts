// The answers file's side of signed sign-offs (docs/signoffs.md): a role's
// answer is {signature: <armored SSH signature>} or {wait: true} (the run
// waits for `cutover sign`); a signed runbook takes no typed names, an
// unsigned one no signatures.
import type { Runbook, Step } from '../runbook/types.js';
import { InputError } from '../shared/errors.js';
import type { Answer } from './answers.js';

/** One role's signed answer: a pasted signature, or wait for one. */
export function signedRoleAnswer(value: Record<string, unknown>, role: string, where: string, id: string): { signature: string } | { wait: true } {
  const keys = Object.keys(value);
  if (keys.length === 1 && typeof value.signature === 'string' && value.signature.includes('BEGIN SSH SIGNATURE')) return { signature: value.signature };
  if (keys.length === 1 && value.wait === true) return { wait: true };
  throw new InputError(`${where}: the answer for ${role} in "${id}" must be {signature: <the armored SSH signature>} or {wait: true}`, 'paste the whole block from -----BEGIN SSH SIGNATURE----- to -----END SSH SIGNATURE----- under `signature: |`, or write {wait: true} to wait for `cutover sign` (docs/signoffs.md)');
}

/** A signed runbook's sign-offs are signatures, never typed names; an unsigned one's are names. */
export function checkSignedAnswer(runbook: Runbook, step: Step, answer: Answer, where: string): void {
  if (step.kind !== 'signoff' || answer.kind !== 'signoff') return;
  const named = Object.keys(answer.names);
  if (runbook.signers && named.length) {
    throw new InputError(`${where}: runbook ${runbook.id} requires SSH-signed sign-offs, but the answer to "${step.id}" types a name for ${named.join(', ')}`, 'give each role {signature: <armored signature>} or {wait: true} (the run waits for `cutover sign`); see docs/signoffs.md');
  }
  const signed = [...Object.keys(answer.signatures ?? {}), ...(answer.wait ?? [])];
  if (!runbook.signers && signed.length) {
    throw new InputError(`${where}: runbook ${runbook.id} names no allowed-signers file, so its sign-offs are names, not signatures (${signed.join(', ')})`, "write the signer's full name after each role, or add `signers:` to the runbook (docs/signoffs.md)");
  }
}
