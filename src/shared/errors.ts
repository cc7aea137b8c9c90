// Errors and exit codes every layer may raise (DESIGN §3). They live at the
// bottom of the import graph so that checks, the session and the front ends
// never import the CLI to report a problem; `cli/errors.ts` formats them.

export const EXIT = {
  ok: 0,
  notOk: 1,
  usage: 2,
  paused: 3,
  sigint: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A bad flag, a missing or unreadable file, an invalid input: exit 2. */
export class InputError extends Error {
  readonly exitCode: ExitCode = EXIT.usage;
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'InputError';
  }
}

/**
 * A new run could not write its first evidence (the runbook copy, the lock
 * or run.started: disk full, a file size limit…). Nothing of it was kept:
 * its bundle directory was removed. Exit 2; run the command again.
 */
export class RunNotStartedError extends Error {
  override readonly name = 'RunNotStartedError';
  readonly exitCode: ExitCode = EXIT.usage;
  constructor(
    /** The bundle directory that was created and removed again. */
    readonly bundleDir: string,
    /** The write that failed. */
    readonly failure: EvidenceWriteError,
  ) {
    super(`the run could not start: ${failure.message}`, { cause: failure });
  }
}

/**
 * The evidence of a run could not be written — disk full, I/O error, a file
 * size limit. Thrown only where the run stays resumable (the journal holds
 * every acknowledged event), so the CLI exits 3 and names the file.
 */
export class EvidenceWriteError extends Error {
  override readonly name: string = 'EvidenceWriteError';
  constructor(
    /** The file that could not be written. */
    readonly path: string,
    /** The OS error code: ENOSPC, EIO, EFBIG, EDQUOT, EROFS, EACCES… */
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** Wraps a file-system error about `path` (an EvidenceWriteError is returned as it is). */
  static from(path: string, error: unknown): EvidenceWriteError {
    if (error instanceof EvidenceWriteError) return error;
    const errno = error as NodeJS.ErrnoException | undefined;
    const code = typeof errno?.code === 'string' ? errno.code : 'EIO';
    const reason = error instanceof Error ? error.message : String(error);
    return new EvidenceWriteError(path, code, `cannot write the evidence file ${path}: ${reason}`, { cause: error });
  }
}
