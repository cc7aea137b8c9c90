// The application service both front ends drive. Each operator intent is
// validated, appended to the journal (fsync'd) and only then reflected in
// the state that listeners see. The session owns the bundle on disk.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { InputError } from '../shared/errors.js';
import type { EventBody, JournalEvent } from '../engine/events.js';
import { evidenceDigest } from '../engine/digest.js';
import { applyEvent, foldEvents, stepsInOrder, type RunState } from '../engine/fold.js';
import { gateProblems, type DecisionAttempt } from '../engine/gates.js';
import { attemptDir, createBundleDir, DECISION_RECORD, MANIFEST, RUNBOOK_COPY, SUMS, writeSums, isBundleDir, removeStaleTempFiles } from '../evidence/bundle.js';
import { mkdirDurable, writeFileDurable } from '../shared/durable.js';
import { acquireLock, releaseLock } from './lock.js';
import { sha256 } from '../evidence/canonical.js';
import { Journal, JOURNAL_FILE, JournalCorruptError, readJournal } from '../evidence/journal.js';
import { buildManifest, outcomeOf, renderDecisionRecord, type ManifestOutcome } from '../evidence/record.js';
import { formatDiagnostic } from '../runbook/diagnostics.js';
import { loadRunbook, type LoadedRunbook } from '../runbook/load.js';
import { buildPlan, type PreflightProblem } from '../runbook/preflight.js';
import { render, resolveCheckParams, resolveCommand, resolveCwd, type RefContext } from '../runbook/resolve.js';
import type { Mode, Runbook, Step } from '../runbook/types.js';
import { VERSION } from '../version.js';
import { runStepAttempt, type OutputListener } from './attempt.js';
import { EvidenceWriteError } from '../shared/errors.js';
import { resolveOperator } from './identity.js';
import { validateInput } from './inputs.js';
import { killLeftoverGroup } from './leftovers.js';
import { secretNamesIn, maskSecrets, secretsFor } from './secrets.js';

export interface StartOptions {
  runbookPath: string;
  mode: Mode;
  vars: Record<string, string>;
  evidenceDir?: string;
  operator?: string;
  now?: () => Date;
}

export type Listener = (state: RunState, event: JournalEvent) => void;

export class Session {
  readonly bundleDir: string;
  readonly runbook: Runbook;
  readonly runbookDir: string;
  readonly operator: string;
  readonly preflight: PreflightProblem[];
  private readonly journal: Journal;
  private readonly secrets: string[];
  /** Var values as given, secrets included; the journal holds them masked. */
  private readonly vars: Record<string, string>;
  private readonly now: () => Date;
  private current: RunState;
  private listeners = new Set<Listener>();
  private readonly stepsById: Map<string, Step>;
  private released = false;

  private constructor(args: { bundleDir: string; runbook: Runbook; runbookDir: string; operator: string; journal: Journal; secrets: string[]; vars: Record<string, string>; now: () => Date; preflight: PreflightProblem[] }) {
    this.bundleDir = args.bundleDir;
    this.runbook = args.runbook;
    this.runbookDir = args.runbookDir;
    this.operator = args.operator;
    this.journal = args.journal;
    this.secrets = args.secrets;
    this.vars = args.vars;
    this.now = args.now;
    this.preflight = args.preflight;
    this.stepsById = new Map(stepsInOrder(this.runbook).map((st) => [st.id, st]));
    this.current = foldEvents(this.runbook, this.journal.events);
  }

