// The runner: executes one attempt of a runbook `command` step as a real
// child process and captures everything byte-exact to disk (DESIGN §5, §8).

export type {
  CaptureFiles,
  CommandOutcome,
  CommandResult,
  CommandSpec,
  OutputChunk,
  RunOptions,
  SpawnError,
  StreamDigest,
} from './types.js';
export { runCommand, DEFAULT_KILL_GRACE_MS, DEFAULT_TAIL_LINES } from './run-command.js';
export { RawTail } from './raw-tail.js';
export { EvidenceWriteError } from '../shared/errors.js';
export { killAllRunning } from './process-group.js';
export { secretValuesFrom, SecretMasker } from '../shared/secret-mask.js';
export { sanitizeForTerminal, TerminalTextFilter, MAX_DISPLAY_LINE } from './terminal-text.js';
export { tailOf } from './log-tail.js';
