// Whether a signed sign-off may count: the same judgement for the session
// (a dropped .sig, a pasted signature), `cutover sign` (before it drops a
// signature into a bundle) and `cutover verify` (every recorded one again).
// Each refusal says which check failed: the text, the namespace, the
// principal allowed for the role, the signature over that exact text, keys
// distinct across roles, the operator's key, the evidence still current.
import type { OperatorPrincipal } from '../engine/events.js';
import { samePerson } from '../shared/names.js';
import { operatorKeys } from './operator-principal.js';
import { keysOf, parseSshSig, type AllowedSigner } from './keys.js';
import { sshVerify } from './ssh-keygen.js';
import { fieldMismatches, parseSignoffText, SIGNOFF_NAMESPACE, type SignoffText } from './text.js';

export interface JudgeContext {
  /** The allowed-signers file as the run copied it, and its entries. */
  allowedText: string;
  allowed: readonly AllowedSigner[];
  /** Principals the runbook allows for the role. */
  rolePrincipals: readonly string[];
  /** What the text must say now (the evidence digest of the state it is recorded in). */
  expected: Omit<SignoffText, 'principal' | 'journalHead'>;
  /** Whether `hash` is the hash of an event of this journal (before the sign-off). */
  isJournalHash: (hash: string) => boolean;
  /** Keys that already signed other roles of the same step (valid signatures). */
  otherRoles: readonly { role: string; fingerprint: string }[];
  /** The operators of the run, when the step says the operator may not sign. */
  excludedOperators?: readonly string[];
  /** The operator principals the run recorded (--operator-principal), when the step says the operator may not sign: their keys are refused by fingerprint. */
  excludedPrincipals?: readonly OperatorPrincipal[];
  /** When the signature is (was) recorded, ISO: the key's validity is judged then (ssh-keygen -Overify-time); now when absent. */
  at?: string;
}

export type Judgement = { ok: true; principal: string; fingerprint: string; text: SignoffText } | { ok: false; reasons: string[] };

export function judgeSignature(ctx: JudgeContext, message: string, armored: string): Judgement {
  const parsed = parseSignoffText(message);
  if (!parsed.ok) return { ok: false, reasons: [`the signed text is not a cutover sign-off text: ${parsed.problem}`] };
  const sig = parseSshSig(armored);
  if (!sig.ok) return { ok: false, reasons: [`the signature cannot be read: ${sig.problem}`] };
  const text = parsed.text;
  const reasons: string[] = [];
  const owners = ctx.allowed.filter((a) => a.fingerprint === sig.value.fingerprint).flatMap((a) => a.principals);
  const keyWords = `key ${sig.value.fingerprint}${owners.length ? ` (${owners.join(', ')})` : ''}`;
  if (sig.value.namespace !== SIGNOFF_NAMESPACE) reasons.push(`the signature is in namespace "${sig.value.namespace}", not "${SIGNOFF_NAMESPACE}": sign with -n ${SIGNOFF_NAMESPACE}`);
  reasons.push(...fieldMismatches(text, ctx.expected));
  if (!ctx.isJournalHash(text.journalHead)) reasons.push(`the signed journal head ${text.journalHead.slice(0, 12)}… is not an event of this run's journal: the text was not requested by this run`);
  const principalKeys = keysOf(ctx.allowed, text.principal);
  if (!ctx.rolePrincipals.includes(text.principal)) {
    reasons.push(`principal "${text.principal}" is not allowed to sign for role ${ctx.expected.role} (the runbook allows: ${ctx.rolePrincipals.join(', ')})`);
  } else if (!principalKeys.length) {
    reasons.push(`principal "${text.principal}" has no key in the allowed-signers file: add their public key to it`);
  } else if (!principalKeys.includes(sig.value.fingerprint)) {
    reasons.push(`the signature was made by ${owners.length ? keyWords : `key ${sig.value.fingerprint}, which is not in the allowed-signers file`}, not by a key of "${text.principal}" (who may sign for ${ctx.expected.role})`);
  }
  if (!reasons.length) {
    const verdict = sshVerify(ctx.allowedText, text.principal, armored, message, { ...(ctx.at ? { at: ctx.at } : {}), fingerprint: sig.value.fingerprint });
    if (!verdict.ok) reasons.push(`ssh-keygen -Y verify refused the signature of "${text.principal}" over this exact text: ${verdict.reason}`);
  }
  for (const other of ctx.otherRoles) {
    if (other.fingerprint === sig.value.fingerprint) reasons.push(`the same ${keyWords} already signed as ${other.role}; each role must sign with its own key`);
  }
  for (const op of ctx.excludedOperators ?? []) {
    const opKeys = ctx.allowed.filter((a) => a.principals.some((p) => samePerson(p, op))).map((a) => a.fingerprint);
    if (opKeys.includes(sig.value.fingerprint) || samePerson(text.principal, op)) reasons.push(`the ${keyWords} belongs to ${op}, an operator of this run, who may not sign as ${ctx.expected.role}`);
  }
  for (const op of ctx.excludedPrincipals ?? []) {
    if (operatorKeys([op], ctx.allowed).has(sig.value.fingerprint)) reasons.push(`the ${keyWords} is a key of "${op.principal}", the operator's principal (recorded when the run started), who may not sign as ${ctx.expected.role}`);
    else if (text.principal === op.principal) reasons.push(`principal "${op.principal}" is the operator's, who may not sign as ${ctx.expected.role}`);
  }
  return reasons.length ? { ok: false, reasons } : { ok: true, principal: text.principal, fingerprint: sig.value.fingerprint, text };
}
