// The application service both front ends drive. Each operator intent is
// checked against the run policy (policy.ts), appended to the journal
// (fsync'd) and only then reflected in the snapshot listeners see. A
// mistake of the operator is a refusal with its reasons, never an
// exception; exceptions are for bugs and evidence that cannot be written.
import { relative } from 'node:path';
import { evidenceDigest } from '../engine/digest.js';
import { gateProblems, lockStatus, type DecisionAttempt, type OptionStatus } from '../engine/gates.js';
import { attemptDir, claimAttemptDir } from '../evidence/bundle.js';
import { writeNoticeFiles } from './notices.js';
import { render, resolveCheckParams, resolveCommand, resolveCwd } from '../runbook/resolve.js';
import type { DecisionStep, Step } from '../runbook/types.js';
import { cleanText, nameProblem } from '../shared/names.js';
import { EvidenceWriteError } from '../shared/errors.js';
import { missingTools } from '../runbook/tools.js';
import { loadRunner, runStepAttempt, type AttemptFacts } from './attempt.js';
import { resolveRelativeTimes, validateFields } from './inputs.js';
import { killLeftovers } from './leftovers.js';
import type { Activity, RunningAttempt } from './notifications.js';
import { openExistingRun, openNewRun, type ResumeOptions, type StartOptions } from './open.js';
import { OutputHub } from './output-hub.js';
import { actionsFor, describe, refusalOf, type StepActions } from './policy.js';
import { OK, refuse, type IntentResult, type Refusal } from './result.js';
import { RunRecord } from './run-record.js';
import { resumedPrincipal, SignoffDesk } from './signed-signoffs.js';
import { TriggerDesk, type DeclareOptions } from './triggers.js';
import { UpdateDesk } from './updates.js';
import type { RunOutcome } from '../engine/events.js';

export type { StartOptions, ResumeOptions } from './open.js';

export class Session extends RunRecord {
  private running: { info: RunningAttempt; controller: AbortController } | undefined;
  private readonly output = new OutputHub((output) => this.notifier.emit({ kind: 'output', output }));
  /** Signed sign-offs (docs/signoffs.md): requests, pasted and dropped signatures. */
  readonly signoffs: SignoffDesk = new SignoffDesk(this, (body) => this.append(body));
  /** Rollback triggers and missed deadlines (issue 13, session/triggers.ts). */
  readonly triggers: TriggerDesk = new TriggerDesk(this, (body, at) => this.append(body, at)); // and status updates with their ETAs (updates.ts):
  readonly updates: UpdateDesk = new UpdateDesk(this, (body, at) => this.append(body, at), () => this.refContext());

  /** Starts a new run: validates runbook, mode and vars, creates the bundle. */
  static start(opts: StartOptions): Session {
    return new Session(openNewRun(opts)).recordNotRunOrRelease();
  }

  /** Continues a run from its bundle: repairs a torn tail, marks interrupted attempts. */
  static resume(bundleDir: string, opts: ResumeOptions = {}): Session {
    const { closed, ...parts } = openExistingRun(bundleDir, opts);
    const session = new Session(parts);
    if (!closed) {
      try {
        const principal = resumedPrincipal(parts.bundleDir, parts.journal.events, opts.operatorPrincipal);
        session.markInterrupted();
        session.append({ type: 'run.resumed', operator: session.operator, repaired_tail_bytes: parts.journal.repairedTailBytes, ...(principal ? { operator_principal: principal } : {}) });
        session.recordNotRun(); // a crash may have come between a failure and its step.not_run events
        session.triggers.recordOverdue(); // deadlines (and next-update ETAs) missed while no process held the run (once each)
        session.updates.recordOverdue();
      } catch (err) {
        session.release();
        throw err;
      }
    } else session.triggers.resumeFollowUps(parts.journal.repairedTailBytes); // a closed run with follow-ups to record
    return session;
  }

  /** What is running now (not evidence: "starting…" and "cancelling…" come from here). */
  get activity(): Activity {
    return this.running ? { running: { ...this.running.info } } : {};
  }

  /** What can be done with the step now, and why not. */
  actionsFor(id: string): StepActions {
    return actionsFor(this.runbook, this.state, this.step(id), this.running?.info);
  }

