// `cutover verify` for signed sign-offs: every signature the journal
// recorded is verified again with ssh-keygen over the exact text it
// recorded, against the bundle's copy of the allowed-signers file (whose
// digest run.started holds); every request's text is the one its event
// describes; and the files a reader checks with ssh-keygen alone
// (signoffs/<step>/<role>.msg and .sig) are the latest ones the journal
// recorded.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JournalEvent } from '../engine/events.js';
import type { Runbook } from '../runbook/types.js';
import { judgeSignature } from './judge.js';
import { recordedOperatorPrincipals } from './operator-principal.js';
import { parseAllowedSigners, parseSshSig, type AllowedSigner } from './keys.js';
import { decisionSignatureProblems, OPERATOR_ROLE } from './decision-signature.js';
import { SIGNERS_COPY } from './signers-file.js';
import { parseSignoffText } from './text.js';
import { anchorProblem, signersReport, type SignersAnchor, type SignersReport, type TrustedSigner } from './anchor.js';

type Report = (file: string, message: string) => void;
const JOURNAL = 'journal.ndjson';

/**
 * Checks every signed sign-off; with an `anchor` (the team's own file) each
 * signing key must be listed there for its principal too. Returns what the
 * keys were held against and which were trusted (undefined: nothing signed).
 */
