// What a session tells the front ends (a screen's store, the plain
// reporter). Every notification is plain, immutable data:
// - snapshot: the run state after a journal event, delivered only once that
//   event is fsync'd, versioned by its seq;
// - activity: what is running now (starting, cancelling) — not evidence;
// - health: the journal or the evidence could not be written;
// - output: the running attempt's live tail (see output-hub.ts).
// A listener that throws is isolated: the others still hear, and the
// intent that caused the notification is not affected.
import type { JournalEvent } from '../engine/events.js';
import type { RunState } from '../engine/fold.js';
import type { OutputFlush } from './output-hub.js';

export interface Snapshot {
  /** The journal seq of the last event folded in. */
  readonly seq: number;
  readonly state: RunState;
  /** The event that made this snapshot (run.started for the first). */
  readonly event: JournalEvent;
}

export interface RunningAttempt {
  step: string;
  attempt: number;
  startedAt: string;
  cancelling: boolean;
}

export interface Activity {
  running?: RunningAttempt;
}

export interface Health {
  /** 'ok', or why the journal (or the evidence) cannot be written: the run must be resumed after the cause is fixed. */
  journal: 'ok' | { failed: string; code: string };
  /** The last error a listener threw (isolated; shown so that it is not silent). */
  listener?: string;
}

export type Notification =
  | { kind: 'snapshot'; snapshot: Snapshot }
  | { kind: 'activity'; activity: Activity }
  | { kind: 'health'; health: Health }
  | { kind: 'output'; output: OutputFlush };

export type Listener = (notification: Notification) => void;

/** Deep-freezes plain data (the state is JSON-like: objects and arrays). */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** An immutable copy of the state after `event`. */
export function snapshotOf(state: RunState, event: JournalEvent): Snapshot {
  return deepFreeze({ seq: event.seq, state: structuredClone(state), event: structuredClone(event) });
}

export class Notifier {
  private readonly listeners = new Set<Listener>();
  private errors = 0;
  private onError: ((message: string) => void) | undefined;

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called (once per error) with the message of a listener that threw. */
  onListenerError(report: (message: string) => void): void {
    this.onError = report;
  }

  /** How many times a listener threw. */
  get listenerErrors(): number {
    return this.errors;
  }

  emit(notification: Notification): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(notification);
      } catch (error) {
        this.errors++;
        // A health notice about a failing listener is not itself reported again.
        if (notification.kind !== 'health') this.onError?.(error instanceof Error ? error.message : String(error));
      }
    }
  }
}