  private markInterrupted(): void {
    for (const st of Object.values(this.state.steps)) {
      const last = st.attempts[st.attempts.length - 1];
      if (last?.status !== 'running') continue;
      const left = killLeftovers(attemptDir(this.bundleDir, st.id, last.n));
      const notes = left.notes.map((note) => `; ${note}`).join('');
      this.append({ type: 'step.interrupted', step: st.id, attempt: last.n, reason: `cutover stopped while the attempt ran${left.killed ? '; its leftover processes were killed' : ''}${notes}` });
    }
  }

  private setActivity(running: RunningAttempt | undefined): void {
    this.notifier.emit({ kind: 'activity', activity: running ? { running: { ...running } } : {} });
  }

  /**
   * Runs one attempt of a command or check step (a retry when it ran
   * before). One automated attempt at a time; its requires must have
   * passed. `signal` (or `cancel()`) stops it: recorded as cancelled.
   */
  async runStep(id: string, opts: { signal?: AbortSignal } = {}): Promise<IntentResult> {
    const step = this.findStep(id);
    if (!step) return refuse(`unknown step "${id}"`);
    const allowed = this.actionsFor(id).run;
    if (!allowed.ok) return refusalOf(allowed);
    if (step.kind !== 'command' && step.kind !== 'check') return refuse(`${describe(step)} is not run`);
    const n = (this.state.steps[id]?.attempts.length ?? 0) + 1;
    const controller = new AbortController();
    const onAbort = () => this.cancel();
    opts.signal?.addEventListener('abort', onAbort);
    this.running = { info: { step: id, attempt: n, startedAt: this.clock().toISOString(), cancelling: false }, controller };
    this.setActivity(this.running.info);
    try {
      if (step.kind === 'command') await loadRunner(); // the runner's code, before step.started: its loading is not timed as the command's
      if (opts.signal?.aborted) controller.abort();
      const dir = attemptDir(this.bundleDir, id, n);
      claimAttemptDir(dir);
      const ctx = this.refContext();
      const common = { dir, bundleDir: this.bundleDir, secrets: this.secrets, signal: controller.signal, clock: this.clock };
      let attempt: () => Promise<AttemptFacts>;
      if (step.kind === 'command') {
        const cmd = resolveCommand(step, this.runbookDir, ctx);
        const missing = missingTools(this.runbook, cmd);
        this.append({
          type: 'step.started',
          step: id,
          attempt: n,
          by: this.operator,
          // Masked by the journal, cwd and env included (evidence/mask-event.ts).
          command: { display: cmd.display, ...(cmd.argv ? { argv: cmd.argv } : { shell: cmd.shellCommand! }), cwd: cmd.cwd, ...(Object.keys(cmd.env).length ? { env: cmd.env } : {}), expect_exit: cmd.expectExit, ...(cmd.pinCommit ? { pin_commit: cmd.pinCommit } : {}) },
          ...(missing.length ? { missing_tools: missing } : {}),
        });
        attempt = () => runStepAttempt({ ...common, kind: 'command', step, cmd, tail: this.output.open(id, n) });
      } else {
        const params = resolveCheckParams(step, ctx);
        const cwd = resolveCwd(step.cwd, this.runbookDir, ctx);
        this.append({ type: 'step.started', step: id, attempt: n, by: this.operator, check: { name: step.check, params, cwd } });
        attempt = () => runStepAttempt({ ...common, kind: 'check', step, params, cwd, tail: this.output.open(id, n) });
      }
      const finished = await this.evidenceOrInterrupt(id, n, attempt);
      this.append({ type: 'step.finished', step: id, attempt: n, ...finished });
      this.recordNotRun();
      return OK;
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
      this.output.end(id, n);
      this.running = undefined;
      this.setActivity(undefined);
    }
  }

  /** Cancels the running attempt: its process group is stopped and it is recorded as cancelled. */
  cancel(): IntentResult {
    const running = this.running;
    if (!running) return refuse('no step is running');
    if (running.info.cancelling) return refuse(`"${running.info.step}" is already being cancelled`);
    running.info.cancelling = true;
    this.setActivity(running.info);
    running.controller.abort();
    return OK;
  }