  /** Starts a new run: validates runbook, mode and vars, creates the bundle. */
  static start(opts: StartOptions): Session {
    const now = opts.now ?? (() => new Date());
    const loaded = loadOrThrow(opts.runbookPath);
    const rb = loaded.runbook;
    if (!rb.modes.includes(opts.mode)) {
      throw new InputError(`${opts.runbookPath}: this runbook may not run in ${opts.mode} mode (it allows: ${rb.modes.join(', ')})`, `run it with --mode ${rb.modes[0]}`);
    }
    const plan = buildPlan(loaded, opts.vars);
    const varProblems = plan.problems.filter((p) => !p.step && /^(--)?var /.test(p.message));
    if (varProblems.length) {
      throw new InputError(`${opts.runbookPath}: ${varProblems.map((p) => p.message).join('; ')}`, varProblems.map((p) => p.hint).join('; '));
    }
    const operator = resolveOperator(opts.operator);
    const secrets = secretsFor(rb, plan.vars);
    const at = now();
    const bundleDir = createBundleDir(resolve(opts.evidenceDir ?? 'evidence'), rb.id, at);
    writeFileDurable(join(bundleDir, RUNBOOK_COPY), loaded.text);
    acquireLock(bundleDir);
    const journal = Journal.create(join(bundleDir, JOURNAL_FILE));
    const secretVarNames = secretNamesIn(rb, Object.keys(plan.vars));
    journal.append(
      {
        type: 'run.started',
        run_id: `${rb.id}@${at.toISOString()}`,
        rehearsal: opts.mode === 'rehearsal',
        mode: opts.mode,
        operator,
        runbook: { id: rb.id, title: rb.title, version: rb.version, file: resolve(opts.runbookPath), sha256: loaded.sha256 },
        baseline: plan.ctx.baseline,
        target: plan.ctx.target,
        vars: Object.fromEntries(Object.entries(plan.vars).map(([k, v]) => [k, secretVarNames.has(k) ? '***' : v])),
        host: hostname(),
        cutover_version: VERSION,
      },
      at,
    );
    return new Session({ bundleDir, runbook: rb, runbookDir: dirname(resolve(opts.runbookPath)), operator, journal, secrets, vars: plan.vars, now, preflight: plan.problems });
  }

  /** Continues a run from its bundle: repairs a torn tail, marks interrupted attempts. */
  static resume(bundleDir: string, opts: { operator?: string; vars?: Record<string, string>; now?: () => Date } = {}): Session {
    const now = opts.now ?? (() => new Date());
    if (!isBundleDir(bundleDir)) {
      throw new InputError(`${bundleDir}: not an evidence bundle (no ${JOURNAL_FILE} in it)`, 'pass the bundle directory that `cutover run` printed, e.g. evidence/20261121T140500Z_service-v3-cutover-day');
    }
    const onDisk = readJournal(join(bundleDir, JOURNAL_FILE)).events;
    const closed = onDisk.find((e) => e.type === 'run.closed');
    // A crash between run.closed and the closing summaries leaves them to write: only that is done then.
    if (closed?.type === 'run.closed' && summariesComplete(bundleDir, onDisk[onDisk.length - 1]!.hash)) {
      throw new InputError(`${bundleDir}: the run is closed (outcome ${closed.outcome} at ${closed.at}); there is nothing to resume`, 'start a new run; `cutover report` and `cutover verify` read this one');
    }
    acquireLock(bundleDir);
    // Every refusal below leaves the bundle as it was, lock included.
    try {
      let journal: Journal;
      try {
        journal = Journal.open(join(bundleDir, JOURNAL_FILE));
      } catch (err) {
        if (err instanceof JournalCorruptError) {
          throw new InputError(`${err.file}: the journal is damaged and cannot be resumed: ${err.problems.join('; ')}`, 'run `cutover verify` on the bundle to see every problem; start a new run if the evidence was tampered with');
        }
        throw err;
      }
      const started = journal.events[0];
      if (!started || started.type !== 'run.started') {
        journal.close();
        throw new InputError(`${bundleDir}/${JOURNAL_FILE}: the journal has no run.started event`, 'the bundle is not usable; start a new run');
      }
      const copy = join(bundleDir, RUNBOOK_COPY);
      const loaded = loadOrThrow(copy, false);
      if (loaded.sha256 !== started.runbook.sha256) {
        journal.close();
        throw new InputError(`${copy}: the runbook copy does not match the digest recorded when the run started`, 'the bundle was modified; run `cutover verify` on it');
      }
      removeStaleTempFiles(bundleDir);
      const vars = resumeVars(loaded.runbook, started.vars, opts.vars ?? {}, () => journal.close());
      const secrets = secretsFor(loaded.runbook, vars);
      const session = new Session({
        bundleDir,
        runbook: loaded.runbook,
        runbookDir: dirname(started.runbook.file),
        operator: resolveOperator(opts.operator ?? started.operator),
        journal,
        secrets,
        vars,
        now,
        preflight: [],
      });
      if (!closed) {
        session.markInterrupted();
        session.append({ type: 'run.resumed', operator: session.operator, repaired_tail_bytes: journal.repairedTailBytes });
      }
      return session;
    } catch (err) {
      releaseLock(bundleDir);
      throw err;
    }
  }

