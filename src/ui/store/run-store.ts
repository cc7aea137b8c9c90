// The screen's store: a vanilla zustand store fed by the session's
// notifications — a snapshot per journaled event (after fsync), activity,
// health, a few output flushes a second — plus a 1 Hz tick for countdowns
// and elapsed times. Plain data only; the session never sees it.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { RunOutcome } from '../../engine/events.js';
import type { RunState } from '../../engine/fold.js';
import type { Activity, Health } from '../../session/notifications.js';
import type { ScreenView } from '../screen-view.js';
import { uiReducer, type UiAction, type UiState } from './ui-reducer.js';

/** The spinner's frame period. */
const SPIN_MS = 500;

export interface TailView {
  attempt: number;
  lines: string[];
  bytes: number;
  done: boolean;
}

export interface RunStore {
  seq: number;
  run: RunState;
  tails: Record<string, TailView>;
  activity: Activity;
  health: Health;
  /** The session clock, as of the last tick (ms). */
  now: number;
  /** Frame of the running step's spinner (advances a few times a second while a step runs). */
  spin: number;
  size: { columns: number; rows: number };
  ui: UiState;
  /** Set once the run is closed. */
  outcome?: RunOutcome;
  dispatch(action: UiAction): void;
}

export interface RunStoreHandle {
  store: StoreApi<RunStore>;
  dispose(): void;
}

export function createRunStore(session: ScreenView, opts: { selected: string; size: { columns: number; rows: number }; tickMs?: number }): RunStoreHandle {
  const store = createStore<RunStore>()((set) => ({
    seq: session.snapshot.seq,
    run: session.state,
    tails: {},
    activity: session.activity,
    health: session.health,
    now: session.clock().getTime(),
    spin: 0,
    size: opts.size,
    ui: { selected: opts.selected },
    ...(session.state.closed ? { outcome: session.state.closed.outcome } : {}),
    dispatch: (action) => set((s) => ({ ui: uiReducer(s.ui, action) })),
  }));
  const off = session.subscribe((n) => {
    switch (n.kind) {
      case 'snapshot':
        store.setState({ seq: n.snapshot.seq, run: n.snapshot.state, now: session.clock().getTime(), ...(n.snapshot.state.closed ? { outcome: n.snapshot.state.closed.outcome } : {}) });
        return;
      case 'activity':
        store.setState({ activity: n.activity });
        spinWhile(n.activity.running !== undefined);
        return;
      case 'health':
        store.setState({ health: n.health });
        return;
      case 'output': {
        // One redraw for all that moves: the tail, the clock and the spinner ride along with it.
        const { step, attempt, lines, bytes, done } = n.output;
        lastSpin = Date.now();
        store.setState((s) => ({ tails: { ...s.tails, [step]: { attempt, lines, bytes, done } }, now: session.clock().getTime(), spin: s.spin + 1 }));
        return;
      }
    }
  });
  // Every redraw costs the event loop (Ink composes the whole frame): the
  // clock and the spinner redraw only when nothing else did lately.
  const tickMs = opts.tickMs ?? 1000;
  let lastSpin = 0;
  const tick = setInterval(() => {
    const now = session.clock().getTime();
    if (now - store.getState().now >= tickMs * 0.9) store.setState({ now });
  }, tickMs);
  tick.unref();
  // The spinner turns only while a step runs: an idle screen is not redrawn for it.
  let spinner: NodeJS.Timeout | undefined;
  function spinWhile(running: boolean): void {
    if (running && !spinner) {
      spinner = setInterval(() => {
        if (Date.now() - lastSpin < SPIN_MS * 0.9) return;
        lastSpin = Date.now();
        store.setState((s) => ({ spin: s.spin + 1 }));
      }, SPIN_MS);
      spinner.unref();
    } else if (!running && spinner) {
      clearInterval(spinner);
      spinner = undefined;
    }
  }
  spinWhile(session.activity.running !== undefined);
  return {
    store,
    dispose: () => {
      off();
      clearInterval(tick);
      spinWhile(false);
    },
  };
}
