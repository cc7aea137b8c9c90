// Scaffolding for the crash, signal and hostile-command tests: the real
// `cutover` process started as a child we can signal and kill, scratch
// directories with a fixture runbook copied in, the journal read as raw lines,
// and an independent (/proc) view of which processes are still alive.
//
// Every spawn of cutover goes through `startCli`; the entry point is the one
// line `ENTRY`. It is dist/cli.js (`npm test` builds it first); when dist/ is
// missing or older than src/ it is src/cli.ts with tsx's loader *in-process*
// (not tsx's CLI, which would run cutover in a grandchild and hide it from
// our signals). test/helpers/cli.ts does not expose its child process, which
// these tests need, so the freshness rule is repeated here.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEachFile, afterEachTest } from '../helpers/per-file.js';
import { DIST, distIsFresh } from '../helpers/cli.js';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const FIXTURES = join(REPO, 'test/fixtures');

const ENTRY: string[] = distIsFresh() ? [DIST] : ['--import', pathToFileURL(join(REPO, 'node_modules/tsx/dist/loader.mjs')).href, join(REPO, 'src/cli.ts')];
/** Whether cutover runs as shipped (dist/cli.js); through tsx it carries the compiler's memory too. */
export const RUNS_DIST = ENTRY[0] === DIST;


export interface CliExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout as bytes, to look for raw control bytes. */
  stdoutBytes: Buffer;
}

export interface RunningCli {
  child: ChildProcess;
  pid: number;
  /** What the process printed so far. */
  stdout(): string;
  stderr(): string;
  /** Whether it has exited (and its output is complete). */
  done(): boolean;
  exited: Promise<CliExit>;
}

export interface StartOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  /** Node flags before the entry point (e.g. an --import preload). */
  nodeArgs?: string[];
  /** SIGKILLed after this long (a hang then fails the test instead of stalling it); default 60 s. */
  timeoutMs?: number;
}

const started = new Set<ChildProcess>();

/** Starts `cutover ...args`; the test decides when to signal, kill or await it. */
export function startCli(args: string[], opts: StartOptions): RunningCli {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.CI;
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), ...ENTRY, ...args], { cwd: opts.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  started.add(child);
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout!.on('data', (d: Buffer) => out.push(d));
  child.stderr!.on('data', (d: Buffer) => err.push(d));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
  let closed = false;
  const exited = new Promise<CliExit>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      closed = true;
      clearTimeout(timer);
      started.delete(child);
      const stdoutBytes = Buffer.concat(out);
      resolve({ code, signal, stdout: stdoutBytes.toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), stdoutBytes });
    });
  });
  if (child.pid === undefined) throw new Error('cutover did not start');
  return {
    child,
    pid: child.pid,
    stdout: () => Buffer.concat(out).toString('utf8'),
    stderr: () => Buffer.concat(err).toString('utf8'),
    done: () => closed,
    exited,
  };
}

/** Runs `cutover ...args` to its end. */
export function runCli(args: string[], opts: StartOptions): Promise<CliExit> {
  return startCli(args, opts).exited;
}

/** Polls `probe` every few ms until it returns something truthy; fails with `what` at the deadline. */
export async function waitFor<T>(what: string, probe: () => T | undefined | false | null, timeoutMs = 15_000, intervalMs = 5): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Like waitFor, but fails at once — with cutover's output — if cutover exits first. */
export function waitWhileRunning<T>(cli: RunningCli, what: string, probe: () => T | undefined | false | null, timeoutMs?: number): Promise<T> {
  return waitFor(
    what,
    () => {
      const value = probe();
      if (value) return value;
      if (cli.done()) throw new Error(`cutover exited before ${what}:\n${cli.stdout()}\n${cli.stderr()}`);
      return undefined;
    },
    timeoutMs,
  );
}

export interface Scratch {
  dir: string;
  /** The evidence directory given to `cutover run`. */
  evidence: string;
  runbook: string;
  answers: string;
}

const scratchDirs: string[] = [];
const fileScratchDirs: string[] = [];
const extraPids = new Set<number>();

/** Processes a test let run on purpose (leftovers); killed after the test if still alive. */
export function trackPid(pid: number): void {
  extraPids.add(pid);
}

afterEachTest('crash helpers', () => {
  for (const child of started) child.kill('SIGKILL');
  started.clear();
  // Commands still running from a killed cutover: their groups are recorded in pid files.
  for (const dir of scratchDirs) for (const pid of leftoverPidFiles(dir)) killGroup(pid);
  for (const pid of extraPids) killGroup(pid);
  extraPids.clear();
  while (scratchDirs.length) rmSync(scratchDirs.pop()!, { recursive: true, force: true });
});

