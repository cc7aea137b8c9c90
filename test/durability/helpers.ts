// Scaffolding for the durability tests: the real `cutover` process (dist/cli.js
// when it is fresh, else src/cli.ts through tsx's loader in-process, so the
// child is cutover itself), shell pipelines, small TypeScript scripts that
// import src/ in a separate real process (to hold a lock, to append to a
// journal under `ulimit -f`), and temp dirs removed after each test.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEachFile, afterEachTest } from '../helpers/per-file.js';
import { DIST, distIsFresh } from '../helpers/cli.js';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const SRC = join(REPO, 'src');
export const TSX_LOADER = pathToFileURL(join(REPO, 'node_modules/tsx/dist/loader.mjs')).href;


/** argv (node first) that runs `cutover ...args`. */
export function cutoverArgv(args: string[]): string[] {
  const entry = distIsFresh() ? [DIST] : ['--import', TSX_LOADER, join(SRC, 'cli.ts')];
  return [process.execPath, ...entry, ...args];
}

/** Quotes a word for /bin/sh. */
export function sh(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The shell words that run cutover with `args`. */
export function cutoverShell(args: string[]): string {
  return cutoverArgv(args).map(sh).join(' ');
}

const dirs: string[] = [];
afterEachTest('durability helpers', () => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

const fileDirs: string[] = [];
afterEachFile('durability helpers', () => {
  while (fileDirs.length) rmSync(fileDirs.pop()!, { recursive: true, force: true });
});

/** A temp dir removed after the test — or, with keep 'file', after the test file. */
export function tempDir(prefix = 'cutover-durability-', keep: 'test' | 'file' = 'test'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  (keep === 'test' ? dirs : fileDirs).push(dir);
  return dir;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Started {
  pid: number;
  /** Resolves with the first line the process prints on stdout. */
  firstLine: Promise<string>;
  exited: Promise<Exit>;
  kill(signal?: NodeJS.Signals): void;
}

/** Starts argv[0] with the rest; stdout and stderr are collected. */
export function start(argv: string[], opts: { cwd?: string; env?: Record<string, string | undefined>; timeoutMs?: number } = {}): Started {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.CI;
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const child = spawn(argv[0]!, argv.slice(1), { cwd: opts.cwd ?? REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let onLine: ((line: string) => void) | undefined;
  const firstLine = new Promise<string>((resolve) => (onLine = resolve));
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    const nl = stdout.indexOf('\n');
    if (nl !== -1) onLine?.(stdout.slice(0, nl));
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
  const exited = new Promise<Exit>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { pid: child.pid!, firstLine, exited, kill: (signal = 'SIGKILL') => child.kill(signal) };
}

export function run(argv: string[], opts: { cwd?: string; env?: Record<string, string | undefined>; timeoutMs?: number } = {}): Promise<Exit> {
  return start(argv, opts).exited;
}

/** Runs a /bin/sh script. */
export function shell(script: string, opts: { cwd?: string; env?: Record<string, string | undefined>; timeoutMs?: number } = {}): Promise<Exit> {
  return run(['/bin/sh', '-c', script], opts);
}

/**
 * argv running a TypeScript script in its own Node process; `@SRC@` in the
 * text is replaced by the src/ directory, so it can import the real modules.
 */
export function scriptArgv(dir: string, name: string, text: string): string[] {
  const file = join(dir, `${name}.ts`);
  writeFileSync(file, text.replaceAll('@SRC@', SRC));
  return [process.execPath, '--import', TSX_LOADER, file];
}

/** Matches a Node stack frame: a stack trace was printed. */
export const STACK = /\n\s+at .+:\d+:\d+/;