export function checkSignoffs(bundleDir: string, runbook: Runbook, events: readonly JournalEvent[], digests: ReadonlyMap<string, string>, report: Report, anchor?: SignersAnchor): SignersReport | undefined {
  const started = events[0];
  if (started?.type !== 'run.started') return undefined;
  const signedEvents = events.filter((e) => e.type === 'signoff.requested' || (e.type === 'signoff.recorded' && e.signed));
  if (!runbook.signers && !started.signers && !signedEvents.length) return undefined;
  const trusted: TrustedSigner[] = [];
  if (runbook.signers && !started.signers) report(JOURNAL, 'seq 1: the runbook names an allowed-signers file, but run.started records no copy of it');
  if (!runbook.signers && signedEvents.length) report(JOURNAL, 'the journal holds signed sign-offs, but the runbook names no allowed-signers file');
  let allowedText: string | undefined;
  if (started.signers) {
    const rec = started.signers;
    const actual = digests.get(SIGNERS_COPY);
    if (rec.file !== SIGNERS_COPY) report(JOURNAL, `seq 1: the allowed-signers copy is recorded as ${JSON.stringify(rec.file)}, not ${SIGNERS_COPY}`);
    else if (actual === undefined) report(SIGNERS_COPY, 'is recorded in run.started but missing from the bundle: no signature can be checked');
    else if (actual !== rec.sha256) report(SIGNERS_COPY, `sha256 ${actual} does not match run.started (${rec.sha256}): the allowed-signers file was changed after the run started`);
    else allowedText = readFileSync(join(bundleDir, SIGNERS_COPY), 'utf8');
  }
  const parsed = allowedText !== undefined ? parseAllowedSigners(allowedText) : undefined;
  if (parsed && !parsed.ok) report(SIGNERS_COPY, parsed.problem);
  const operators: string[] = [started.operator];
  const latest = new Map<string, { msg?: { sha256: string; seq: number }; sig?: { sha256: string; seq: number }; requestedAfterSig?: boolean }>();
  events.forEach((ev, i) => {
    if (ev.type === 'run.resumed' && !operators.includes(ev.operator)) operators.push(ev.operator);
    const at = `seq ${ev.seq}`;
    if (ev.type === 'signoff.requested') {
      const key = `${ev.step}/${ev.role}`;
      const entry = latest.get(key) ?? {};
      entry.msg = { sha256: ev.text?.sha256, seq: ev.seq };
      entry.requestedAfterSig = entry.sig !== undefined;
      latest.set(key, entry);
      const text = parseSignoffText(String(ev.message));
      if (ev.text?.file !== `signoffs/${ev.step}/${ev.role}.msg`) report(JOURNAL, `${at}: the request's text is recorded as ${JSON.stringify(ev.text?.file)}, not signoffs/${ev.step}/${ev.role}.msg`);
      if (!text.ok) report(JOURNAL, `${at}: the requested text is not a sign-off text: ${text.problem}`);
      else if (text.text.step !== ev.step || text.text.role !== ev.role || text.text.principal !== ev.principal || text.text.evidence !== ev.evidence_digest || text.text.journalHead !== ev.journal_head || text.text.run !== started.run_id) {
        report(JOURNAL, `${at}: the requested text does not say what the request event says (run, step, role, principal, evidence digest, journal head)`);
      }
      if (ev.journal_head !== events[i - 1]?.hash) report(JOURNAL, `${at}: the request names journal head ${String(ev.journal_head).slice(0, 12)}…, not the hash of the event before it`);
      return;
    }
    if (ev.type !== 'signoff.recorded') return;
    if (!ev.signed) {
      if (runbook.signers) report(JOURNAL, `${at}: the sign-off of ${ev.role} on "${ev.step}" is a typed name, but the runbook requires SSH-signed sign-offs`);
      return;
    }
    const s = ev.signed;
    const key = `${ev.step}/${ev.role}`;
    const entry = latest.get(key) ?? {};
    entry.msg = { sha256: s.msg?.sha256, seq: ev.seq };
    entry.sig = { sha256: s.sig?.sha256, seq: ev.seq };
    entry.requestedAfterSig = false;
    latest.set(key, entry);
    if (s.msg?.file !== `signoffs/${ev.step}/${ev.role}.msg` || s.sig?.file !== `signoffs/${ev.step}/${ev.role}.sig`) report(JOURNAL, `${at}: the signed sign-off's files are not signoffs/${ev.step}/${ev.role}.msg and .sig`);
    if (s.principal !== ev.name) report(JOURNAL, `${at}: the sign-off names ${ev.name}, but was signed by principal ${s.principal}`);
    if (!parsed?.ok || allowedText === undefined || !runbook.signers) return;
    const step = runbook.sections.flatMap((x) => x.steps).find((x) => x.id === ev.step);
    const before = new Set(events.slice(0, i).map((e) => e.hash));
    const verdict = judgeSignature(
      {
        allowedText,
        allowed: parsed.value,
        rolePrincipals: runbook.signers.roles[ev.role] ?? [],
        expected: { run: started.run_id, step: ev.step, role: ev.role, statement: ev.statement, evidence: ev.evidence_digest },
        isJournalHash: (h) => before.has(h),
        otherRoles: [],
        ...(step?.kind === 'signoff' && step.exclude_operator !== false ? { excludedOperators: [...operators], excludedPrincipals: recordedOperatorPrincipals(events.slice(0, i)) } : {}),
        // The key's validity (valid-before/after) as it was when the run recorded it, not today.
        at: ev.at,
      },
      String(s.text),
      String(s.signature),
    );
    if (!verdict.ok) {
      for (const r of verdict.reasons) report(JOURNAL, `${at}: the sign-off of ${ev.role} on "${ev.step}": ${r}`);
      return;
    }
    if (verdict.fingerprint !== s.key) report(JOURNAL, `${at}: the sign-off of ${ev.role} records key ${s.key}, but its signature was made by ${verdict.fingerprint}`);
    if (verdict.principal !== s.principal || verdict.principal !== ev.name) report(JOURNAL, `${at}: the sign-off of ${ev.role} on "${ev.step}" records signer ${JSON.stringify(ev.name)} (principal ${JSON.stringify(s.principal)}), but the signed text names principal ${JSON.stringify(verdict.principal)}`);
    const off = anchor ? anchorProblem(anchor, verdict.principal, verdict.fingerprint, String(s.signature), String(s.text), ev.at) : undefined;
    if (off) report(JOURNAL, `${at}: the sign-off of ${ev.role} on "${ev.step}": ${off}`);
    else trusted.push({ step: ev.step, role: ev.role, principal: verdict.principal, key: verdict.fingerprint });
  });
  checkDecisionSignature(bundleDir, events, digests, allowedText, parsed?.ok ? parsed.value : undefined, report, anchor, trusted);
  for (const [key, entry] of latest) {
    const [step, role] = key.split('/');
    const check = (ext: 'msg' | 'sig', rec: { sha256: string; seq: number } | undefined) => {
      if (!rec) return;
      const file = `signoffs/${step}/${role}.${ext}`;
      const actual = digests.get(file);
      if (actual === undefined) report(file, `is recorded in the journal (seq ${rec.seq}) but missing from the bundle`);
      else if (actual !== rec.sha256) report(file, `sha256 ${actual} does not match the journal (seq ${rec.seq}, ${rec.sha256}): the ${ext === 'msg' ? 'signed text' : 'signature'} was changed`);
    };
    check('msg', entry.msg);
    // A request after the last signature leaves the old .sig, or a new one waiting to be picked up.
    if (!entry.requestedAfterSig) check('sig', entry.sig);
  }
  return signersReport(anchor, trusted);
}