afterEachFile('crash helpers', () => {
  for (const dir of fileScratchDirs) for (const pid of leftoverPidFiles(dir)) killGroup(pid);
  while (fileScratchDirs.length) rmSync(fileScratchDirs.pop()!, { recursive: true, force: true });
});

function killGroup(pid: number): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // gone already
    }
  }
}

function leftoverPidFiles(dir: string): number[] {
  const pids: number[] = [];
  const walk = (d: string) => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name === 'pid') pids.push(Number(readFileSync(join(d, e.name), 'utf8').trim()));
    }
  };
  walk(dir);
  return pids.filter((p) => Number.isInteger(p) && p > 1);
}

/**
 * A fresh directory holding a copy of a fixture runbook and answers file
 * (`@KEY@` placeholders replaced). Commands run in the runbook's directory,
 * so whatever they write lands here too. Removed after the test — or, for
 * one made in beforeAll (`keep: 'file'`), after the test file.
 */
export function scratch(fixture: { runbook: string; answers?: string }, placeholders: Record<string, string> = {}, keep: 'test' | 'file' = 'test'): Scratch {
  const dir = mkdtempSync(join(tmpdir(), 'cutover-crash-'));
  (keep === 'test' ? scratchDirs : fileScratchDirs).push(dir);
  const fill = (text: string) => Object.entries(placeholders).reduce((t, [k, v]) => t.split(`@${k}@`).join(v), text);
  const runbook = join(dir, 'runbook.yaml');
  writeFileSync(runbook, fill(readFileSync(join(FIXTURES, fixture.runbook), 'utf8')));
  const answers = join(dir, 'answers.yaml');
  if (fixture.answers) writeFileSync(answers, fill(readFileSync(join(FIXTURES, fixture.answers), 'utf8')));
  return { dir, evidence: join(dir, 'evidence'), runbook, answers };
}

export function copyFixture(from: string, to: string): void {
  copyFileSync(join(FIXTURES, from), to);
}

/** A file's text, or '' while it does not exist. */
export function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** The pids crash/long.yaml's slow attempt writes: its shell and the background sleeper. */
export function leftoverPids(dir: string): [number, number] | undefined {
  const m = /^(\d+) (\d+)\n$/.exec(readText(join(dir, 'leftover.pids')));
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** The one bundle `cutover run` created under `evidence`, once it exists. */
export function bundleIn(evidence: string): string | undefined {
  if (!existsSync(evidence)) return undefined;
  const dirs = readdirSync(evidence).filter((n) => !n.startsWith('.'));
  if (dirs.length > 1) throw new Error(`more than one bundle in ${evidence}: ${dirs.join(', ')}`);
  return dirs[0] === undefined ? undefined : join(evidence, dirs[0]);
}

export interface RawEvent {
  seq: number;
  type: string;
  hash: string;
  step?: string;
  attempt?: number;
  [key: string]: unknown;
}

/** The journal's complete lines (a torn last line without its newline is left out). */
export function journalLines(bundle: string): string[] {
  let text: string;
  try {
    text = readFileSync(join(bundle, 'journal.ndjson'), 'utf8');
  } catch {
    return [];
  }
  const lines = text.split('\n');
  lines.pop(); // the part after the last newline: empty, or a torn write
  return lines;
}

export function journalEvents(bundle: string): RawEvent[] {
  return journalLines(bundle).map((l) => JSON.parse(l) as RawEvent);
}

/** `seq:hash-prefix` of each line, the identity of an acknowledged event. */
export function eventKeys(lines: string[]): string[] {
  return lines.map((l) => {
    const ev = JSON.parse(l) as RawEvent;
    return `${ev.seq}:${ev.hash.slice(0, 16)}`;
  });
}

/** Alive and not a zombie, by /proc (a killed orphan may wait a while for its reaper). */
export function isAlive(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return false;
  }
  const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  return state !== 'Z' && state !== 'X';
}

/** Live processes whose command line contains `marker`, by `ps` — independent of cutover's own bookkeeping. */
export function processesWith(marker: string): { pid: number; pgid: number; args: string }[] {
  const table = execFileSync('ps', ['-eo', 'pid=,pgid=,stat=,args='], { encoding: 'utf8' });
  return table
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(\S+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null && !m[3]!.startsWith('Z') && m[4]!.includes(marker) && !m[4]!.startsWith('ps '))
    .map((m) => ({ pid: Number(m[1]), pgid: Number(m[2]), args: m[4]! }));
}

/** SIGKILLs every live process whose command line contains `marker`. */
export function killProcessesWith(marker: string): void {
  for (const p of processesWith(marker)) killGroup(p.pid);
}

/** A marker unique to this test, to find its processes among everyone else's. */
export function uniqueMarker(): string {
  return String(100000 + Math.floor(Math.random() * 900000));
}
