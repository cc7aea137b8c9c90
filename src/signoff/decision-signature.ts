// The operator's signature of the decision (docs/signoffs.md §6): once a
// signed runbook's run is closed, the operator signs the decision with
// `cutover sign <bundle> --step <decision> --role operator --key FILE`. The
// text is the sign-off text with role `operator`, the decision's label (and
// remediation) as statement, the evidence digest the decision bound to and
// the journal head at the close (the hash of run.closed), so it binds the
// whole run. It lives in signoffs/<decision>/operator.msg and .sig and is
// journaled after run.closed as decision.signed (key, principal, digests),
// which verify re-checks with ssh-keygen at the time it was recorded. The
// key must be one of the operator principal's (`--operator-principal`,
// recorded in run.started/run.resumed); a run that recorded none falls back
// to an operator whose name is a principal of the file.
import type { JournalEvent } from '../engine/events.js';
import { samePerson } from '../shared/names.js';
import type { AllowedSigner } from './keys.js';
import { parseSshSig } from './keys.js';
import { operatorKeys, recordedOperatorPrincipals } from './operator-principal.js';
import { sshVerify } from './ssh-keygen.js';
import { parseSignoffText, renderSignoffText, type SignoffText } from './text.js';

export const OPERATOR_ROLE = 'operator';

type Decision = Extract<JournalEvent, { type: 'decision.recorded' }>;

/** The decision and the run's operators, when the run is closed with a recorded decision. */
export function closedDecision(events: readonly JournalEvent[]): { decision: Decision; operators: string[]; runId: string; head: string } | undefined {
  const started = events[0];
  const closed = events.find((e) => e.type === 'run.closed');
  const decision = events.find((e): e is Decision => e.type === 'decision.recorded');
  if (started?.type !== 'run.started' || closed?.type !== 'run.closed' || !decision) return undefined;
  const operators = [...new Set([started.operator, ...events.flatMap((e) => (e.type === 'run.resumed' ? [e.operator] : []))])];
  return { decision, operators, runId: started.run_id, head: closed.hash };
}

export function decisionStatement(d: Decision): string {
  return `${d.label}${d.remediation ? ` — remediation: ${d.remediation}` : ''}`;
}

/**
 * The principals that may sign the decision: the operator principals the run
 * recorded (--operator-principal), else those of the file named like an
 * operator of the run (runs that recorded none).
 */
export function operatorPrincipals(allowed: readonly AllowedSigner[], operators: readonly string[], events: readonly JournalEvent[] = []): string[] {
  const recorded = recordedOperatorPrincipals(events);
  if (recorded.length) return recorded.map((p) => p.principal);
  return [...new Set(allowed.flatMap((a) => a.principals).filter((p) => operators.some((op) => samePerson(p, op))))];
}

export function decisionText(events: readonly JournalEvent[], principal: string): string | undefined {
  const c = closedDecision(events);
  if (!c) return undefined;
  return renderSignoffText({ run: c.runId, step: c.decision.step, role: OPERATOR_ROLE, principal, statement: decisionStatement(c.decision), evidence: c.decision.evidence_digest, journalHead: c.head });
}

/** Every reason the operator's decision signature does not hold (empty: it holds). */
export function decisionSignatureProblems(events: readonly JournalEvent[], allowedText: string, allowed: readonly AllowedSigner[], message: string, armored: string, at?: string): string[] {
  const c = closedDecision(events);
  if (!c) return ['the run is not closed with a recorded decision, so there is no decision to sign'];
  const parsed = parseSignoffText(message);
  if (!parsed.ok) return [`the signed text is not a cutover sign-off text: ${parsed.problem}`];
  const t: SignoffText = parsed.text;
  const out: string[] = [];
  const recorded = recordedOperatorPrincipals(events);
  const principals = operatorPrincipals(allowed, c.operators, events);
  if (t.run !== c.runId || t.step !== c.decision.step || t.role !== OPERATOR_ROLE) out.push(`the signed text is for ${t.role} on "${t.step}" of run ${t.run}, not the operator's signature of decision "${c.decision.step}" of this run`);
  if (t.statement !== decisionStatement(c.decision)) out.push(`the signed statement "${t.statement}" is not the decision recorded ("${decisionStatement(c.decision)}")`);
  if (t.evidence !== c.decision.evidence_digest) out.push(`the signed evidence digest is not the one the decision bound to (${c.decision.evidence_digest.slice(0, 12)}…)`);
  if (t.journalHead !== c.head) out.push(`the signed journal head ${t.journalHead.slice(0, 12)}… is not the journal's final hash (${c.head.slice(0, 12)}…): the journal changed after the decision was signed`);
  if (!principals.includes(t.principal)) out.push(recorded.length ? `principal "${t.principal}" is not the operator's principal recorded by the run (${principals.join(', ')})` : `principal "${t.principal}" is not an operator of this run with a key in the allowed-signers file (operators: ${c.operators.join(', ')})`);
  const sig = parseSshSig(armored);
  if (!sig.ok) out.push(`the signature cannot be read: ${sig.problem}`);
  else if (recorded.length && !operatorKeys(recorded.filter((p) => p.principal === t.principal), allowed).has(sig.value.fingerprint)) out.push(`the signature was made by key ${sig.value.fingerprint}, not by a key of the operator's principal "${t.principal}"`);
  if (out.length) return out;
  const verdict = sshVerify(allowedText, t.principal, armored, message, { ...(at ? { at } : {}), ...(sig.ok ? { fingerprint: sig.value.fingerprint } : {}) });
  return verdict.ok ? [] : [`ssh-keygen -Y verify refused the operator's signature of "${t.principal}" over this exact text (${verdict.output || 'no message'})`];
}
