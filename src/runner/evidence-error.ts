// The one exception runCommand throws: the evidence of the attempt (its
// capture files) could not be written — disk full, I/O error, a file size
// limit. Thrown only after the command's process group is gone, so the
// caller can record the attempt as interrupted and the run stays resumable.

export class EvidenceWriteError extends Error {
  override readonly name = 'EvidenceWriteError';
  constructor(
    /** The capture file that could not be written. */
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
