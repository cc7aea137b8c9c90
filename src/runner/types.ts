// The runner's public data shapes: what a command step asks for and what one
// attempt leaves behind as evidence (digests, timings, exit status, tail).
import type { Clock } from '../shared/clock.js';
import type { RawTail } from './raw-tail.js';

export interface CommandSpec {
  /** argv form (default): no shell, argv[0] resolved on PATH. */
  argv?: string[];
  /** Shell form, only when the runbook says `shell: true` (run with /bin/sh -c). */
  shellCommand?: string;
  cwd: string;
  /** Added to process.env. */
  env?: Record<string, string>;
  /** undefined = no timeout. */
  timeoutMs?: number;
  /** SIGTERM → SIGKILL grace for the process group, default 3000. */
  killGraceMs?: number;
  /** Also record whether the git work tree of cwd has changes to tracked files. */
  checkTreeClean?: boolean;
}

/** Absolute paths of the capture files to create. */
export interface CaptureFiles {
  stdout: string;
  stderr: string;
  combined: string;
  /** Where a link is staged before it is renamed over combined.log (the bundle's temp directory); beside it if not given. */
  tempDir?: string;
}

/** Size and sha256 (hex) of exactly the bytes written to a capture file. */
export interface StreamDigest {
  bytes: number;
  sha256: string;
}

export type CommandOutcome = 'exited' | 'signaled' | 'timed-out' | 'cancelled' | 'spawn-failed';

export interface SpawnError {
  /** ENOENT (not found), EACCES (not executable), ENOTDIR, EINVAL… */
  code: string;
  /** One sentence naming argv[0] or the cwd, for the operator. */
  message: string;
}

export interface CommandResult {
  outcome: CommandOutcome;
  exitCode: number | null;
  signal: string | null;
  spawnError?: SpawnError;
  /** Process id (and process-group id) of the command; null when it never started. */
  pid: number | null;
  /** ISO-8601 UTC: just before spawn, and when the command's own process ended. */
  startedAt: string;
  endedAt: string;
  durationMs: number;
  stdout: StreamDigest;
  stderr: StreamDigest;
  combined: StreamDigest;
  /** `git rev-parse HEAD` of cwd at start when cwd is inside a git work tree, else null. */
  gitHead: string | null;
  /** With `checkTreeClean`: whether tracked files differ from HEAD (null: unknown). */
  gitDirty?: boolean | null;
  /** Why the HEAD or the tree state could not be read (git failed, timed out, is missing). */
  gitError?: string;
  /** Last lines of the combined output, masked and sanitized for a terminal. */
  tail: string[];
  /** Which of `RunOptions.watch` each stream printed, found in its raw bytes (before masking). */
  seen: { stdout: string[]; stderr: string[] };
  /**
   * Things the evidence reader should know that are not failures of the
   * command: processes it left behind that had to be killed, capture cut
   * short by a process outside its group, a throwing output callback.
   */
  warnings: string[];
}

export interface OutputChunk {
  stream: 'stdout' | 'stderr';
  /** Masked and sanitized text. */
  text: string;
}

export interface RunOptions {
  /** Literal values to mask as '***' in files and on screen. */
  secrets: string[];
  /**
   * Live output, masked + sanitized text per chunk. Every byte is decoded:
   * on a flood this costs more than the capture itself — a live view should
   * read `liveTail` a few times a second instead.
   */
  onOutput?: (chunk: OutputChunk) => void;
  /** Receives the masked raw bytes; a live view reads its last lines (cost bounded by the tail). */
  liveTail?: RawTail;
  /**
   * Strings to look for in each stream (output assertions). They are
   * searched in the raw bytes, before secrets are masked: the logs on disk
   * are masked, the verdict is on what the command printed.
   */
  watch?: { stdout?: readonly string[]; stderr?: readonly string[] };
  /** The run's clock for startedAt/endedAt (default: the system clock). */
  clock?: Clock;
  /** Abort = cancel: same group kill as a timeout, outcome 'cancelled'. */
  signal?: AbortSignal;
  /** Lines kept for `CommandResult.tail`, default 200. */
  tailLines?: number;
  /** `pid` leads the command's group and session; `marker` is its CUTOVER_ATTEMPT value. */
  onStart?: (info: { pid: number; marker: string }) => void;
  /** Prefix of the attempt's CUTOVER_ATTEMPT marker (a random id follows), e.g. its place in the bundle. */
  attemptLabel?: string;
}
