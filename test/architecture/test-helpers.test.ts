// The suite runs with `isolate: false` (vitest.config.ts): a worker imports a
// shared helper module once, so a vitest hook a helper registers at its top
// level belongs to the first test file that imported it only — later files
// in that worker would keep its temp directories and running children.
// Helpers register their cleanups with test/helpers/per-file.ts instead,
// which test/helpers/file-hygiene.ts runs for every file. A hook inside a
// function a test file calls (useTempDirs in test/runner/helpers.ts) is
// registered per file, and allowed.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/cli.js';

const TEST = join(REPO, 'test');
/** The setup file itself registers hooks for every file: that is its job. */
const ALLOWED = new Set(['helpers/file-hygiene.ts']);

function helperFiles(dir = TEST): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : helperFiles(full);
    return /\.(ts|tsx|mts|mjs)$/.test(e.name) && !/\.test\.(ts|tsx)$/.test(e.name) ? [full] : [];
  });
}

describe('shared test helpers', () => {
  it('register no vitest hook at their top level (they use test/helpers/per-file.ts)', () => {
    const files = helperFiles();
    expect(files.length).toBeGreaterThan(10);
    const offenders = files
      .filter((f) => !ALLOWED.has(relative(TEST, f)))
      .flatMap((f) =>
        readFileSync(f, 'utf8')
          .split('\n')
          .map((line, i) => ({ line, at: `${relative(TEST, f)}:${i + 1}` }))
          .filter(({ line }) => /^(afterEach|afterAll|beforeEach|beforeAll)\s*\(/.test(line))
          .map(({ at }) => at),
      );
    expect(offenders).toEqual([]);
  });
});
