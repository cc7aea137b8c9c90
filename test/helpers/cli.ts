// Runs the real `cutover` command as a child process, the way a user or CI
// does: the built dist/cli.js (`npm test` builds it first). When dist/ is
// missing or older than a file in src/ (vitest run without a build), it runs
// src/cli.ts through tsx instead, so a test never checks stale code; the one
// line that picks the entry point is `ENTRY` below. CI is removed from the
// child's environment (Ink draws nothing live when it is set).
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));

export const DIST = join(REPO, 'dist/cli.js');
const ENTRY: string[] = distIsFresh() ? [DIST] : [join(REPO, 'node_modules/tsx/dist/cli.mjs'), join(REPO, 'src/cli.ts')];

/** dist/cli.js exists and no file in src/ is newer: tests may run what ships. */
export function distIsFresh(): boolean {
  let built: number;
  try {
    built = statSync(DIST).mtimeMs;
  } catch {
    return false;
  }
  const newer = (dir: string): boolean =>
    readdirSync(dir, { withFileTypes: true }).some((e) => (e.isDirectory() ? newer(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs > built));
  return !newer(join(REPO, 'src'));
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  /** Added to (or, with value undefined, removed from) the inherited environment. */
  env?: Record<string, string | undefined>;
  input?: string;
  timeoutMs?: number;
}

/** `cutover ...args`; resolves when the process exits, never rejects on a non-zero exit. */
export function cli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.CI;
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...ENTRY, ...args], { cwd: opts.cwd ?? REPO, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}
