// Signed sign-offs in a run (docs/signoffs.md): the session writes the text
// an approver signs (signoffs/<step>/<role>.msg, journaled as
// signoff.requested), and records a signature — pasted on the screen or in
// the answers file, or dropped beside the text by `cutover sign` while the
// run waits — once it passes every check of signoff/judge.ts. A refused
// signature is never journaled; its reasons go back to the caller.
import { dirname, join } from 'node:path';
import { evidenceDigest } from '../engine/digest.js';
import type { EventBody, JournalEvent, StreamRecord } from '../engine/events.js';
import type { RunState } from '../engine/fold.js';
import { sha256 } from '../evidence/canonical.js';
import type { Runbook, SignoffStep, Step } from '../runbook/types.js';
import { mkdirDurable, writeFileDurable } from '../shared/durable.js';
import { resolveInside } from '../shared/inside.js';
import { readSmallFile } from '../shared/small-file.js';
import { judgeSignature, type JudgeContext, type Judgement } from '../signoff/judge.js';
import { normalizeArmored, parseAllowedSigners, type AllowedSigner } from '../signoff/keys.js';
import { SIGNERS_COPY } from '../signoff/signers-file.js';
import { operatorPrincipalForRun, recordedOperatorPrincipals } from '../signoff/operator-principal.js';
import type { OperatorPrincipal } from '../engine/events.js';
import { InputError } from '../shared/errors.js';
import { renderSignoffText } from '../signoff/text.js';
import type { Permission } from '../engine/policy.js';
import { OK, refuse, type IntentResult } from './result.js';

/** What the desk needs of the session. */
export interface SignoffHost {
  readonly bundleDir: string;
  readonly runbook: Runbook;
  readonly operator: string;
  readonly state: RunState;
  readonly events: readonly JournalEvent[];
  findStep(id: string): Step | undefined;
  statementOf(id: string): string | undefined;
  actionsFor(id: string): { answer: Permission };
}

export type SignoffRequest = Extract<JournalEvent, { type: 'signoff.requested' }>;

export function signoffFiles(bundleDir: string, step: string, role: string): { msgRel: string; sigRel: string; msg: string; sig: string } {
  const fix = 'step and role ids are lower-case letters, digits, - and _ (docs/runbook-format.md)';
  return {
    msgRel: `signoffs/${step}/${role}.msg`,
    sigRel: `signoffs/${step}/${role}.sig`,
    msg: resolveInside(bundleDir, ['signoffs', step, `${role}.msg`], 'the sign-off text', fix),
    sig: resolveInside(bundleDir, ['signoffs', step, `${role}.sig`], 'the sign-off signature', fix),
  };
}

/** Every request of `role` on `step`, latest last. */
export function requestsOf(events: readonly JournalEvent[], step: string, role: string): SignoffRequest[] {
  return events.filter((e): e is SignoffRequest => e.type === 'signoff.requested' && e.step === step && e.role === role);
}

function record(file: string, text: string): StreamRecord {
  return { file, bytes: Buffer.byteLength(text), sha256: sha256(text) };
}

/** A dropped file's text (no link followed, no FIFO read, 64 KiB at most): none when absent, what is wrong with it otherwise. */
function readDrop(path: string): { text?: string; problem?: string } {
  const r = readSmallFile(path);
  return r.ok ? { text: r.text } : r.missing ? {} : { problem: r.problem };
}

/**
 * The bundle's allowed-signers copy, held to the digest run.started
 * recorded: a copy swapped while the run waits (or before a resume, or
 * before `cutover sign`) is refused, never judged against.
 */
export function readSignersCopy(bundleDir: string, events: readonly JournalEvent[]): { text: string; entries: AllowedSigner[] } | { problem: string } {
  const started = events[0];
  const recorded = started?.type === 'run.started' ? started.signers?.sha256 : undefined;
  const r = readSmallFile(join(bundleDir, SIGNERS_COPY), 256 * 1024);
  if (!r.ok) return { problem: `${join(bundleDir, SIGNERS_COPY)} ${r.problem}: no signature can be judged (restore the copy the run started with, or start a new run)` };
  if (recorded === undefined || sha256(r.text) !== recorded) {
    return { problem: `${join(bundleDir, SIGNERS_COPY)} is not the allowed-signers copy this run started with (sha256 ${sha256(r.text)}; run.started recorded ${String(recorded)}): it was changed after the run started, so no signature is judged against it — put the original copy back, or start a new run with the team's file` };
  }
  const parsed = parseAllowedSigners(r.text);
  return parsed.ok ? { text: r.text, entries: parsed.value } : { problem: `${join(bundleDir, SIGNERS_COPY)}: ${parsed.problem}` };
}

