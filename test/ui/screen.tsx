// Mounts the interactive screen with ink-testing-library on a real Session
// (the GO-lock fixture runbook, or any runbook, in a temp dir): a fresh
// store per test, keys written to stdin, frames read back. Wait for a frame
// with `await vi.waitFor(() => expect(screen.frame()).toContain(...))`.
import { render } from 'ink-testing-library';
import { vi } from 'vitest';
import { Conductor } from '../../src/session/conductor.js';
import { loadAnswers } from '../../src/session/answers.js';
import { Session } from '../../src/session/session.js';
import { App } from '../../src/ui/components/App.js';
import { ScreenProvider } from '../../src/ui/context.js';
import { Intents } from '../../src/ui/intents.js';
import { createRunStore, type RunStore } from '../../src/ui/store/run-store.js';
import type { StoreApi } from 'zustand/vanilla';
import type { Mode } from '../../src/runbook/types.js';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { OPERATOR, tempDir, writeRunbook, type RunbookDoc } from '../fixtures/engine/scenario.js';

/** Key sequences as a terminal sends them. */
export const KEY = {
  enter: '\r',
  escape: '\x1b',
  tab: '\t',
  shiftTab: '\x1b[Z',
  up: '\x1b[A',
  down: '\x1b[B',
  left: '\x1b[D',
  right: '\x1b[C',
  pageUp: '\x1b[5~',
  pageDown: '\x1b[6~',
  home: '\x1b[H',
  end: '\x1b[F',
  backspace: '\x7f',
  ctrlC: '\x03',
  altEnter: '\x1b\r',
} as const;

export interface Screen {
  session: Session;
  store: StoreApi<RunStore>;
  intents: Intents;
  /** The last frame drawn. */
  frame(): string;
  /** Writes keys to the screen's stdin (one write each, as typed). */
  press(...keys: string[]): void;
  /** Resolves with the exit code the screen asked for. */
  exited: Promise<number>;
  unmount(): void;
}

export interface MountOptions {
  edit?: (rb: RunbookDoc) => void;
  /** Prefilled answers (step id → answer, as in an answers file). */
  answers?: Record<string, unknown>;
  size?: { columns: number; rows: number };
  now?: () => Date;
  /** Start from an existing session instead of the fixture. */
  session?: Session;
  /** Prefill the typed confirmations too, as the demo does (default: when answers are given). */
  prefillConfirmations?: boolean;
}

const mounted: Screen[] = [];

/** Unmounts and releases every screen of the test (call in afterEach). */
export function unmountAll(): void {
  while (mounted.length) mounted.pop()!.unmount();
}

export function mountScreen(opts: MountOptions = {}): Screen {
  let session = opts.session;
  if (!session) {
    const dir = tempDir();
    session = Session.start({ runbookPath: writeRunbook(dir, opts.edit), mode: 'rehearsal', vars: {}, evidenceDir: join(dir, 'evidence'), operator: OPERATOR, ...(opts.now ? { now: opts.now } : {}) });
  }
  let answers;
  if (opts.answers) {
    const file = join(tempDir(), 'answers.yaml');
    writeFileSync(file, stringify({ answers: opts.answers }));
    answers = loadAnswers(file, session.runbook);
  }
  const conductor = new Conductor(session);
  const handle = createRunStore(session, { selected: conductor.resumePoint()?.id ?? session.runbook.sections[0]!.steps[0]!.id, size: opts.size ?? { columns: 100, rows: 30 } });
  let exit!: (code: number) => void;
  const exited = new Promise<number>((resolve) => (exit = resolve));
  const intents = new Intents({ session, conductor, store: handle.store, ...(answers ? { defaults: answers } : {}), prefillConfirmations: opts.prefillConfirmations ?? answers !== undefined, exit });
  intents.begin();
  const ink = render(
    <ScreenProvider store={handle.store} intents={intents}>
      <App />
    </ScreenProvider>,
  );
  const s = session;
  const screen: Screen = {
    session: s,
    store: handle.store,
    intents,
    frame: () => ink.lastFrame() ?? '',
    press: (...keys) => {
      for (const k of keys) ink.stdin.write(k);
    },
    exited,
    unmount: () => {
      ink.unmount();
      // ink-testing-library keeps every instance it rendered for good (a
      // module-level list that cleanup() does not empty), and a worker now
      // runs many files: let go of the frames at least.
      ink.frames.length = 0;
      handle.dispose();
      s.release();
    },
  };
  mounted.push(screen);
  return screen;
}

/**
 * `vi.waitFor` with room for real child processes and fsyncs (its default,
 * 1 s, is shorter than a few steps of a run take on a busy machine); then
 * lets React run the effects of the frame it saw. Ink attaches key handlers
 * in effects, so a key pressed between a render and its effects (e.g. the
 * first character for a field that just got the focus) would be lost.
 */
export async function until<T>(check: () => T | Promise<T>, timeout = 30_000): Promise<T> {
  const result = await vi.waitFor(check, { timeout, interval: 20 });
  await settle();
  return result;
}

/** Yields to the event loop until React's scheduled work (the effects of the last render) has run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Starts a Session on the (edited) fixture in a temp dir, for `mountScreen({ session })` (e.g. in cutover mode). */
export function startSession(opts: { edit?: (rb: RunbookDoc) => void; mode?: Mode; now?: () => Date } = {}): Session {
  const dir = tempDir();
  return Session.start({ runbookPath: writeRunbook(dir, opts.edit), mode: opts.mode ?? 'rehearsal', vars: {}, evidenceDir: join(dir, 'evidence'), operator: OPERATOR, ...(opts.now ? { now: opts.now } : {}) });
}

/** A clock the test moves forward (for deadlines and elapsed times). */
export function movableClock(start = Date.parse('2026-11-21T14:00:00Z')): { now: () => Date; advance(ms: number): void } {
  let offset = 0;
  return { now: () => new Date(start + offset), advance: (ms) => void (offset += ms) };
}

/**
 * A step's `run` that prints `tick 1`, `tick 2`, … every `everyMs` and exits
 * 0 once the file `release` exists (or after about 30 s, so that nothing
 * outlives a failed test for long).
 */
export function ticking(release: string, everyMs = 50): string[] {
  const script = `const fs = require('fs'); let i = 0; const t = setInterval(() => { console.log('tick ' + ++i); if (fs.existsSync(process.argv[1]) || i * ${everyMs} > 30000) clearInterval(t); }, ${everyMs});`;
  return [process.execPath, '-e', script, release];
}
