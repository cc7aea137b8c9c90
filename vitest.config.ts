import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Most of a test's time is spent waiting on a child process (the CLI, a
// command it runs, a terminal), not on the worker's own CPU: two workers more
// than there are cores keep the cores busy (on 2 cores, idle: 312 s with
// three workers, 288 s with four). vitest's default (cores - 1) is a single
// worker on a 2-core machine.
const maxWorkers = availableParallelism() + 2;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // Hang guards, not budgets: a busy machine (two suites at once on two
    // cores) is slow, not wrong. No test asserts a duration (issue 11).
    testTimeout: 300_000,
    hookTimeout: 300_000,
    // Forks, not threads: test/helpers/cli-in-process.ts chdirs the worker for a call.
    pool: 'forks',
    maxWorkers,
    // A worker runs its test files one after another in one process instead
    // of a fresh process per file: `.ci/run` in a clean clone went from
    // 777–829 to 648 CPU seconds, vitest from 384–412 s to 317 s (idle;
    // 305 s with the fourth worker).
    // test/helpers/file-hygiene.ts puts back what a file changes in the
    // process, runs the shared helpers' cleanups (test/helpers/per-file.ts)
    // for every file, and fails a file that leaks signal handlers.
    isolate: false,
    setupFiles: ['test/helpers/file-hygiene.ts'],
  },
});
