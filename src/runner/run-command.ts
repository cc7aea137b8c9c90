// One attempt of a runbook command step: start it in its own process group,
// capture its output byte-exact (masked) to disk, enforce timeout and
// cancellation on the whole group, and make sure nothing it started is still
// running — and nothing still holds its pipes — when the attempt is recorded.
// A failure of the command is a result, never an exception; only a failure to
// write the evidence itself throws — an EvidenceWriteError naming the file,
// after the process group is gone — so the caller can record the attempt as
// interrupted and the run stays resumable.

import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../shared/clock.js';
import { Capture } from './capture.js';
import { readGitState } from './git-head.js';
import { describeStragglers, MARKER_ENV, stopStragglers } from './escapees.js';
import { launch } from './launch.js';
import { ProcessGroup } from './process-group.js';
import { identityOf } from './process-identity.js';
import type { CaptureFiles, CommandResult, CommandSpec, RunOptions, SpawnError } from './types.js';

type GitFacts = Pick<CommandResult, 'gitHead' | 'gitDirty' | 'gitError'>;

export const DEFAULT_KILL_GRACE_MS = 3000;
export const DEFAULT_TAIL_LINES = 200;
/** After the group is gone, a pipe with no traffic for this long is held by a process outside it. */
const ESCAPED_PIPE_IDLE_MS = 1000;

type StopReason = 'timed-out' | 'cancelled' | 'capture-failed';

export async function runCommand(spec: CommandSpec, files: CaptureFiles, opts: RunOptions): Promise<CommandResult> {
  const capture = await Capture.open(files, {
    secrets: opts.secrets,
    tailLines: opts.tailLines ?? DEFAULT_TAIL_LINES,
    ...(opts.onOutput ? { onOutput: opts.onOutput } : {}),
    ...(opts.liveTail ? { liveTail: opts.liveTail } : {}),
    ...(opts.watch ? { watch: opts.watch } : {}),
  });
  const clock = opts.clock ?? systemClock;
  const env = { ...process.env, ...spec.env };
  // The tree state only where a step pins a commit: a modified tree is not that commit.
  const git = await readGitState(spec.cwd, env, spec.checkTreeClean === true);
  const startedAt = clock();
  const t0 = performance.now();
  const base: GitFacts & { startedAt: string } = {
    startedAt: startedAt.toISOString(),
    gitHead: git.head,
    ...(git.dirty !== undefined ? { gitDirty: git.dirty } : {}),
    ...(git.error !== undefined ? { gitError: git.error } : {}),
  };

  if (opts.signal?.aborted) return notStarted(capture, base, clock, 'cancelled');
  // Unique to this attempt and inherited by everything it starts: how what escaped its group is found.
  const marker = `${opts.attemptLabel ?? 'cutover'}/${randomUUID()}`;
  const launched = await launch(spec, { ...env, [MARKER_ENV]: marker });
  if ('spawnError' in launched) return notStarted(capture, base, clock, 'spawn-failed', launched.spawnError);

  const { child, pid } = launched;
  const leaderStarted = identityOf(pid).started;
  const group = new ProcessGroup(pid);
  const graceMs = spec.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  const warnings: string[] = [];
  let exited = false;
  let stopReason: StopReason | undefined;
  let captureError: unknown;

  const stop = (reason: StopReason): void => {
    if (exited || stopReason) {
      if (reason === 'cancelled') group.killNow(); // a cancel during a termination skips the grace
      return;
    }
    stopReason = reason;
    termination = group.terminate(graceMs);
  };
  let termination: ReturnType<ProcessGroup['terminate']> | undefined;
  const exit = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
    child.once('exit', (code, signal) => resolve([code, signal]));
  });
  const pumped = Promise.all(
    [capture.pump('stdout', child.stdout), capture.pump('stderr', child.stderr)].map((p) =>
      p.catch((error: unknown) => {
        captureError ??= error;
        stop('capture-failed');
      }),
    ),
  );
  const timer = spec.timeoutMs === undefined ? undefined : setTimeout(() => stop('timed-out'), spec.timeoutMs);
  const onAbort = (): void => stop('cancelled');
  opts.signal?.addEventListener('abort', onAbort);
  if (opts.signal?.aborted) onAbort();
  notify(warnings, 'onStart', () => opts.onStart?.({ pid, marker }));

  try {
    const [exitCode, signal] = await exit;
    exited = true;
    const endedAt = clock();
    const durationMs = Math.round(performance.now() - t0);
    clearTimeout(timer);

    if (termination && (await termination).forced) {
      warnings.push(`the command ignored SIGTERM for ${graceMs} ms after it was ${stopReason === 'timed-out' ? 'timed out' : 'stopped'}; its process group was killed (SIGKILL)`);
    } else if (group.isAlive()) {
      if (!stopReason) {
        warnings.push('processes the command left running in its process group were terminated after it exited');
      }
      const { forced, gone } = await group.terminate(graceMs);
      if (forced) warnings.push(`processes of group ${pid} ignored SIGTERM for ${graceMs} ms and were killed (SIGKILL)`);
      if (!gone) warnings.push(`processes of group ${pid} were still present after SIGKILL`);
    }
    // What left the group (setsid, a double fork, a job of its own): found by session and marker, stopped, reported.
    const stragglers = await stopStragglers({ marker, session: pid, ...(leaderStarted ? { notBefore: leaderStarted } : {}) }, graceMs);
    const stragglerWarning = describeStragglers(stragglers, graceMs, (text) => maskText(text, opts.secrets));
    if (stragglerWarning) warnings.push(stragglerWarning);
    if (await readUntilEnd(capture, pumped)) {
      warnings.push(
        `a process outside the command's process group kept its output open; capture stopped ${ESCAPED_PIPE_IDLE_MS} ms after the group had exited`,
      );
    }
    if (captureError) {
      await capture.close().catch(() => undefined); // releases the files; the first failure is the one to report
      throw captureError; // an EvidenceWriteError, unless reading the command's pipes itself failed
    }
    const summary = await capture.close();
    return {
      outcome: stopReason === 'timed-out' || stopReason === 'cancelled' ? stopReason : signal ? 'signaled' : 'exited',
      exitCode,
      signal,
      pid,
      ...base,
      endedAt: endedAt.toISOString(),
      durationMs,
      stdout: summary.stdout,
      stderr: summary.stderr,
      combined: summary.combined,
      tail: summary.tail,
      seen: summary.seen,
      warnings: [...warnings, ...capture.warnings],
    };
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
    group.release();
  }
}

