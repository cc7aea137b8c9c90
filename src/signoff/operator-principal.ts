// The operator's principal (`--operator-principal`, docs/signoffs.md): the
// name under which the operator's own keys are listed in the allowed-signers
// file. Recorded with its key fingerprints in run.started (and run.resumed,
// for an operator who takes over), it is how the operator's keys are told
// apart from an approver's by key, not by name: where a step excludes the
// operator, no key of theirs may sign as an approver, and the decision is
// signed with one of them.
import type { JournalEvent, OperatorPrincipal } from '../engine/events.js';
import { InputError } from '../shared/errors.js';
import { keysOf, type AllowedSigner } from './keys.js';

/** The principal and its keys in `allowed`, or what is wrong (naming the file). */
export function operatorPrincipalIn(allowed: readonly AllowedSigner[], principal: string, file: string): { ok: true; value: OperatorPrincipal } | { ok: false; problem: string; hint: string } {
  const keys = keysOf(allowed, principal);
  if (!keys.length) {
    const known = [...new Set(allowed.flatMap((a) => a.principals))];
    return { ok: false, problem: `${file}: --operator-principal "${principal}" has no key in the allowed-signers file`, hint: `add a line "${principal} <key type> <key>" with the operator's public key, or give the principal the file lists for you (it lists: ${known.join(', ') || 'nobody'})` };
  }
  return { ok: true, value: { principal, keys } };
}

/** Every operator principal the run recorded (run.started, then each run.resumed that names one). */
export function recordedOperatorPrincipals(events: readonly JournalEvent[]): OperatorPrincipal[] {
  const out: OperatorPrincipal[] = [];
  for (const ev of events) {
    const p = ev.type === 'run.started' || ev.type === 'run.resumed' ? ev.operator_principal : undefined;
    if (p && typeof p.principal === 'string' && Array.isArray(p.keys) && !out.some((o) => o.principal === p.principal)) out.push({ principal: p.principal, keys: p.keys.filter((k): k is string => typeof k === 'string') });
  }
  return out;
}

/** The fingerprints of every key of the recorded operator principals: those listed in run.started/run.resumed and those `allowed` lists for them. */
export function operatorKeys(principals: readonly OperatorPrincipal[], allowed: readonly AllowedSigner[]): Set<string> {
  return new Set(principals.flatMap((p) => [...p.keys, ...keysOf(allowed, p.principal)]));
}

/** `--operator-principal` for a run about to start or resume: its keys in the run's allowed-signers file; an InputError naming what is wrong otherwise. */
export function operatorPrincipalForRun(allowed: { path: string; entries: readonly AllowedSigner[] } | undefined, principal: string | undefined, runbookFile: string): OperatorPrincipal | undefined {
  if (principal === undefined) return undefined;
  if (!allowed) throw new InputError(`${runbookFile}: --operator-principal "${principal}" names a principal of the allowed-signers file, but this runbook names none (no signers: header)`, 'leave --operator-principal out (its sign-offs are typed names), or add a signers: header (docs/signoffs.md)');
  const r = operatorPrincipalIn(allowed.entries, principal, allowed.path);
  if (!r.ok) throw new InputError(r.problem, r.hint);
  return r.value;
}
