// The record of one run: its journal, the state folded from it, and the
// notifications front ends listen to. Every event is appended (written and
// fsync'd) first; only then is the state folded, an immutable snapshot made
// and the listeners told. The closing summaries are written from here too.
import { identificationProblem } from '../engine/deadlines.js';
import { join, relative } from 'node:path';
import type { EventBody, JournalEvent, RunOutcome } from '../engine/events.js';
import { applyEvent, foldEvents, stepsInOrder, type RunState } from '../engine/fold.js';
import { stateRefContext } from '../engine/incident.js';
import { notRunFor } from '../engine/modes.js';
import { runSettled } from '../engine/policy.js';
import { DECISION_RECORD, MANIFEST, writeSums } from '../evidence/bundle.js';
import type { Journal } from '../evidence/journal.js';
import { buildManifest, outcomeOf, renderDecisionRecord } from '../evidence/record.js';
import { render, resolveCheckParams, resolveCommand, resolveCwd, type RefContext } from '../runbook/resolve.js';
import type { PreflightProblem } from '../runbook/preflight.js';
import type { Runbook, Step } from '../runbook/types.js';
import type { Clock } from '../shared/clock.js';
import { writeFileDurable } from '../shared/durable.js';
import { EvidenceWriteError, InputError } from '../shared/errors.js';
import { releaseLock } from './lock.js';
import { Notifier, snapshotOf, type Health, type Listener, type Snapshot } from './notifications.js';
import type { RunParts } from './open.js';
import { resolveRelativeTimes, validateFields } from './inputs.js';
import { maskSecrets } from './secrets.js';

export class RunRecord {
  readonly bundleDir: string;
  readonly runbook: Runbook;
  readonly runbookDir: string;
  readonly operator: string;
  readonly preflight: PreflightProblem[];
  /** The run's one clock (session, runner, deadlines, GO lock, reporters). */
  readonly clock: Clock;
  protected readonly journal: Journal;
  protected readonly secrets: string[];
  protected readonly vars: Record<string, string>;
  protected readonly notifier = new Notifier();
  /** The fold's working state; never handed out (listeners get snapshots). */
  private readonly current: RunState;
  private snap: Snapshot;
  private healthNow: Health = { journal: 'ok' };
  private readonly stepsById: Map<string, Step>;
  private released = false;

  protected constructor(parts: RunParts) {
    this.bundleDir = parts.bundleDir;
    this.runbook = parts.runbook;
    this.runbookDir = parts.runbookDir;
    this.operator = parts.operator;
    this.journal = parts.journal;
    this.secrets = parts.secrets;
    this.vars = parts.vars;
    this.clock = parts.clock;
    this.preflight = parts.preflight;
    this.stepsById = new Map(stepsInOrder(this.runbook).map((st) => [st.id, st]));
    this.current = foldEvents(this.runbook, this.journal.events);
    this.snap = snapshotOf(this.current, this.journal.events[this.journal.events.length - 1]!);
    this.notifier.onListenerError((message) => this.setHealth({ ...this.healthNow, listener: message }));
  }

  /** The run state as of the last journaled event (immutable). */
  get state(): RunState {
    return this.snap.state;
  }

  get snapshot(): Snapshot {
    return this.snap;
  }

  get events(): readonly JournalEvent[] {
    return this.journal.events;
  }

  get health(): Health {
    return this.healthNow;
  }

  subscribe(listener: Listener): () => void {
    return this.notifier.subscribe(listener);
  }

  /** The step `id`; an unknown id is the caller's input error. */
  step(id: string): Step {
    const step = this.findStep(id);
    if (!step) throw new InputError(`unknown step "${id}" in runbook ${this.runbook.id}`, `the steps are: ${[...this.stepsById.keys()].join(', ')}`);
    return step;
  }

  findStep(id: string): Step | undefined {
    return this.stepsById.get(id);
  }

  /** Appends an event (fsync'd), folds it, and only then tells the listeners. */
  protected append(body: EventBody, at: Date = this.clock()): JournalEvent {
    let ev: JournalEvent;
    try {
      ev = this.journal.append(body, at);
    } catch (err) {
      if (err instanceof EvidenceWriteError) this.setHealth({ ...this.healthNow, journal: { failed: err.message, code: err.code } });
      throw err;
    }
    // The same fold as foldEvents, one event at a time (no quadratic re-fold).
    applyEvent(this.current, this.stepsById, ev);
    this.snap = snapshotOf(this.current, ev);
    this.notifier.emit({ kind: 'snapshot', snapshot: this.snap });
    return ev;
  }

  protected setHealth(health: Health): void {
    this.healthNow = health;
    this.notifier.emit({ kind: 'health', health });
  }

  /**
   * `text` with this run's secrets masked, as the journal and the logs mask
   * them: the front ends pass what they print through it (the plain log, the
   * screen's messages), and text typed by people is masked like output.
   */
  mask(text: string): string {
    return maskSecrets(text, this.secrets);
  }

  protected refContext(): RefContext {
    return stateRefContext(this.current, { vars: this.vars, runbook: this.runbook.id, bundle: this.bundleDir });
  }

  /** The command or check a step would run now (masked), for a preview; undefined if it cannot be resolved yet. */
  preview(id: string): { display: string; cwd: string } | undefined {
    const step = this.findStep(id);
    try {
      if (step?.kind === 'command') {
        const cmd = resolveCommand(step, this.runbookDir, this.refContext());
        return { display: this.mask(cmd.display), cwd: this.mask(cmd.cwd) };
      }
      if (step?.kind === 'check') return { display: `check ${step.check} ${this.mask(JSON.stringify(resolveCheckParams(step, this.refContext())))}`, cwd: this.mask(resolveCwd(step.cwd, this.runbookDir, this.refContext())) };
    } catch {
      // a var or input it refers to is not there yet
    }
    return undefined;
  }

