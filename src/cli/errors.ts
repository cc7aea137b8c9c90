// User-facing errors. Each carries the exit code of DESIGN §3 and a message
// that names the file (and position) and says how to fix the problem. The
// CLI prints `message` (and `hint`) and exits with `exitCode`; no stack trace.
// A file-system error on a path (ENOENT, EACCES, ENOSPC…) is the user's to
// fix and is printed as such (exit 2); a failure to write the evidence of a
// run leaves it resumable (exit 3). Only anything else is an internal error.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EvidenceWriteError, EXIT, InputError, RunNotStartedError } from '../shared/errors.js';
import { commandName } from '../shared/command-name.js';

export { EXIT, InputError, type ExitCode } from '../shared/errors.js';

/** File-system error codes that mean "that path cannot be used", not a bug in cutover. */
const PATH_ERRORS: Record<string, { reason: string; hint: string }> = {
  ENOENT: { reason: 'no such file or directory', hint: 'check the path; create the directory first if the file is to be written there' },
  ENOTDIR: { reason: 'a part of the path is not a directory', hint: 'check the path: one of its directories is a file' },
  EACCES: { reason: 'permission denied', hint: "check the permissions, or choose a location you may write to" },
  EPERM: { reason: 'operation not permitted', hint: "check the permissions, or choose a location you may write to" },
  EROFS: { reason: 'read-only file system', hint: 'choose a location on a writable file system' },
  ENOSPC: { reason: 'no space left on the device', hint: 'free space on that file system, or choose another location' },
  EDQUOT: { reason: 'disk quota exceeded', hint: 'free space within your quota, or choose another location' },
  EFBIG: { reason: 'file too large (a file size limit, see `ulimit -f`)', hint: 'raise the file size limit, or choose another location' },
  EISDIR: { reason: 'is a directory', hint: 'give the path of a file, not of a directory' },
  EEXIST: { reason: 'already exists', hint: 'remove it or choose another name' },
  EIO: { reason: 'input/output error', hint: 'check the disk (dmesg) and the file system' },
};

/** What to do before resuming a run whose evidence could not be written. */
const RESUME_FIX: Record<string, string> = {
  ENOSPC: 'free space on that file system',
  EDQUOT: 'free space within your disk quota',
  EFBIG: 'raise the file size limit (`ulimit -f`)',
  EROFS: 'make the file system writable again',
  EACCES: 'fix the permissions of the bundle',
  EPERM: 'fix the permissions of the bundle',
  EIO: 'check the disk (dmesg) and the file system',
};

const WRITE_SYSCALLS = new Set(['write', 'mkdir', 'rename', 'unlink', 'rmdir', 'link', 'symlink', 'copyfile', 'ftruncate', 'fsync', 'fdatasync', 'utime', 'chmod', 'chown']);
const READ_SYSCALLS = new Set(['read', 'scandir', 'readlink', 'stat', 'lstat', 'access', 'opendir']);

interface ErrnoLike {
  code: string;
  path?: string;
  dest?: string;
  syscall?: string;
  message: string;
}

function errnoOf(err: unknown): ErrnoLike | undefined {
  if (!(err instanceof Error)) return undefined;
  const e = err as Error & Partial<ErrnoLike>;
  return typeof e.code === 'string' ? (e as ErrnoLike) : undefined;
}

/** The evidence could not be written (the journal or a log: an EvidenceWriteError). */
function evidenceWriteFailure(err: unknown): { path: string; code: string; message: string } | undefined {
  return err instanceof EvidenceWriteError ? { path: err.path, code: err.code, message: err.message } : undefined;
}

/** The bundle directory a file of it lives in: the nearest ancestor holding journal.ndjson. */
function bundleOf(path: string): string | undefined {
  let dir = dirname(path);
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, 'journal.ndjson'))) return dir;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
  return undefined;
}

/**
 * An InputError for a file-system error on a path the user gave (`--out
 * FILE`, say), or undefined when `err` is not such an error.
 */
export function pathInputError(err: unknown, verb: 'read' | 'write', path: string, what?: string): InputError | undefined {
  const errno = errnoOf(err);
  const known = errno && PATH_ERRORS[errno.code];
  if (!known) return undefined;
  return new InputError(`${what ? `${what}: ` : ''}cannot ${verb} ${path}: ${known.reason}`, known.hint);
}

/** The exit code for an error that reached the entry point (DESIGN §3). */
export function exitCodeOf(err: unknown): number {
  const evidence = evidenceWriteFailure(err);
  if (evidence && bundleOf(evidence.path)) return EXIT.paused; // the run is resumable
  const exitCode = (err as { exitCode?: unknown } | undefined)?.exitCode;
  return typeof exitCode === 'number' ? exitCode : EXIT.usage;
}

/** Formats an InputError (or any error) as the one paragraph the CLI prints. */
export function formatError(err: unknown): string {
  if (err instanceof InputError) {
    return err.hint ? `cutover: ${err.message}\n  hint: ${err.hint}` : `cutover: ${err.message}`;
  }
  if (err instanceof RunNotStartedError) {
    const { path, code } = err.failure;
    return `cutover: the run could not start: cannot write ${path}: ${PATH_ERRORS[code]?.reason ?? code}\n  hint: nothing of it was kept (the new bundle ${err.bundleDir} was removed); ${PATH_ERRORS[code]?.hint ?? 'fix the cause'}, then run the same command again`;
  }
  const evidence = evidenceWriteFailure(err);
  const bundle = evidence && bundleOf(evidence.path);
  if (evidence && !bundle) {
    // No journal yet (the bundle was being created): nothing to resume.
    const known = PATH_ERRORS[evidence.code];
    return `cutover: cannot write ${evidence.path}: ${known?.reason ?? evidence.code}\n  hint: ${known?.hint ?? 'fix the cause and start the run again'}`;
  }
  if (evidence) {
    return [
      `cutover: cannot write ${evidence.path}: ${PATH_ERRORS[evidence.code]?.reason ?? evidence.code}`,
      `  hint: the run stopped and is resumable (every acknowledged event is in its journal): ${RESUME_FIX[evidence.code] ?? 'fix the cause'}, then \`${commandName()} resume ${bundle}\``,
    ].join('\n');
  }
  const errno = errnoOf(err);
  if (errno && PATH_ERRORS[errno.code] && (errno.path || errno.dest)) {
    const { reason, hint } = PATH_ERRORS[errno.code]!;
    const syscall = errno.syscall ?? '';
    const verb = WRITE_SYSCALLS.has(syscall) ? 'write' : READ_SYSCALLS.has(syscall) ? 'read' : 'open';
    const path = errno.syscall === 'copyfile' || errno.syscall === 'link' || errno.syscall === 'rename' ? `${errno.path} → ${errno.dest}` : errno.path;
    return `cutover: cannot ${verb} ${path}: ${reason}\n  hint: ${hint}`;
  }
  const message = err instanceof Error ? err.message : String(err);
  return `cutover: internal error: ${message}\n  hint: this is a bug in cutover; please report it with the command you ran.`;
}
