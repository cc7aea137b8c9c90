// Runs a `cutover` command (lint, plan, verify, report, check, run, resume)
// inside the test process instead of spawning it: the command's `main(args, io)` is
// called with captured streams, its exit code is the number it returns, and
// an error it throws is printed and mapped to an exit code by the same two
// functions the real entry point (src/cli.ts) uses. A spawn of the built CLI
// costs ~250 ms of start-up; this costs the command's own work.
//
// Use it where the behaviour under test does not depend on being a separate
// process. Signals, crashes, terminals, start-up, the interactive screen,
// `demo`, `sign` and `watch` stay real spawns (cli() in ./cli.ts), and every
// command keeps a few (test/cli/basics, test/crash, test/ui/e2e, ...). A run
// or resume in-process runs its commands, writes its journal and bundle as a
// spawned one does; what differs is the process (its pid, its signals, a
// crash), so a test about those spawns. As for a spawn, whose stdout is a
// pipe, stdout is no terminal during the call: run and resume pick the plain
// log, never the screen.
//
// The command sees the working directory and environment a spawn would
// have: for the duration of the call the process is chdir'ed to `cwd` and
// the environment gets the same additions (NO_COLOR=1, CI removed, `env`);
// both are restored afterwards. Calls are therefore run one at a time, even
// when a test starts several at once.
import { exitCodeOf, formatError } from '../../src/cli/errors.js';
import type { CliIO } from '../../src/cli/io.js';
import { REPO, type CliOptions, type CliResult } from './cli.js';

type CommandMain = (args: string[], io: CliIO) => Promise<number>;

/** The commands that may run in-process; the others must be spawned. */
const COMMANDS: Record<string, () => Promise<{ main: CommandMain }>> = {
  lint: () => import('../../src/cli/commands/lint.js'),
  plan: () => import('../../src/cli/commands/plan.js'),
  verify: () => import('../../src/cli/commands/verify.js'),
  report: () => import('../../src/cli/commands/report.js'),
  check: () => import('../../src/cli/commands/check.js'),
  run: () => import('../../src/cli/commands/run.js'),
  resume: () => import('../../src/cli/commands/resume.js'),
};

let queue: Promise<unknown> = Promise.resolve();

/** `cutover ...args` in-process; resolves like cli() with the same result shape (signal always null). */
export function cliInProcess(args: string[], opts: Omit<CliOptions, 'input' | 'timeoutMs'> = {}): Promise<CliResult> {
  const result = queue.then(() => runOne(args, opts));
  queue = result.catch(() => undefined);
  return result;
}

async function runOne(args: string[], opts: Omit<CliOptions, 'input' | 'timeoutMs'>): Promise<CliResult> {
  const [command, ...rest] = args;
  const load = command === undefined ? undefined : COMMANDS[command];
  if (!load) throw new Error(`cliInProcess: "${command}" is not run in-process; spawn it with cli()`);
  const { main } = await load();

  let stdout = '';
  let stderr = '';
  const line = (text: string) => (text.endsWith('\n') ? text : `${text}\n`);
  const io: CliIO = { out: (t) => void (stdout += line(t)), err: (t) => void (stderr += line(t)) };

  // Anything written to the real streams during the call is the command's too.
  const realOut = process.stdout.write;
  const realErr = process.stderr.write;
  const capture = (append: (s: string) => void) =>
    function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
      append(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      done?.();
      return true;
    } as typeof process.stdout.write;
  process.stdout.write = capture((s) => (stdout += s));
  process.stderr.write = capture((s) => (stderr += s));
  // A spawned command's stdout is a pipe: not a terminal (no screen, no colour).
  const ownTTY = Object.getOwnPropertyDescriptor(process.stdout, 'isTTY');
  Object.defineProperty(process.stdout, 'isTTY', { value: false, configurable: true, writable: true });

  const cwd = process.cwd();
  const savedEnv = { ...process.env };
  const exitCode = process.exitCode;
  try {
    process.chdir(opts.cwd ?? REPO);
    process.env.NO_COLOR = '1';
    delete process.env.CI;
    for (const [k, v] of Object.entries(opts.env ?? {})) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    let code: number;
    try {
      code = await main(rest, io);
    } catch (err) {
      // As src/cli.ts does with a rejected main().
      io.err(formatError(err));
      code = exitCodeOf(err);
    }
    return { code, signal: null, stdout, stderr };
  } finally {
    process.stdout.write = realOut;
    process.stderr.write = realErr;
    if (ownTTY) Object.defineProperty(process.stdout, 'isTTY', ownTTY);
    else delete (process.stdout as { isTTY?: boolean }).isTTY;
    process.chdir(cwd);
    for (const k of Object.keys(process.env)) if (!(k in savedEnv)) delete process.env[k];
    Object.assign(process.env, savedEnv);
    process.exitCode = exitCode;
  }
}