/**
 * The operator's signature of the decision, where the bundle has one (it is
 * optional). Journaled as decision.signed: the files must be the ones it
 * records, the signature verifies at the time it was recorded over the text
 * binding run.closed's hash, by a key of the operator's principal. A pair of
 * files without the event (cutover before 0.4 wrote none) is checked as
 * files only.
 */
function checkDecisionSignature(bundleDir: string, events: readonly JournalEvent[], digests: ReadonlyMap<string, string>, allowedText: string | undefined, allowed: AllowedSigner[] | undefined, report: Report, anchor: SignersAnchor | undefined, trusted: TrustedSigner[]): void {
  const decision = events.find((e) => e.type === 'decision.recorded');
  if (decision?.type !== 'decision.recorded') return;
  const msg = `signoffs/${decision.step}/${OPERATOR_ROLE}.msg`;
  const sig = `signoffs/${decision.step}/${OPERATOR_ROLE}.sig`;
  const sealed = events.find((e): e is Extract<JournalEvent, { type: 'decision.signed' }> => e.type === 'decision.signed');
  const has = [digests.has(msg), digests.has(sig)];
  if (!has[0] && !has[1] && !sealed) return;
  if (!has[0] || !has[1]) {
    report(has[0] ? sig : msg, sealed ? `is recorded by decision.signed (journal seq ${sealed.seq}) but missing from the bundle` : `is the operator's signature of the decision without its ${has[0] ? 'signature (.sig)' : 'text (.msg)'}: a file was removed or added`);
    return;
  }
  if (sealed) {
    const at = `seq ${sealed.seq}`;
    const s = sealed.signed;
    if (sealed.decision !== decision.step || s?.msg?.file !== msg || s?.sig?.file !== sig) report(JOURNAL, `${at}: decision.signed names ${JSON.stringify(s?.sig?.file)} for decision "${String(sealed.decision)}", not ${sig}`);
    if (digests.get(msg) !== s?.msg?.sha256) report(msg, `sha256 ${String(digests.get(msg))} does not match decision.signed (journal ${at}, ${String(s?.msg?.sha256)}): the signed text was changed`);
    if (digests.get(sig) !== s?.sig?.sha256) report(sig, `sha256 ${String(digests.get(sig))} does not match decision.signed (journal ${at}, ${String(s?.sig?.sha256)}): the signature was changed`);
    const closed = events.find((e) => e.type === 'run.closed');
    if (sealed.journal_head !== closed?.hash) report(JOURNAL, `${at}: decision.signed binds journal head ${String(sealed.journal_head).slice(0, 12)}…, not run.closed's hash`);
  }
  if (allowedText === undefined || !allowed) return; // the allowed-signers copy is reported already
  const [msgText, sigText] = [readFileSync(join(bundleDir, msg), 'utf8'), readFileSync(join(bundleDir, sig), 'utf8')];
  const problems = decisionSignatureProblems(events, allowedText, allowed, msgText, sigText, sealed?.at);
  for (const p of problems) report(sig, `the operator's signature of the decision: ${p}`);
  const text = parseSignoffText(msgText);
  const key = parseSshSig(sigText);
  if (problems.length || !text.ok || !key.ok) return;
  if (sealed && (sealed.signed.key !== key.value.fingerprint || sealed.signed.principal !== text.text.principal)) report(JOURNAL, `seq ${sealed.seq}: decision.signed records ${sealed.signed.principal} with key ${sealed.signed.key}, but the signature is ${text.text.principal}'s with key ${key.value.fingerprint}`);
  const off = anchor ? anchorProblem(anchor, text.text.principal, key.value.fingerprint, sigText, msgText, sealed?.at) : undefined;
  if (off) report(sig, `the operator's signature of the decision: ${off}`);
  else trusted.push({ step: decision.step, role: OPERATOR_ROLE, principal: text.text.principal, key: key.value.fingerprint });
}
