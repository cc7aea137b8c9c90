// The tools a command step needs that are not on PATH right now: the
// runbook's declared `tools` and the step's own program. Recorded when an
// attempt starts (step.started `missing_tools`), so that its failure names
// them as an environment failure instead of a gate's red verdict.
import { findExecutable } from './preflight.js';
import type { ResolvedCommand } from './resolve.js';
import type { Runbook } from './types.js';
import { splitWords } from './vars.js';

export function missingTools(runbook: Runbook, cmd: ResolvedCommand, env: NodeJS.ProcessEnv = process.env): string[] {
  const out = (runbook.tools ?? []).filter((tool) => !findExecutable(tool, cmd.cwd, env));
  const program = cmd.argv ? cmd.argv[0] : simpleProgram(cmd.shellCommand ?? '');
  // A path is the step's own file (preflight reports it); only a name looked up on PATH is a missing tool.
  if (program && !program.includes('/') && !out.includes(program) && !findExecutable(program, cmd.cwd, env)) out.push(program);
  return out;
}

/** The first word of a simple shell command, if it names a program (no builtins, assignments or syntax). */
function simpleProgram(command: string): string | undefined {
  const word = splitWords(command).find((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w));
  if (!word || /[;&|()<>$`{}[\]!]/.test(word)) return undefined;
  return SHELL_BUILTINS.has(word) ? undefined : word;
}

const SHELL_BUILTINS = new Set(['if', 'for', 'while', 'until', 'case', 'exec', 'set', 'cd', 'test', 'trap', 'export', 'unset', 'umask', 'ulimit', 'eval', '.', 'source', ':', 'readonly', 'wait', 'command', 'type', 'echo', 'printf', 'true', 'false', 'read', 'shift', 'exit', 'return', 'local', 'alias', 'pwd', 'times', 'kill']);