  /**
   * When the attempt's evidence cannot be written (disk full, read-only), the
   * attempt is recorded as interrupted — never as passed or failed — and the
   * error goes on to the CLI, which exits 3: free space, then resume.
   */
  private async evidenceOrInterrupt(id: string, n: number, attempt: () => Promise<AttemptFacts>): Promise<AttemptFacts> {
    try {
      return await attempt();
    } catch (err) {
      if (err instanceof EvidenceWriteError) {
        this.setHealth({ ...this.health, journal: { failed: err.message, code: err.code } });
        if (!this.journal.failed) this.append({ type: 'step.interrupted', step: id, attempt: n, reason: `cannot write the evidence: ${err.code ?? 'error'} at ${relative(this.bundleDir, err.path) || err.path}` });
      }
      throw err;
    }
  }

  /** The step, if `kind` may be answered on it now; else the refusal. */
  private answerable<K extends Step['kind']>(id: string, kind: K): Extract<Step, { kind: K }> | Refusal {
    const step = this.findStep(id);
    if (!step) return refuse(`unknown step "${id}" in runbook ${this.runbook.id}`);
    if (step.kind !== kind) return refuse(`${describe(step)} is a ${step.kind} step, not a ${kind} step`, 'answer it with what its kind needs (see docs/runbook-format.md)');
    const allowed = this.actionsFor(id).answer;
    return allowed.ok ? (step as Extract<Step, { kind: K }>) : refusalOf(allowed);
  }

  skip(id: string, reason: string): IntentResult {
    const step = this.findStep(id);
    if (!step) return refuse(`unknown step "${id}"`);
    const allowed = this.actionsFor(id).skip;
    if (!allowed.ok) return refusalOf(allowed);
    if (!reason.trim()) return refuse(`skipping "${id}" needs a reason`, 'say why the step is skipped; it is recorded as a waiver', { reason: 'a reason is required' });
    this.append({ type: 'step.skipped', step: id, reason: this.mask(reason.trim()), by: this.operator });
    return OK;
  }

  confirm(id: string, answer: { note?: string; link?: string } = {}): IntentResult {
    const step = this.answerable(id, 'confirm');
    if ('ok' in step) return step;
    const fields: Record<string, string> = {};
    if (step.note === 'required' && !answer.note?.trim()) fields.note = `confirming "${step.title}" (${id}) needs a note`;
    if (step.link === 'required' && !answer.link?.trim()) fields.link = `confirming "${step.title}" (${id}) needs a link`;
    else if (answer.link && !URL.canParse(answer.link)) fields.link = `the link for "${id}" is not a URL: ${this.mask(answer.link)}`;
    if (Object.keys(fields).length) return refuse(Object.values(fields), fields.link ? 'write a full URL such as https://…' : 'add a note saying what was checked', fields);
    this.append({ type: 'step.confirmed', step: id, by: this.operator, statement: this.mask(render(step.statement, this.refContext())), ...(answer.note ? { note: this.mask(answer.note) } : {}), ...(answer.link ? { link: this.mask(answer.link) } : {}) });
    return OK;
  }

