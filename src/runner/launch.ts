// Starting the command's process with execa. execa only spawns here: the
// runner reads the raw byte streams itself and paces them (buffer: false),
// owns the process-group lifecycle (execa's timeout, cancelSignal and
// forceKillAfterDelay signal only the direct child, and its cleanup is off
// for a detached child anyway), judges the exit code itself (reject: false),
// and keeps the 'exit' and 'close' moments apart to reap a group whose
// leftovers still hold the pipes.

import type { ChildProcessByStdio } from 'node:child_process';
import { execa } from 'execa';
import { once } from 'node:events';
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { CommandSpec, SpawnError } from './types.js';

export type Started = { child: ChildProcessByStdio<null, Readable, Readable>; pid: number };
export type Launch = Started | { spawnError: SpawnError };

export async function launch(spec: CommandSpec, env: NodeJS.ProcessEnv): Promise<Launch> {
  const argv = commandLine(spec);
  if ('spawnError' in argv) return argv;
  const cwdProblem = await checkCwd(spec.cwd);
  if (cwdProblem) return { spawnError: cwdProblem };
  const [file, ...args] = argv.argv as [string, ...string[]];
  let child: ChildProcessByStdio<null, Readable, Readable>;
  try {
    // detached: the command leads a new process group (and session), so the
    // whole tree can be signalled at once and the operator's Ctrl-C does not
    // reach it behind the runner's back.
    child = execa(file, args, {
      cwd: spec.cwd,
      env,
      extendEnv: false,
      stdin: 'ignore',
      stdout: 'pipe',
      stderr: 'pipe',
      detached: true,
      // The runner streams the output itself (never buffered), owns the
      // group's lifecycle, and judges the exit code: execa only spawns.
      buffer: false,
      cleanup: false,
      reject: false,
      stripFinalNewline: false,
    }) as unknown as ChildProcessByStdio<null, Readable, Readable>;
  } catch (error) {
    return { spawnError: await describe(error, file, spec.cwd) };
  }
  child.on('error', () => {}); // spawn errors are handled below; later ones (none expected) must not crash the CLI
  try {
    await once(child, 'spawn');
  } catch (error) {
    child.stdout.destroy();
    child.stderr.destroy();
    return { spawnError: await describe(error, file, spec.cwd) };
  }
  return { child, pid: child.pid as number };
}

function commandLine(spec: CommandSpec): { argv: string[] } | { spawnError: SpawnError } {
  if (spec.shellCommand !== undefined) {
    if (spec.argv !== undefined) return invalid('a command step has both argv and a shell command');
    if (spec.shellCommand.trim() === '') return invalid('the shell command is empty');
    return { argv: ['/bin/sh', '-c', spec.shellCommand] };
  }
  if (!spec.argv || spec.argv.length === 0 || spec.argv[0] === '') return invalid('the command has an empty argv');
  return { argv: spec.argv };
}

function invalid(message: string): { spawnError: SpawnError } {
  return { spawnError: { code: 'EINVAL', message } };
}

// Checked up front because spawn reports a missing cwd as ENOENT, which
// would read as "command not found".
async function checkCwd(cwd: string): Promise<SpawnError | undefined> {
  try {
    if (!(await stat(cwd)).isDirectory()) {
      return { code: 'ENOTDIR', message: `working directory is not a directory: ${cwd}` };
    }
    await access(cwd, constants.X_OK);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
    if (code === 'ENOENT') return { code, message: `working directory does not exist: ${cwd}` };
    return { code, message: `working directory is not accessible (${code}): ${cwd}` };
  }
}

async function describe(error: unknown, file: string, cwd: string): Promise<SpawnError> {
  const code = (error as NodeJS.ErrnoException).code ?? 'EINVAL';
  const isPath = file.includes('/');
  switch (code) {
    case 'ENOENT': {
      const cwdProblem = await checkCwd(cwd); // it may have vanished since the check
      if (cwdProblem) return cwdProblem;
      return {
        code,
        message: isPath
          ? `cannot run "${file}": no such file (or the interpreter on its #! line is missing)`
          : `command not found: "${file}" is not on PATH`,
      };
    }
    case 'EACCES':
      return {
        code,
        message: `cannot run "${file}": permission denied (not executable — chmod +x — or a directory)`,
      };
    case 'ENOEXEC':
      return { code, message: `cannot run "${file}": not an executable format (does the script start with #!?)` };
    default:
      return { code, message: `cannot run "${file}": ${(error as Error).message ?? String(error)}` };
  }
}
