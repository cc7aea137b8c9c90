// Run before every test file (vitest `setupFiles`). The suite runs with
// `isolate: false`: the test files of one worker share its process, one
// after another, instead of each getting a fresh one (that fresh process
// cost ~200 CPU seconds of a ~780 s suite). What one file changes in the
// process must therefore not reach the next. This file puts back what a
// test file may change on purpose — the environment, the working directory,
// the exit code, fake timers — and fails the file that leaves a signal or
// crash handler behind, which would otherwise act on a later file's run.
// ('exit' handlers are not watched: a module may add one once for the whole
// process, as src/runner/process-group.ts does to kill what is still running.)
import { afterAll, vi } from 'vitest';

/** Events whose listeners change what the process does when it is signalled or a test throws. */
const WATCHED = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'uncaughtException', 'unhandledRejection'] as const;

// Taken when this file runs: vitest runs it again before each test file is
// loaded, so what a test file does at its top level is after the snapshot.
const env: NodeJS.ProcessEnv = { ...process.env };
const cwd = process.cwd();
type Listener = (...args: unknown[]) => void;
const listenersOf = (event: string): Listener[] => (process as NodeJS.EventEmitter).listeners(event) as Listener[];
const listeners = new Map(WATCHED.map((e) => [e, listenersOf(e)]));

afterAll(() => {
  vi.useRealTimers();
  process.exitCode = undefined;
  if (process.cwd() !== cwd) process.chdir(cwd);
  for (const k of Object.keys(process.env)) if (!(k in env)) delete process.env[k];
  Object.assign(process.env, env);

  const leaked: string[] = [];
  for (const event of WATCHED) {
    const before = listeners.get(event) ?? [];
    for (const fn of listenersOf(event)) {
      if (before.includes(fn)) continue;
      (process as NodeJS.EventEmitter).off(event, fn);
      leaked.push(event);
    }
  }
  if (leaked.length > 0) {
    throw new Error(`this test file left process handlers behind (${leaked.join(', ')}); they were removed. Remove them where they are added (a session, a screen or a test not disposed).`);
  }
});
