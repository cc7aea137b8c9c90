// Runs the built CLI (dist/cli.js) as a real child process for the
// runbook tests. `npm test` builds first (pretest); when dist/ is older than
// the sources (e.g. `npx vitest run test/runbook` after an edit) it is
// rebuilt once, under a lock so parallel test files do not build at once.
//
// The tests run a private copy of that build: a build deletes dist/ first,
// and one started elsewhere (another test file, another terminal) would
// otherwise pull the CLI away from under running spawns. Lint and plan do
// not look for files next to the bundle, so the copy behaves the same.
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
const DIST = join(ROOT, 'dist');
let cli: string | undefined;

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

function isFresh(): boolean {
  const built = join(DIST, 'cli.js');
  return existsSync(built) && statSync(built).mtimeMs >= Math.max(newestMtime(join(ROOT, 'src')), newestMtime(join(ROOT, 'schema')));
}

/** Makes sure dist/cli.js is built from the current sources, and takes a private copy of it. */
export async function ensureBuilt(): Promise<void> {
  await build();
  for (let attempt = 1; ; attempt++) {
    const copy = join(mkdtempSync(join(tmpdir(), 'cutover-cli-')), 'dist');
    try {
      cpSync(DIST, copy, { recursive: true });
      execFileSync(process.execPath, [join(copy, 'cli.js'), '--version'], { stdio: 'pipe' });
      cli = join(copy, 'cli.js');
      return;
    } catch (err) {
      // dist/ was being rebuilt while we copied it: wait for that build, copy again.
      if (attempt === 5) throw err;
      await new Promise((r) => setTimeout(r, 1000));
      await build();
    }
  }
}

async function build(): Promise<void> {
  if (isFresh()) return;
  const lock = join(tmpdir(), `cutover-build-${Buffer.from(ROOT).toString('hex').slice(-16)}.lock`);
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Someone else is building; a lock older than two minutes is stale.
      if (Date.now() > deadline || Date.now() - statSync(lock, { throwIfNoEntry: false })!.mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 200));
      if (isFresh()) return;
    }
  }
  try {
    if (!isFresh()) execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'pipe' });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliResult> {
  const bin = cli;
  if (!bin) throw new Error('call ensureBuilt() first (in beforeAll)');
  return new Promise((done) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { cwd: options.cwd ?? ROOT, env: { ...process.env, NO_COLOR: '1', ...options.env }, timeout: options.timeoutMs ?? 90_000, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' },
      (err, stdout, stderr) => {
        const e = err as (Error & { code?: number | string; signal?: NodeJS.Signals }) | null;
        done({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, signal: e?.signal ?? null, stdout, stderr });
      },
    );
  });
}

/** Maps with at most `limit` calls in flight (the CI box has two cores). */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** A stack trace line, or the CLI's bug report. */
export const CRASH = /\n\s+at .+:\d+:\d+|internal error/;
