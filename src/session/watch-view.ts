// `cutover watch`: a read-only view of a run another process drives. It
// reads the bundle (never takes its lock, never writes), folds the journal
// with the same fold the run uses, and offers the screen what a Session
// offers it to draw (state, snapshots, activity, previews), so the same
// store, selectors and components show it. poll() follows the journal as
// it grows: only events whose hash chain checks out are folded; at the
// first break the view stops there and says from which event. A running
// attempt's output is read from its log files, as the run writes them.
import { statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { JournalEvent } from '../engine/events.js';
import { foldEvents, stepsInOrder, type RunState } from '../engine/fold.js';
import { stateRefContext } from '../engine/incident.js';
import { actionsFor, type StepActions } from '../engine/policy.js';
import { attemptDir, isBundleDir, RUNBOOK_COPY } from '../evidence/bundle.js';
import { chainHash, GENESIS } from '../evidence/canonical.js';
import { JOURNAL_FILE, readJournal } from '../evidence/journal.js';
import { loadRunbook } from '../runbook/load.js';
import { render, resolveCheckParams, resolveCommand, resolveCwd, type RefContext } from '../runbook/resolve.js';
import type { Runbook, Step } from '../runbook/types.js';
import { tailOf } from '../runner/log-tail.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { InputError } from '../shared/errors.js';
import { Notifier, snapshotOf, type Activity, type Health, type Listener, type Snapshot } from './notifications.js';

/** Lines of a running attempt's output kept for the detail pane. */
const TAIL_LINES = 40;

/** How many events, from the first, have a chain that checks out (seq, prev and hash). */
export function intactPrefix(events: readonly JournalEvent[]): number {
  let prev = GENESIS;
  for (let i = 0; i < events.length; i++) {
    const { hash, ...rest } = events[i]!;
    if (rest.seq !== i + 1 || rest.prev !== prev || chainHash(prev, rest as Record<string, unknown>) !== hash) return i;
    prev = hash;
  }
  return events.length;
}

/** Where the journal stops checking out: the event (1-based) and its seq. */
export interface ChainBreak {
  index: number;
  seq: number;
  message: string;
}

/** The bundle's runbook copy, or an InputError naming what is wrong (exit 2). */
export function watchedRunbook(bundleDir: string): Runbook {
  if (!isBundleDir(bundleDir)) throw new InputError(`${bundleDir}: not an evidence bundle (no ${JOURNAL_FILE} in it)`, 'pass the bundle directory the run printed (bundle: …)');
  const loaded = loadRunbook(join(bundleDir, RUNBOOK_COPY), { checkRollbackPath: false, bundleCopy: true });
  if (!loaded.ok) throw new InputError(`${join(bundleDir, RUNBOOK_COPY)}: the runbook copy is not a valid runbook (${loaded.diagnostics[0]?.message})`, 'run `cutover verify` on the bundle');
  return loaded.loaded.runbook;
}

export class WatchView {
  readonly runbook: Runbook;
  readonly bundleDir: string;
  readonly clock: Clock;
  readonly preflight: readonly never[] = [];
  private readonly notifier = new Notifier();
  private readonly stepsById: Map<string, Step>;
  private shown: JournalEvent[] = [];
  private snap: Snapshot | undefined;
  private size = -1;
  private running: Activity = {};
  private tailSize = -1;
  /** Set once the journal stops checking out; nothing after it is shown. */
  broken: ChainBreak | undefined;
  /** What reading the journal reported first (a torn last line while the run writes is normal and not shown). */
  readonly healthNow: Health = { journal: 'ok' };

  constructor(bundleDir: string, opts: { clock?: Clock } = {}) {
    this.bundleDir = bundleDir;
    this.runbook = watchedRunbook(bundleDir);
    this.clock = opts.clock ?? systemClock;
    this.stepsById = new Map(stepsInOrder(this.runbook).map((s) => [s.id, s]));
  }

  get journalFile(): string {
    return join(this.bundleDir, JOURNAL_FILE);
  }

  get events(): readonly JournalEvent[] {
    return this.shown;
  }

  /** The state as of the last intact event (run.started once poll() has run). */
  get state(): RunState {
    return this.snapshot.state;
  }

  get snapshot(): Snapshot {
    if (!this.snap) throw new Error('WatchView: poll() before reading the state');
    return this.snap;
  }

  get activity(): Activity {
    return this.running;
  }

  get health(): Health {
    return this.healthNow;
  }

  get operator(): string {
    return this.snap?.state.operator ?? '';
  }

  subscribe(listener: Listener): () => void {
    return this.notifier.subscribe(listener);
  }

  /**
   * Reads what the run wrote since the last call: new intact events are
   * folded (one snapshot), the running attempt and its output tail are
   * updated. Returns whether anything changed.
   */
  poll(): boolean {
    let changed = false;
    const now = statSync(this.journalFile).size;
    if (now !== this.size && !this.broken) {
      this.size = now;
      const read = readJournal(this.journalFile);
      const intact = intactPrefix(read.events);
      if (intact < read.events.length) {
        const ev = read.events[intact]!;
        this.broken = { index: intact + 1, seq: Number(ev.seq), message: `the journal does not check out from event ${intact + 1} (seq ${String(ev.seq)}): its hash chain is broken, so nothing from there on is shown — run \`cutover verify ${this.bundleDir}\`` };
        changed = true;
      }
      if (intact > this.shown.length && read.events[0]?.type === 'run.started') {
        this.shown = read.events.slice(0, intact);
        const state = foldEvents(this.runbook, this.shown);
        this.snap = snapshotOf(state, this.shown.at(-1)!);
        this.notifier.emit({ kind: 'snapshot', snapshot: this.snap });
        changed = true;
      }
    }
    if (this.snap) changed = this.followRunning() || changed;
    return changed;
  }

  /** The attempt the journal shows running (started, not finished), and its output so far from disk. */
  private followRunning(): boolean {
    const st = Object.values(this.state.steps).find((s) => s.attempts.at(-1)?.status === 'running');
    const a = st?.attempts.at(-1);
    const was = this.running.running;
    let changed = false;
    if (st && a && (was?.step !== st.id || was.attempt !== a.n)) {
      this.running = { running: { step: st.id, attempt: a.n, startedAt: a.startedAt, cancelling: false } };
      this.tailSize = -1;
      this.notifier.emit({ kind: 'activity', activity: this.running });
      changed = true;
    } else if (!st && was) {
      this.running = {};
      this.notifier.emit({ kind: 'activity', activity: this.running });
      changed = true;
    }
    const r = this.running.running;
    if (!r) return changed;
    const dir = attemptDir(this.bundleDir, r.step, r.attempt);
    const logs = ['combined.log', 'stdout.log', 'stderr.log'].map((f) => ({ file: join(dir, f), size: sizeOf(join(dir, f)) }));
    const log = logs.find((l) => l.size > 0);
    if (!log || log.size === this.tailSize) return changed;
    this.tailSize = log.size;
    this.notifier.emit({ kind: 'output', output: { step: r.step, attempt: r.attempt, lines: tailOf(log.file, TAIL_LINES), bytes: log.size, done: false } });
    return true;
  }

  step(id: string): Step {
    const step = this.findStep(id);
    if (!step) throw new InputError(`unknown step "${id}" in runbook ${this.runbook.id}`, `the steps are: ${[...this.stepsById.keys()].join(', ')}`);
    return step;
  }

  findStep(id: string): Step | undefined {
    return this.stepsById.get(id);
  }

  /** What the run could do with the step now (the screen shows it; watch never does it). */
  actionsFor(id: string): StepActions {
    return actionsFor(this.runbook, this.state, this.step(id), this.running.running);
  }

  /** The journal is masked already; what the screen shows comes from it. */
  mask(text: string): string {
    return text;
  }

  private refContext(): RefContext {
    const s = this.state;
    const started = this.shown[0];
    const vars = started?.type === 'run.started' && started.vars && typeof started.vars === 'object' ? started.vars : {};
    // As the run renders (stateRefContext), so a text naming the trigger (${trigger.id}) reads the same here.
    return stateRefContext(s, { vars, runbook: this.runbook.id, bundle: this.bundleDir });
  }

  private get runbookDir(): string {
    const started = this.shown[0];
    return started?.type === 'run.started' ? dirname(started.runbook.file) : this.bundleDir;
  }

  preview(id: string): { display: string; cwd: string } | undefined {
    const step = this.findStep(id);
    try {
      if (step?.kind === 'command') {
        const cmd = resolveCommand(step, this.runbookDir, this.refContext());
        return { display: cmd.display, cwd: cmd.cwd };
      }
      if (step?.kind === 'check') return { display: `check ${step.check} ${JSON.stringify(resolveCheckParams(step, this.refContext()))}`, cwd: resolveCwd(step.cwd, this.runbookDir, this.refContext()) };
    } catch {
      // a var or input it refers to is not there yet
    }
    return undefined;
  }

  private rendered(template: string): string | undefined {
    try {
      return render(template, this.refContext());
    } catch {
      return undefined;
    }
  }

  renderNotice(id: string): string | undefined {
    const step = this.findStep(id);
    if (step?.kind !== 'notice') return undefined;
    const last = this.state.updates[id]?.at(-1); // a status-update notice: the latest update as sent
    if (!last) return this.rendered(step.template);
    const ctx = this.refContext();
    return render(step.template, { ...ctx, inputs: { ...ctx.inputs, [id]: { ...last.values, number: String(last.n) } } });
  }

  statementOf(id: string): string | undefined {
    const step = this.findStep(id);
    return step?.kind === 'confirm' || step?.kind === 'signoff' ? this.rendered(step.statement) : undefined;
  }

  channelOf(id: string): string | undefined {
    const step = this.findStep(id);
    return step?.kind === 'notice' && step.channel ? this.rendered(step.channel) : undefined;
  }

  relative(path: string): string {
    const rel = relative(process.cwd(), path);
    return rel === '' ? '.' : rel.startsWith('..') ? path : rel;
  }
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return -1;
  }
}
