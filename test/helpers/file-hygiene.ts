// Run before every test file (vitest `setupFiles`). The suite runs with
// `isolate: false`: the test files of one worker share its process and its
// module cache, one after another, instead of each getting a fresh process
// (that fresh process cost ~180 CPU seconds of a ~780 s suite). What one file
// changes in the process must therefore not reach the next:
// - the cleanups shared helpers register with ./per-file.ts (temp dirs,
//   running children) run after every test and every file, here;
// - the environment, working directory, exit code and real timers are put
//   back to the worker's state before its first file — at the end of each
//   file, and again at the start of the next, in case the end was skipped
//   (an earlier afterAll threw, the file failed to load, or it was skipped);
// - a file that leaves a signal or crash handler behind fails, and the
//   handler is removed. ('exit' handlers are not watched: a module may add
//   one once for the whole process, as src/runner/process-group.ts does to
//   kill what is still running.)
import { afterAll, afterEach, vi } from 'vitest';
import { runCleanups } from './per-file.js';

/** Events whose listeners change what the process does when it is signalled or a test throws. */
const WATCHED = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'uncaughtException', 'unhandledRejection'] as const;

type Listener = (...args: unknown[]) => void;
const emitter = process as NodeJS.EventEmitter;
const listenersOf = (event: string): Listener[] => emitter.listeners(event) as Listener[];

interface Baseline {
  env: NodeJS.ProcessEnv;
  cwd: string;
  listeners: Map<string, Listener[]>;
}

// Taken once per worker, when this file first runs (before any test file is
// loaded; vitest's own handlers are in place by then).
const KEY = Symbol.for('cutover.test.worker-baseline');
const baseline: Baseline = ((globalThis as Record<symbol, Baseline | undefined>)[KEY] ??= {
  env: { ...process.env },
  cwd: process.cwd(),
  listeners: new Map(WATCHED.map((e) => [e, listenersOf(e)])),
});

/** Puts the process back as the worker had it; returns the events whose extra handlers were removed. */
function restore(): string[] {
  vi.useRealTimers();
  process.exitCode = undefined;
  if (process.cwd() !== baseline.cwd) process.chdir(baseline.cwd);
  for (const k of Object.keys(process.env)) if (!Object.hasOwn(baseline.env, k)) delete process.env[k];
  Object.assign(process.env, baseline.env);
  const removed: string[] = [];
  for (const event of WATCHED) {
    const before = baseline.listeners.get(event) ?? [];
    for (const fn of listenersOf(event)) {
      if (before.includes(fn)) continue;
      emitter.off(event, fn);
      removed.push(event);
    }
  }
  return removed;
}

// Whatever a previous file left because its end did not run.
restore();

afterEach(() => runCleanups('test'));

afterAll(async () => {
  let failed: { error: unknown } | undefined;
  try {
    await runCleanups('file');
  } catch (error) {
    failed = { error };
  }
  const leaked = restore();
  if (failed) throw failed.error;
  if (leaked.length > 0) {
    throw new Error(`this test file left process handlers behind (${leaked.join(', ')}); they were removed. Remove them where they are added (a session, a screen or a test not disposed).`);
  }
});
