// Cleanups a shared helper module needs after every test and every test
// file. A helper must not call vitest's afterEach/afterAll at its top level:
// the suite runs with `isolate: false`, a worker imports a helper module
// once, and hooks registered then belong to the first test file that
// imported it only — every later file in that worker would keep its temp
// directories and running children. test/helpers/file-hygiene.ts, which
// vitest runs again before each test file, runs what is registered here
// from its own hooks, for every file.

type Cleanup = () => void | Promise<void>;

interface Registry {
  test: Map<string, Cleanup>;
  file: Map<string, Cleanup>;
}

// On globalThis, so a helper module evaluated again (a new module graph)
// replaces its entry instead of adding a second one.
const KEY = Symbol.for('cutover.test.per-file-cleanups');
const registry: Registry = ((globalThis as Record<symbol, Registry | undefined>)[KEY] ??= { test: new Map(), file: new Map() });

/** Runs `fn` after every test of every test file (as a top-level afterEach would for its own file). */
export function afterEachTest(name: string, fn: Cleanup): void {
  registry.test.set(name, fn);
}

/** Runs `fn` after every test file (as a top-level afterAll would for its own file). */
export function afterEachFile(name: string, fn: Cleanup): void {
  registry.file.set(name, fn);
}

/** Runs every cleanup of one kind; all run even if one throws, and the first failure is thrown after. */
export async function runCleanups(kind: keyof Registry): Promise<void> {
  let failure: { error: unknown } | undefined;
  for (const fn of registry[kind].values()) {
    try {
      await fn();
    } catch (error) {
      failure ??= { error };
    }
  }
  if (failure) throw failure.error;
}