/**
 * Waits for both pipes to reach end of file. Returns true if it had to stop
 * reading because nothing flowed for a while although the command's group is
 * gone: a process that escaped the group (setsid, a daemon) holds the pipe.
 */
async function readUntilEnd(capture: Capture, pumped: Promise<unknown>): Promise<boolean> {
  for (let mark = capture.progressMark(); ; mark = capture.progressMark()) {
    let timer: NodeJS.Timeout | undefined;
    const idle = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), ESCAPED_PIPE_IDLE_MS);
    });
    const ended = await Promise.race([pumped.then(() => true), idle]);
    clearTimeout(timer);
    if (ended) return false;
    if (capture.idleSince(mark)) {
      capture.stop();
      await pumped;
      return true;
    }
  }
}

async function notStarted(
  capture: Capture,
  base: GitFacts & { startedAt: string },
  clock: Clock,
  outcome: 'cancelled' | 'spawn-failed',
  spawnError?: SpawnError,
): Promise<CommandResult> {
  const summary = await capture.close();
  return {
    outcome,
    exitCode: null,
    signal: null,
    ...(spawnError ? { spawnError } : {}),
    pid: null,
    ...base,
    endedAt: clock().toISOString(),
    durationMs: 0,
    stdout: summary.stdout,
    stderr: summary.stderr,
    combined: summary.combined,
    tail: summary.tail,
    seen: summary.seen,
    warnings: capture.warnings,
  };
}

function maskText(text: string, secrets: readonly string[]): string {
  return secrets.reduce((t, secret) => (secret ? t.split(secret).join('***') : t), text);
}

function notify(warnings: string[], name: string, call: () => void): void {
  try {
    call();
  } catch (error) {
    warnings.push(`${name} callback threw: ${String(error)}`);
  }
}