  /** The notice as it would be sent now, over the recorded inputs (masked); undefined if `id` is not a notice. */
  renderNotice(id: string): string | undefined {
    const step = this.findStep(id);
    if (step?.kind !== 'notice') return undefined;
    const last = this.current.updates[id]?.at(-1); // a status-update notice: the latest update as sent
    const ctx = this.refContext();
    return this.mask(render(step.template, last ? { ...ctx, inputs: { ...ctx.inputs, [id]: { ...last.values, number: String(last.n) } } } : ctx));
  }

  /** The statement a confirm or sign-off step attests, rendered now (masked). */
  statementOf(id: string): string | undefined {
    const step = this.findStep(id);
    return step?.kind === 'confirm' || step?.kind === 'signoff' ? this.mask(render(step.statement, this.refContext())) : undefined;
  }

  /** A notice step's channel as it would be recorded now (masked). */
  channelOf(id: string): string | undefined {
    const step = this.findStep(id);
    return step?.kind === 'notice' && step.channel ? this.mask(render(step.channel, this.refContext())) : undefined;
  }

  /**
   * Journals every step that does not run now (step.not_run): a step whose
   * `modes` leave out this run's mode, and the later steps of an
   * `on_failure: stop` section after one of its required steps failed.
   */
  protected recordNotRun(): void {
    if (!runSettled(this.state).ok) return;
    for (const step of stepsInOrder(this.runbook)) {
      const why = notRunFor(this.runbook, this.state, step);
      if (why) this.append({ type: 'step.not_run', step: step.id, ...why, by: this.operator });
    }
  }

  /**
   * What is wrong with one field's value as it stands in the form (its type,
   * pattern and `equals:` against this run), masked; undefined when it would
   * be accepted. The screen shows it inline; recordInput refuses the same.
   */
  fieldProblem(id: string, fieldId: string, values: Record<string, string>): string | undefined {
    const step = this.findStep(id);
    if (step?.kind !== 'input') return undefined;
    const clean = resolveRelativeTimes(step, Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v ?? '').trim()])), this.clock(), this.refContext());
    const problem = validateFields(step, clean, this.refContext(), false, this.clock())[fieldId] ?? this.identificationFields(id, clean)[fieldId];
    return problem === undefined ? undefined : this.mask(problem);
  }

  /** The identification step's time out of bounds (deadline rules 2, engine/deadlines.ts), by field id; verify checks the same. */
  protected identificationFields(id: string, values: Record<string, string>): Record<string, string> {
    const p = this.current.deadlineRules >= 2 ? identificationProblem(this.runbook, id, values, this.clock(), this.current.startedAt) : undefined;
    return p ? { [p.field]: p.problem } : {};
  }

  /**
   * The values an input step's form opens with before anything is typed:
   * each field whose `equals:` names the run's trigger (`${trigger.…}`),
   * filled with it (a linked rollback run's carried trigger) — what
   * recordInput would take for it left empty, shown so it can be read.
   */
  prefilled(id: string): Record<string, string> {
    const step = this.findStep(id);
    if (step?.kind !== 'input') return {};
    const filled = resolveRelativeTimes(step, {}, this.clock(), this.refContext());
    return Object.fromEntries(Object.entries(filled).filter(([, v]) => typeof v === 'string' && v !== ''));
  }

  /** recordNotRun on a run just started; if it throws, the bundle is released before the error goes on. */
  recordNotRunOrRelease(): this {
    try {
      this.recordNotRun();
    } catch (err) {
      this.release();
      throw err;
    }
    return this;
  }

  /** Writes manifest.json, decision-record.md and SHA256SUMS for the bundle as it stands. */
  async writeSummaries(): Promise<RunOutcome> {
    const now = this.eventTime();
    const started = this.journal.events[0] as Extract<JournalEvent, { type: 'run.started' }>;
    const manifest = buildManifest(this.runbook, this.current, this.journal.events, { id: started.runbook.id, title: started.runbook.title, version: started.runbook.version, sha256: started.runbook.sha256 }, now);
    writeFileDurable(join(this.bundleDir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, this.bundleDir);
    writeFileDurable(join(this.bundleDir, DECISION_RECORD), renderDecisionRecord(this.runbook, this.current, manifest, now), this.bundleDir);
    await writeSums(this.bundleDir, recordedDigests(this.journal.events));
    return manifest.outcome;
  }

  /**
   * Now, as the journal will record it: never before the last event (the
   * journal keeps its times in order when the clock steps back), so what is
   * judged at a time and the event recording it agree.
   */
  protected eventTime(): Date {
    const now = this.clock();
    const last = this.journal.events[this.journal.events.length - 1];
    return last && now.toISOString() < last.at ? new Date(last.at) : now;
  }

  /** Closes the run (no further changes) and writes the final summaries. */
  async close(): Promise<RunOutcome> {
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
    this.onRelease();
    this.journal.close();
    releaseLock(this.bundleDir);
  }

  protected onRelease(): void {}

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

function closingSummary(outcome: RunOutcome, state: RunState): string {
  if (state.decision) return `${state.decision.label}${state.decision.remediation ? ` — remediation: ${state.decision.remediation}` : ''}`;
  return outcome;
}
