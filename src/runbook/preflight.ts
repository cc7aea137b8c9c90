// The preflight: everything that can be known to fail before cutover day —
// vars without values, working directories that do not exist, executables
// (declared tools and each command's argv[0]) missing from PATH, pinned
// checkouts not at their commit, release tags that disagree with the pins.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import type { LoadedRunbook } from './load.js';
import { checkPin, type KnownStatus } from './pin-checkout.js';
import { checkPinTags, pinsRelease, type PinDisagreement } from './pin-tags.js';
import { resolveCheckParams, resolveCommand, resolveCwd, resolvePins, type RefContext, type ResolvedCommand } from './resolve.js';
import type { Step } from './types.js';
import { resolveVars, splitWords } from './vars.js';

export interface PreflightProblem {
  step?: string;
  message: string;
  hint: string;
  /** A release tag that does not confirm its pin (pin-tags.ts): a cutover does not start, a rehearsal's GO is locked. */
  pin?: PinDisagreement;
}

export interface PlannedStep {
  section: string;
  step: Step;
  command?: ResolvedCommand;
  cwd?: string;
  checkParams?: Record<string, unknown>;
}

export interface Plan {
  vars: Record<string, string>;
  steps: PlannedStep[];
  problems: PreflightProblem[];
  warnings: PreflightProblem[];
  ctx: RefContext;
  /** Each checkout whose release tags were checked, with the tags found at their pins. */
  tagChecks: { checkout: string; confirmed: string[] }[];
}

export function findExecutable(name: string, cwd: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (name.includes('/')) {
    const full = isAbsolute(name) ? name : resolve(cwd, name);
    return isExecutableFile(full) ? full : undefined;
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const full = join(dir, name);
    if (isExecutableFile(full)) return full;
  }
  return undefined;
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** `known`: a checkout's status read by whoever made it just now (pin-checkout.ts), used instead of asking git for that directory. */
export function buildPlan(loaded: LoadedRunbook, given: Record<string, string>, env: NodeJS.ProcessEnv = process.env, known?: KnownStatus): Plan {
  const { runbook } = loaded;
  const runbookDir = dirname(resolve(loaded.file));
  const { values, problems: varProblems } = resolveVars(runbook, given, env);
  const pins = resolvePins(runbook, values);
  const ctx: RefContext = { vars: values, ...pins };
  const problems: PreflightProblem[] = varProblems.map((p) => ({ message: p.message, hint: p.hint }));
  const warnings: PreflightProblem[] = [];
  const missingVars = new Set(varProblems.map((p) => p.name));

  for (const tool of runbook.tools ?? []) {
    if (!findExecutable(tool, runbookDir, env)) {
      problems.push({ message: `required tool "${tool}" is not on PATH`, hint: `install ${tool} (or add its directory to PATH) before the run; the runbook declares it under tools:` });
    }
  }
  for (const name of runbook.secrets ?? []) {
    // A secret may be a declared var as well (given with --var): then it has its value.
    if (env[name] || values[name]) continue;
    warnings.push({ message: `secret ${name} is not set in the environment`, hint: `export ${name}=... before the run if a step needs it` });
  }

  const steps: PlannedStep[] = [];
  const reportedCwds = new Set<string>();
  const reportedExecs = new Set<string>();
  const reportedPins = new Set<string>();
  const notGit = new Set<string>();
  const tagChecks: Plan['tagChecks'] = [];
  for (const section of runbook.sections) {
    for (const step of section.steps) {
      const usesMissingVar = JSON.stringify(step).match(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)?.some((r) => missingVars.has(r.slice(2, -1)));
      const planned: PlannedStep = { section: section.id, step };
      if (step.kind === 'command') {
        const cmd = resolveCommand(step, runbookDir, ctx);
        planned.command = cmd;
        if (!usesMissingVar) {
          if (!isDirectory(cmd.cwd)) {
            if (!reportedCwds.has(cmd.cwd)) problems.push({ step: step.id, message: `working directory ${cmd.cwd} does not exist`, hint: 'check out the repository there or pass the right path with --var' });
            reportedCwds.add(cmd.cwd);
          } else {
            const exe = cmd.argv ? cmd.argv[0]! : firstShellWord(cmd.shellCommand!);
            const key = `${cmd.cwd}\0${exe}`;
            if (cmd.argv && exe === '') {
              problems.push({ step: step.id, message: 'the command has no program: its first word is empty after substitution', hint: 'give the var that names the program a value (--var), or make it required' });
            } else if (exe && !reportedExecs.has(key) && !findExecutable(exe, cmd.cwd, env)) {
              reportedExecs.add(key);
              problems.push({ step: step.id, message: `"${exe}" is not found${exe.includes('/') ? ` in ${cmd.cwd}` : ' on PATH'} or not executable`, hint: exe.includes('/') ? 'check the path relative to the step cwd and that the file is executable (chmod +x)' : `install ${exe} or add it to PATH; declare it under tools: so the preflight names it` });
            }
            const pinProblem = cmd.pinCommit ? checkPin(cmd.cwd, cmd.pinCommit, reportedPins, notGit, known) : undefined;
            if (pinProblem) problems.push({ step: step.id, ...pinProblem });
            // The release tags, once per checkout pinned to the baseline or target commit.
            if (cmd.pinCommit && pinsRelease(cmd.pinCommit, pins) && !notGit.has(cmd.cwd) && !tagChecks.some((c) => c.checkout === cmd.cwd)) {
              const check = { checkout: cmd.cwd, confirmed: [] as string[] };
              tagChecks.push(check);
              problems.push(...checkPinTags(cmd.cwd, runbook, pins, loaded.file, step.id, check.confirmed));
            }
          }
        }
      } else if (step.kind === 'check') {
        const params = resolveCheckParams(step, ctx);
        planned.checkParams = params;
        const cwd = resolveCwd(step.cwd, runbookDir, ctx);
        planned.cwd = cwd;
        if (!usesMissingVar) {
          for (const key of ['manifest', 'payload', 'sample', 'root', 'from', 'policy'] as const) {
            const p = params[key];
            if (typeof p !== 'string') continue;
            const full = isAbsolute(p) ? p : resolve(cwd, p);
            try {
              statSync(full);
            } catch {
              warnings.push({ step: step.id, message: `${key} ${full} does not exist yet`, hint: 'fine if an earlier step produces it; otherwise fix the path' });
            }
          }
        }
      }
      steps.push(planned);
    }
  }
  return { vars: values, steps, problems, warnings, ctx, tagChecks };
}

/** Shell keywords and builtins: not programs on PATH. */
const SHELL_WORDS = new Set(['if', 'for', 'while', 'until', 'case', '{', '!', '[', '[[', 'exec', 'set', 'cd', 'test', 'trap', 'export', 'unset', 'umask', 'ulimit', 'eval', '.', 'source', ':', 'readonly', 'wait', 'command', 'type', 'echo', 'printf', 'true', 'false', 'read', 'shift', 'exit', 'return', 'local', 'alias', 'pwd', 'times', 'kill']);

function firstShellWord(command: string): string | undefined {
  const words = splitWords(command);
  // Skip leading VAR=value assignments; a compound command is not checked.
  const word = words.find((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w));
  if (!word || /[;&|()<>$`]/.test(word) || SHELL_WORDS.has(word)) return undefined;
  return word;
}

/** A problem with the run's vars (a --var the runbook does not declare, a var without a value): bad input, exit 2 in plan and run alike. */
export function isVarProblem(p: PreflightProblem): boolean {
  return !p.step && /^(--)?var /.test(p.message);
}