  recordInput(id: string, values: Record<string, string>): IntentResult {
    const step = this.answerable(id, 'input');
    if ('ok' in step) return step;
    const clean = resolveRelativeTimes(step, Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v ?? '').trim()])), this.clock(), this.refContext());
    const fields = { ...validateFields(step, clean, this.refContext(), false, this.clock()), ...this.identificationFields(id, clean) };
    if (Object.keys(fields).length) return refuse(`"${step.title}" (${id}): ${Object.values(fields).join('; ')}`, 'correct the values and enter them again', fields);
    this.append({ type: 'input.recorded', step: id, by: this.operator, values: Object.fromEntries(Object.entries(clean).map(([k, v]) => [k, this.mask(v)])) });
    return OK;
  }

  sendNotice(id: string, opts: { channel?: string } = {}): IntentResult {
    const step = this.answerable(id, 'notice');
    if ('ok' in step) return step;
    if (step.updates) return refuse(`${describe(step)} is a status-update notice: each update is sent with its own field values`, 'send an update (the screen\'s form, or a list of updates in the answers file)');
    const text = this.renderNotice(id)!;
    const unresolved = text.match(/\$\{[^}]+\}/g);
    if (unresolved) return refuse(`notice "${step.title}" (${id}) still has unfilled fields: ${unresolved.join(', ')}`, 'record the input steps it refers to first');
    const channel = opts.channel ? this.mask(opts.channel) : step.channel ? this.mask(render(step.channel, this.refContext())) : undefined;
    const at = new Date(Math.max(this.clock().getTime(), Date.parse(this.state.lastAt))), sentAt = at.toISOString(); // sent_at is its event's time (verify checks it)
    const files = writeNoticeFiles(this.bundleDir, step, text, { sentAt, by: this.operator, ...(channel ? { channel } : {}), ...(step.audience ? { audience: this.mask(render(step.audience, this.refContext())) } : {}) });
    this.append({ type: 'notice.sent', step: id, by: this.operator, ...(channel ? { channel } : {}), sent_at: sentAt, ...files, ...this.updates.etaField(step) }, at);
    return OK;
  }

  sign(id: string, role: string, name: string): IntentResult {
    const step = this.answerable(id, 'signoff');
    if ('ok' in step) return step;
    if (!step.roles.includes(role)) return refuse(`role "${role}" does not sign "${step.title}" (${id})`, `the roles are: ${step.roles.join(', ')}`);
    if (this.signoffs.required) return refuse(`runbook ${this.runbook.id} requires SSH-signed sign-offs: a typed name is not one`, `the approver signs with \`cutover sign ${this.relative(this.bundleDir)} --step ${id} --role ${role} --key FILE\`, or their armored signature is pasted (docs/signoffs.md)`);
    const problem = nameProblem(name, 'the signer\'s name');
    if (problem) return refuse(`the sign-off of ${role}: ${problem}`, 'enter the full name of the person signing', { [role]: problem });
    this.append({ type: 'signoff.recorded', step: id, role, name: this.mask(cleanText(name)), statement: this.mask(render(step.statement, this.refContext())), evidence_digest: evidenceDigest(this.state), by: this.operator });
    return OK;
  }

  declareTrigger(triggerId: string, note: string, opts: DeclareOptions = {}): IntentResult { return this.triggers.declare(triggerId, note, opts); }

  clearTrigger(triggerId: string, note: string, opts: { requestedBy?: string } = {}): IntentResult { return this.triggers.clear(triggerId, note, opts); }

  override async close(): Promise<RunOutcome> {
    this.triggers.recordOverdue(); // a deadline (or next-update ETA) missed before the end is journaled before run.closed
    this.updates.recordOverdue();
    return super.close();
  }

  /** The GO lock for every option of the decision now (each selectable or not, with its unmet conditions). */
  lockStatus(decisionId: string): OptionStatus[] {
    const step = this.findStep(decisionId);
    return step?.kind === 'decision' ? lockStatus(this.runbook, this.state, step, this.clock()) : [];
  }

  /** The unmet conditions for an option right now, in words (empty = selectable). */
  gate(decisionId: string, attempt: DecisionAttempt): string[] {
    const step = this.findStep(decisionId);
    if (step?.kind !== 'decision') return [`step "${decisionId}" is not a decision`];
    return gateProblems(this.runbook, this.state, step, attempt, this.clock());
  }

  /** Records the decision, or — when the GO lock holds — the journaled refusal with every reason. */
  decide(decisionId: string, attempt: DecisionAttempt): { ok: true } | { ok: false; reasons: string[]; hint?: string } {
    const step = this.answerable(decisionId, 'decision');
    if ('ok' in step) return step;
    // One time for the gate and the event: verify replays the gate at the event's time.
    const at = this.eventTime();
    const reasons = gateProblems(this.runbook, this.state, step as DecisionStep, attempt, at);
    if (reasons.length) {
      this.append({ type: 'decision.refused', step: decisionId, option: attempt.option, reasons, by: this.operator }, at);
      return { ok: false, reasons };
    }
    const option = step.options.find((o) => o.id === attempt.option)!;
    this.append({
      type: 'decision.recorded',
      step: decisionId,
      option: option.id,
      label: option.label,
      go: option.go,
      confirmed_text: attempt.confirmedText,
      ...(attempt.remediation ? { remediation: this.mask(attempt.remediation) } : {}),
      evidence_digest: evidenceDigest(this.state),
      by: this.operator,
    }, at);
    return { ok: true };
  }

  /** Records that the run pauses here (resumable); refused once the run is closed. */
  pause(reason: string, waitingFor?: string): IntentResult {
    if (this.state.closed) return refuse('the run is closed; there is nothing to pause');
    this.append({ type: 'run.paused', reason, ...(waitingFor ? { waiting_for: waitingFor } : {}) });
    return OK;
  }

  protected override onRelease(): void {
    this.output.stop();
  }
}
