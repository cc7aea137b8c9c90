// User-facing errors. Each carries the exit code of DESIGN §3 and a message
// that names the file (and position) and says how to fix the problem. The
// CLI prints `message` (and `hint`) and exits with `exitCode`; no stack trace.

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

/** Formats an InputError (or any error) as the one paragraph the CLI prints. */
export function formatError(err: unknown): string {
  if (err instanceof InputError) {
    return err.hint ? `cutover: ${err.message}\n  hint: ${err.hint}` : `cutover: ${err.message}`;
  }
  const message = err instanceof Error ? err.message : String(err);
  return `cutover: internal error: ${message}\n  hint: this is a bug in cutover; please report it with the command you ran.`;
}