  get state(): RunState {
    return this.current;
  }

  get events(): readonly JournalEvent[] {
    return this.journal.events;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  step(id: string): Step {
    const step = stepsInOrder(this.runbook).find((s) => s.id === id);
    if (!step) throw new InputError(`unknown step "${id}" in runbook ${this.runbook.id}`, `the steps are: ${stepsInOrder(this.runbook).map((s) => s.id).join(', ')}`);
    return step;
  }

  private append(body: EventBody, at: Date = this.now()): JournalEvent {
    const ev = this.journal.append(body, at);
    // The same fold as foldEvents, one event at a time (no quadratic re-fold).
    applyEvent(this.current, this.stepsById, ev);
    for (const l of this.listeners) l(this.current, ev);
    return ev;
  }

  /** Text typed by people is masked like command output: a pasted token never reaches the journal. */
  private mask(text: string): string {
    return maskSecrets(text, this.secrets);
  }

  private refContext(): RefContext {
    const s = this.current;
    return {
      vars: this.vars,
      baseline: s.baseline,
      target: s.target,
      inputs: s.inputs,
      run: { id: s.runId, mode: s.mode, operator: s.operator, started_at: s.startedAt, runbook: this.runbook.id, bundle: this.bundleDir },
    };
  }

  private markInterrupted(): void {
    for (const st of Object.values(this.current.steps)) {
      const last = st.attempts[st.attempts.length - 1];
      if (last?.status !== 'running') continue;
      const dir = attemptDir(this.bundleDir, st.id, last.n);
      const killed = killLeftoverGroup(dir);
      this.append({ type: 'step.interrupted', step: st.id, attempt: last.n, reason: `cutover stopped while the attempt ran${killed ? '; its leftover processes were killed' : ''}` });
    }
  }

  private ensureOpen(step: Step): void {
    if (this.current.closed) throw new InputError(`the run is closed; step "${step.id}" cannot change`, 'start a new run');
    if (this.current.decision) throw new InputError(`the decision is recorded; step "${step.id}" cannot change`, 'start a new run for a new decision');
  }

  /** A manual answer is given once; what was attested or entered is not silently replaced. */
  private ensureUnanswered(step: Step): void {
    const st = this.current.steps[step.id];
    if (st?.status === 'passed') {
      throw new InputError(`"${step.title}" (${step.id}) was already answered at ${st.completedAt}`, 'the journal keeps the first answer; if it was wrong, record a NO-GO with the correction as remediation and start a new run');
    }
  }

  /** Runs one attempt of a command or check step. */
  async runStep(id: string, opts: { onOutput?: OutputListener; signal?: AbortSignal } = {}): Promise<void> {
    const step = this.step(id);
    this.ensureOpen(step);
    if (step.kind !== 'command' && step.kind !== 'check') throw new InputError(`step "${id}" is a ${step.kind} step; it is not run but answered`, 'confirm, fill in or sign it instead');
    const n = (this.current.steps[id]?.attempts.length ?? 0) + 1;
    const dir = attemptDir(this.bundleDir, id, n);
    mkdirDurable(dir);
    const ctx = this.refContext();
    if (step.kind === 'command') {
      const cmd = resolveCommand(step, this.runbookDir, ctx);
      this.append({
        type: 'step.started',
        step: id,
        attempt: n,
        by: this.operator,
        command: { display: maskSecrets(cmd.display, this.secrets), ...(cmd.argv ? { argv: cmd.argv.map((a) => maskSecrets(a, this.secrets)) } : { shell: maskSecrets(cmd.shellCommand!, this.secrets) }), cwd: cmd.cwd, expect_exit: cmd.expectExit, ...(cmd.pinCommit ? { pin_commit: cmd.pinCommit } : {}) },
      });
      const finished = await this.evidenceOrInterrupt(id, n, () => runStepAttempt({ kind: 'command', step, cmd, dir, bundleDir: this.bundleDir, secrets: this.secrets, onOutput: opts.onOutput, signal: opts.signal }));
      this.append({ type: 'step.finished', step: id, attempt: n, ...finished });
    } else {
      const params = resolveCheckParams(step, ctx);
      const cwd = resolveCwd(step.cwd, this.runbookDir, ctx);
      this.append({ type: 'step.started', step: id, attempt: n, by: this.operator, check: { name: step.check, params, cwd } });
      const finished = await this.evidenceOrInterrupt(id, n, () => runStepAttempt({ kind: 'check', step, params, cwd, dir, bundleDir: this.bundleDir, secrets: this.secrets, onOutput: opts.onOutput, signal: opts.signal }));
      this.append({ type: 'step.finished', step: id, attempt: n, ...finished });
    }
  }

  /**
   * When the attempt's evidence cannot be written (disk full, read-only), the
   * attempt is recorded as interrupted — never as passed or failed — and the
   * error goes on to the CLI, which exits 3: free space, then resume.
   */
  private async evidenceOrInterrupt<T>(id: string, n: number, attempt: () => Promise<T>): Promise<T> {
    try {
      return await attempt();
    } catch (err) {
      if (err instanceof EvidenceWriteError && !this.journal.failed) {
        this.append({ type: 'step.interrupted', step: id, attempt: n, reason: `cannot write the evidence: ${err.code ?? 'error'} at ${relative(this.bundleDir, err.path) || err.path}` });
      }
      throw err;
    }
  }

  skip(id: string, reason: string): void {
    const step = this.step(id);
    this.ensureOpen(step);
    if (step.kind === 'decision') throw new InputError(`the decision "${id}" cannot be skipped`, 'record NO-GO with a remediation plan instead; NO-GO is always available');
    if (!reason.trim()) throw new InputError(`skipping "${id}" needs a reason`, 'say why the step is skipped; it is recorded as a waiver');
    this.append({ type: 'step.skipped', step: id, reason: this.mask(reason.trim()), by: this.operator });
  }

  confirm(id: string, answer: { note?: string; link?: string } = {}): void {
    const step = this.step(id);
    this.ensureOpen(step);
    this.ensureUnanswered(step);
    if (step.kind !== 'confirm') throw new InputError(`step "${id}" is a ${step.kind} step, not a confirm step`, 'answer it with what its kind needs (see docs/runbook-format.md)');
    if (step.note === 'required' && !answer.note?.trim()) throw new InputError(`confirming "${step.title}" (${id}) needs a note`, 'add a note saying what was checked');
    if (step.link === 'required' && !answer.link?.trim()) throw new InputError(`confirming "${step.title}" (${id}) needs a link`, 'add a link to the evidence (a URL)');
    if (answer.link && !URL.canParse(answer.link)) throw new InputError(`the link for "${id}" is not a URL: ${answer.link}`, 'write a full URL such as https://…');
    this.append({ type: 'step.confirmed', step: id, by: this.operator, statement: maskSecrets(render(step.statement, this.refContext()), this.secrets), ...(answer.note ? { note: this.mask(answer.note) } : {}), ...(answer.link ? { link: this.mask(answer.link) } : {}) });
  }

  recordInput(id: string, values: Record<string, string>): void {
    const step = this.step(id);
    this.ensureOpen(step);
    this.ensureUnanswered(step);
    if (step.kind !== 'input') throw new InputError(`step "${id}" is a ${step.kind} step, not an input step`, 'answer it with what its kind needs (see docs/runbook-format.md)');
    const clean = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v ?? '').trim()]));
    const problems = validateInput(step, clean);
    if (problems.length) throw new InputError(`"${step.title}" (${id}): ${problems.join('; ')}`, 'correct the values and enter them again');
    this.append({ type: 'input.recorded', step: id, by: this.operator, values: Object.fromEntries(Object.entries(clean).map(([k, v]) => [k, this.mask(v)])) });
  }

  /** Renders the notice over recorded inputs; the caller shows it before confirming it was sent. */
  renderNotice(id: string): string {
    const step = this.step(id);
    if (step.kind !== 'notice') throw new InputError(`step "${id}" is not a notice`, 'use a notice step id');
    return maskSecrets(render(step.template, this.refContext()), this.secrets);
  }

  sendNotice(id: string, opts: { channel?: string; sentAt?: string } = {}): void {
    const step = this.step(id);
    this.ensureOpen(step);
    this.ensureUnanswered(step);
    if (step.kind !== 'notice') throw new InputError(`step "${id}" is a ${step.kind} step, not a notice`, 'answer it with what its kind needs');
    const text = this.renderNotice(id);
    const unresolved = text.match(/\$\{[^}]+\}/g);
    if (unresolved) throw new InputError(`notice "${step.title}" (${id}) still has unfilled fields: ${unresolved.join(', ')}`, 'record the input steps it refers to first');
    const rel = `notices/${id}.md`;
    mkdirDurable(join(this.bundleDir, 'notices'));
    writeFileDurable(join(this.bundleDir, rel), text);
    const channel = opts.channel ?? (step.channel ? this.mask(render(step.channel, this.refContext())) : undefined);
    this.append({ type: 'notice.sent', step: id, by: this.operator, ...(channel ? { channel } : {}), sent_at: opts.sentAt ?? this.now().toISOString(), text: { file: rel, bytes: Buffer.byteLength(text), sha256: sha256(text) } });
  }

  sign(id: string, role: string, name: string): void {
    const step = this.step(id);
    this.ensureOpen(step);
    if (step.kind !== 'signoff') throw new InputError(`step "${id}" is a ${step.kind} step, not a sign-off`, 'answer it with what its kind needs');
    if (!step.roles.includes(role)) throw new InputError(`role "${role}" does not sign "${step.title}" (${id})`, `the roles are: ${step.roles.join(', ')}`);
    if (!name.trim()) throw new InputError(`the sign-off of ${role} needs the approver's name`, 'enter the full name of the person signing');
    this.append({ type: 'signoff.recorded', step: id, role, name: this.mask(name.trim()), statement: maskSecrets(render(step.statement, this.refContext()), this.secrets), evidence_digest: evidenceDigest(this.current), by: this.operator });
  }

  declareTrigger(triggerId: string, note: string): void {
    if (this.current.closed || this.current.decision) throw new InputError(`the run is ${this.current.closed ? 'closed' : 'decided'}; trigger "${triggerId}" cannot be declared in it`, 'declare it in the rollback runbook\'s run, or in a new run');
    const trigger = this.runbook.triggers?.find((t) => t.id === triggerId);
    if (!trigger) throw new InputError(`unknown rollback trigger "${triggerId}"`, `the runbook's triggers are: ${(this.runbook.triggers ?? []).map((t) => t.id).join(', ') || 'none'}`);
    this.append({ type: 'trigger.declared', trigger: triggerId, severity: trigger.severity, note: this.mask(note), by: this.operator });
  }

  clearTrigger(triggerId: string, note: string): void {
    if (!this.current.triggers.some((t) => t.id === triggerId && t.open)) throw new InputError(`trigger "${triggerId}" is not open`, 'only an open trigger can be cleared');
    if (!note.trim()) throw new InputError('clearing a trigger needs a note', 'say why the trigger no longer applies');
    this.append({ type: 'trigger.cleared', trigger: triggerId, note: this.mask(note), by: this.operator });
  }

  /** The unmet conditions for an option right now (empty = selectable). */
  gate(decisionId: string, attempt: DecisionAttempt): string[] {
    const step = this.step(decisionId);
    if (step.kind !== 'decision') return [`step "${decisionId}" is not a decision`];
    return gateProblems(this.runbook, this.current, step, attempt, this.now());
  }

  /** Records the decision, or the refusal with every reason. */
  decide(decisionId: string, attempt: DecisionAttempt): { ok: true } | { ok: false; reasons: string[] } {
    const step = this.step(decisionId);
    if (step.kind !== 'decision') throw new InputError(`step "${decisionId}" is a ${step.kind} step, not a decision`, 'use the decision step id');
    // One clock for the gate and the event: verify replays the gate at the event's time.
    const at = this.now();
    const reasons = gateProblems(this.runbook, this.current, step, attempt, at);
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
      evidence_digest: evidenceDigest(this.current),
      by: this.operator,
    }, at);
    return { ok: true };
  }

  pause(reason: string, waitingFor?: string): void {
    this.append({ type: 'run.paused', reason, ...(waitingFor ? { waiting_for: waitingFor } : {}) });
  }

  /** Writes manifest.json, decision-record.md and SHA256SUMS for the bundle as it stands. */
  async writeSummaries(): Promise<ManifestOutcome> {
    const now = this.now();
    const started = this.journal.events[0] as Extract<JournalEvent, { type: 'run.started' }>;
    const manifest = buildManifest(this.runbook, this.current, this.journal.events, { id: started.runbook.id, title: started.runbook.title, version: started.runbook.version, sha256: started.runbook.sha256 }, now);
    writeFileDurable(join(this.bundleDir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    writeFileDurable(join(this.bundleDir, DECISION_RECORD), renderDecisionRecord(this.runbook, this.current, manifest, now));
    await writeSums(this.bundleDir, recordedDigests(this.journal.events));
    return manifest.outcome;
  }

  /** Closes the run (no further changes) and writes the final summaries. */
  async close(): Promise<ManifestOutcome> {
    if (!this.current.closed) {
      const outcome = outcomeOf(this.runbook, this.current);
      this.append({ type: 'run.closed', outcome, summary: closingSummary(outcome, this.current) });
    }
    return this.writeSummaries();
  }

  /** Releases the bundle (the lock); the journal stays as written. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.journal.close();
    releaseLock(this.bundleDir);
  }

  /** A path as the operator should see it: relative below the cwd, else absolute. */
  relative(path: string): string {
    const rel = relative(process.cwd(), path);
    return rel === '' ? '.' : rel.startsWith('..') ? path : rel;
  }
}

/** Digests the journal already holds for log files, so closing does not re-read them. */
function recordedDigests(events: readonly JournalEvent[]): Map<string, { bytes: number; sha256: string }> {
  const known = new Map<string, { bytes: number; sha256: string }>();
  for (const ev of events) {
    if (ev.type !== 'step.finished' || !ev.result) continue;
    for (const rec of [ev.result.stdout, ev.result.stderr, ev.result.combined]) known.set(rec.file, rec);
  }
  return known;
}

/**
 * Vars for a resumed run. The journal holds secret values masked, so those
 * come again from --var or the var's environment variable.
 */
function resumeVars(runbook: Runbook, recorded: Record<string, string>, given: Record<string, string>, onError: () => void): Record<string, string> {
  const vars = { ...recorded };
  const notSecret = Object.keys(given).filter((k) => recorded[k] !== '***');
  if (notSecret.length) {
    onError();
    throw new InputError(
      `--var ${notSecret.join(', ')}: only secret vars are given again on resume; the others keep the values the run started with (${notSecret.map((k) => (k in recorded ? `${k}=${recorded[k]}` : `${k} is not a var of this run`)).join('; ')})`,
      'remove those --var flags; to run with other values, start a new run',
    );
  }
  const missing: string[] = [];
  for (const [name, value] of Object.entries(recorded)) {
    if (value !== '***') continue;
    const decl = runbook.vars?.[name];
    const fromEnv = decl?.env ? process.env[decl.env] : undefined;
    const v = given[name] ?? fromEnv;
    if (v === undefined) missing.push(name);
    else vars[name] = v;
  }
  if (missing.length) {
    onError();
    throw new InputError(`the secret var(s) ${missing.join(', ')} are not stored in the bundle`, `pass them again: ${missing.map((m) => `--var ${m}=...`).join(' ')}`);
  }
  return vars;
}

function closingSummary(outcome: ManifestOutcome, state: RunState): string {
  if (state.decision) return `${state.decision.label}${state.decision.remediation ? ` — remediation: ${state.decision.remediation}` : ''}`;
  return outcome;
}

function loadOrThrow(file: string, checkRollbackPath = true): LoadedRunbook {
  const r = loadRunbook(file, checkRollbackPath ? {} : { checkRollbackPath: false, bundleCopy: true });
  if (!r.ok) {
    const text = r.diagnostics.map(formatDiagnostic).join('\n');
    throw new InputError(`${file} is not a valid runbook:\n${text}`, `fix it and check with \`cutover lint ${file}\``);
  }
  return r.loaded;
}

/** manifest.json describes the journal as it ends, and SHA256SUMS (written last) lists that manifest. */
function summariesComplete(bundleDir: string, lastHash: string): boolean {
  try {
    const manifestText = readFileSync(join(bundleDir, MANIFEST));
    const manifest = JSON.parse(manifestText.toString('utf8')) as { journal?: { last_hash?: string } };
    const sums = readFileSync(join(bundleDir, SUMS), 'utf8');
    return manifest.journal?.last_hash === lastHash && sums.split('\n').includes(`${sha256(manifestText)}  ${MANIFEST}`);
  } catch {
    return false;
  }
}