/** `resume --operator-principal`: the principal and its keys in the bundle's allowed-signers copy (held to run.started's digest). */
export function resumedPrincipal(bundleDir: string, events: readonly JournalEvent[], principal: string | undefined): OperatorPrincipal | undefined {
  if (principal === undefined) return undefined;
  const started = events[0];
  if (started?.type !== 'run.started' || !started.signers) return operatorPrincipalForRun(undefined, principal, join(bundleDir, 'runbook.yaml'));
  const copy = readSignersCopy(bundleDir, events);
  if ('problem' in copy) throw new InputError(copy.problem, 'run `cutover verify` on the bundle');
  return operatorPrincipalForRun({ path: join(bundleDir, SIGNERS_COPY), entries: copy.entries }, principal, join(bundleDir, 'runbook.yaml'));
}

export class SignoffDesk {
  private allowed?: { text: string; entries: AllowedSigner[] };
  /** Signature files already refused, by content digest: a waiting run says so once. */
  private readonly refusedDrops = new Map<string, string>();

  constructor(
    private readonly host: SignoffHost,
    private readonly append: (body: EventBody) => JournalEvent,
  ) {}

  /** Whether this run's sign-offs must be SSH-signed. */
  get required(): boolean {
    return this.host.runbook.signers !== undefined;
  }

  private step(id: string, role: string): SignoffStep | IntentResult {
    const step = this.host.findStep(id);
    if (!step) return refuse(`unknown step "${id}" in runbook ${this.host.runbook.id}`);
    if (step.kind !== 'signoff') return refuse(`"${step.title}" (${id}) is a ${step.kind} step, not a sign-off`);
    if (!this.required) return refuse(`runbook ${this.host.runbook.id} names no allowed-signers file: its sign-offs are typed names, not signatures`, 'add a `signers:` header to the runbook to require signed sign-offs (docs/signoffs.md)');
    if (!step.roles.includes(role)) return refuse(`role "${role}" does not sign "${step.title}" (${id})`, `the roles are: ${step.roles.join(', ')}`);
    const allowed = this.host.actionsFor(id).answer;
    if (!allowed.ok) return refuse(allowed.reason, allowed.hint);
    return step;
  }

  /** The latest request of the role, when it still binds to the evidence as it is now. */
  current(id: string, role: string): SignoffRequest | undefined {
    const last = requestsOf(this.host.events, id, role).at(-1);
    return last && last.evidence_digest === evidenceDigest(this.host.state) ? last : undefined;
  }

  /**
   * Writes the text `role` signs (signoffs/<step>/<role>.msg) and journals
   * the request, in the name of `principal` (one the runbook allows for the
   * role; the first by default); a current request in that name is kept.
   */
  request(id: string, role: string, principal?: string): IntentResult & { request?: SignoffRequest } {
    const step = this.step(id, role);
    if ('ok' in step) return step;
    const principals = this.host.runbook.signers!.roles[role] ?? [];
    if (principals.length === 0) return refuse(`the runbook's signers.roles names no principal for role "${role}"`, 'add the principals who may sign for it under signers.roles');
    if (principal !== undefined && !principals.includes(principal)) return refuse(`principal "${principal}" may not sign for role ${role}`, `the runbook allows: ${principals.join(', ')}`);
    const existing = this.current(id, role);
    if (existing && (principal === undefined || existing.principal === principal)) return { ...OK, request: existing };
    const signer = principal ?? principals[0]!;
    const head = this.host.events.at(-1)!.hash;
    const digest = evidenceDigest(this.host.state);
    const message = renderSignoffText({ run: this.host.state.runId, step: id, role, principal: signer, statement: this.host.statementOf(id)!, evidence: digest, journalHead: head });
    const files = signoffFiles(this.host.bundleDir, id, role);
    mkdirDurable(dirname(files.msg));
    writeFileDurable(files.msg, message, this.host.bundleDir);
    const ev = this.append({ type: 'signoff.requested', step: id, role, principal: signer, evidence_digest: digest, journal_head: head, text: record(files.msgRel, message), message, by: this.host.operator });
    return { ...OK, request: ev as SignoffRequest };
  }

  /** The copy as the run started with it (digest checked), kept in memory once read: a later swap changes nothing. */
  private signers(): { text: string; entries: AllowedSigner[] } | { problem: string } {
    if (this.allowed) return this.allowed;
    const copy = readSignersCopy(this.host.bundleDir, this.host.events);
    if ('text' in copy) this.allowed = copy;
    return copy;
  }

  private context(step: SignoffStep, role: string): JudgeContext | { problem: string } {
    const signers = this.signers();
    if ('problem' in signers) return signers;
    const { text, entries } = signers;
    const hashes = new Set(this.host.events.map((e) => e.hash));
    const others = this.host.state.signatures.filter((s) => s.step === step.id && s.role !== role && !s.voidedBy && s.key);
    return {
      allowedText: text,
      allowed: entries,
      rolePrincipals: this.host.runbook.signers!.roles[role] ?? [],
      expected: { run: this.host.state.runId, step: step.id, role, statement: this.host.statementOf(step.id)!, evidence: evidenceDigest(this.host.state) },
      isJournalHash: (h) => hashes.has(h),
      otherRoles: others.map((s) => ({ role: s.role, fingerprint: s.key! })),
      ...(step.exclude_operator !== false ? { excludedOperators: this.host.state.operators, excludedPrincipals: recordedOperatorPrincipals(this.host.events) } : {}),
    };
  }

  /**
   * Records `role`'s signature over its request text, once it passes every
   * check; the refusal says which did not. A signature that does not verify
   * over the current text is tried against the role's earlier requests, so
   * one made over older evidence is refused as that.
   */
  accept(id: string, role: string, armored: string): IntentResult {
    const step = this.step(id, role);
    if ('ok' in step) return step;
    const requests = requestsOf(this.host.events, id, role);
    const last = requests.at(-1);
    if (!last) return refuse(`the sign-off of ${role} on "${id}" was never requested`, `request it first: cutover signoff request <bundle> --step ${id} --role ${role}`);
    const files = signoffFiles(this.host.bundleDir, id, role);
    const msgRead = readDrop(files.msg);
    if (msgRead.problem) return refuse(`the signature for ${role}: ${files.msgRel} ${msgRead.problem}`, `put back the text the run wrote (\`cutover signoff request <bundle> --step ${id} --role ${role}\` prints it)`);
    const onDisk = msgRead.text;
    const signature = normalizeArmored(armored);
    const ctx = this.context(step, role);
    if ('problem' in ctx) return refuse(`the signature for ${role}: ${ctx.problem}`, 'see docs/signoffs.md (the allowed-signers copy is fixed when the run starts)');
    const message = onDisk ?? last.message;
    let verdict: Judgement = judgeSignature(ctx, message, signature);
    if (!verdict.ok && verdict.reasons.some((r) => r.startsWith('ssh-keygen -Y verify refused'))) {
      for (const older of requests.slice(0, -1).reverse()) {
        const again = judgeSignature(ctx, older.message, signature);
        if (again.ok || !again.reasons.some((r) => r.startsWith('ssh-keygen -Y verify refused'))) {
          verdict = again;
          break;
        }
      }
    }
    const changed = onDisk !== undefined && sha256(onDisk) !== last.text.sha256;
    if (verdict.ok && changed) verdict = { ok: false, reasons: [`${files.msgRel} is not the text this run requested (its sha256 differs from the journal's): it was edited in the bundle`] };
    if (!verdict.ok) {
      return refuse(verdict.reasons.map((r) => `the signature for ${role}: ${r}`), 'sign the text the run requested (signoffs/<step>/<role>.msg), with the key of a principal allowed for the role; see docs/signoffs.md');
    }
    mkdirDurable(dirname(files.sig));
    if (readDrop(files.sig).text !== signature) writeFileDurable(files.sig, signature, this.host.bundleDir);
    this.append({
      type: 'signoff.recorded',
      step: id,
      role,
      name: verdict.principal,
      statement: verdict.text.statement,
      evidence_digest: verdict.text.evidence,
      by: this.host.operator,
      signed: { principal: verdict.principal, key: verdict.fingerprint, text: message, signature, msg: record(files.msgRel, message), sig: record(files.sigRel, signature) },
    });
    return OK;
  }

  /**
   * Signatures `cutover sign` dropped beside current requests of the step:
   * each recorded, or refused once (a file is judged again only when it
   * changes). Returns the roles recorded and the refusals.
   */
  pickUp(id: string): { recorded: string[]; refused: { role: string; reasons: string[] }[] } {
    const out = { recorded: [] as string[], refused: [] as { role: string; reasons: string[] }[] };
    const step = this.host.findStep(id);
    if (step?.kind !== 'signoff' || !this.required) return out;
    for (const role of step.roles) {
      if (this.host.state.signatures.some((s) => s.step === id && s.role === role && !s.voidedBy)) continue;
      if (!this.current(id, role)) continue;
      const files = signoffFiles(this.host.bundleDir, id, role);
      const drop = readDrop(files.sig);
      if (drop.problem) {
        // Said once per kind of problem, not at every poll (a file still growing changes only its size).
        const key = `${id}/${role}/unreadable/${drop.problem.replace(/\d+/g, 'N')}`;
        if (this.refusedDrops.has(key)) continue;
        this.refusedDrops.set(key, drop.problem);
        out.refused.push({ role, reasons: [`${files.sigRel} ${drop.problem}; the signature must be a regular file of at most 64 KiB (what \`cutover sign\` or \`ssh-keygen -Y sign\` writes)`] });
        continue;
      }
      const dropped = drop.text;
      if (dropped === undefined) continue;
      const key = `${id}/${role}/${sha256(dropped)}/${evidenceDigest(this.host.state)}`;
      if (this.refusedDrops.has(key)) continue;
      const r = this.accept(id, role, dropped);
      if (r.ok) out.recorded.push(role);
      else {
        this.refusedDrops.set(key, r.reasons.join('; '));
        out.refused.push({ role, reasons: r.reasons });
      }
    }
    return out;
  }
}
