// Turns a runbook step into what will actually run: vars substituted (one
// argv word per value, or shell-quoted in shell form), cwd made absolute
// relative to the runbook file, timeout parsed. Shared by `plan` and the run.
import { isAbsolute, resolve } from 'node:path';
import type { CheckStep, CommandStep, Pin, Runbook } from './types.js';
import { substituteShell } from './shell.js';
import { parseDuration, shellQuote, splitWords, substitute, type RefKind } from './vars.js';

export interface RefContext {
  vars: Record<string, string>;
  run?: Partial<Record<string, string>>;
  baseline: Pin;
  target: Pin;
  /** Recorded input values: step id → field → value. */
  inputs?: Record<string, Record<string, string>>;
  /** The run's trigger (TRIGGER_FIELDS): a rollback run's carried one, else the earliest open one; none without a trigger. */
  trigger?: Record<string, string>;
}

export function refLookup(ctx: RefContext): (ref: RefKind) => string | undefined {
  return (ref) => {
    switch (ref.kind) {
      // Own properties only: `${constructor}` must not find Object.prototype.constructor.
      case 'var':
        return own(ctx.vars, ref.name);
      case 'run':
        return ctx.run ? own(ctx.run, ref.field) : undefined;
      case 'pin': {
        const v = own(ctx[ref.pin] as unknown as Record<string, unknown>, ref.field);
        return v === undefined ? undefined : String(v);
      }
      case 'trigger':
        return ctx.trigger ? own(ctx.trigger, ref.field) : undefined;
      case 'input': {
        const step = ctx.inputs ? own(ctx.inputs, ref.step) : undefined;
        return step ? own(step, ref.field) : undefined;
      }
      default:
        return undefined;
    }
  };
}

function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

export function render(text: string, ctx: RefContext): string {
  return substitute(text, refLookup(ctx));
}

/** Resolves `${...}` in the pins themselves (a pin commit may be a var). */
export function resolvePins(runbook: Runbook, vars: Record<string, string>): { baseline: Pin; target: Pin } {
  const base = { vars, baseline: runbook.baseline, target: runbook.target };
  const pin = (p: Pin): Pin => Object.fromEntries(Object.entries(p).map(([k, v]) => [k, render(String(v), base)])) as unknown as Pin;
  return { baseline: pin(runbook.baseline), target: pin(runbook.target) };
}

export interface ResolvedCommand {
  argv?: string[];
  shellCommand?: string;
  /** What the operator sees: the argv shell-quoted, or the shell string. */
  display: string;
  cwd: string;
  env: Record<string, string>;
  timeoutMs?: number;
  expectExit: number[];
  pinCommit?: string;
}

export function resolveCommand(step: CommandStep, runbookDir: string, ctx: RefContext): ResolvedCommand {
  const lookup = refLookup(ctx);
  const cwd = resolveCwd(step.cwd, runbookDir, ctx);
  const env = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, substitute(v, lookup)]));
  const common = {
    cwd,
    env,
    timeoutMs: step.timeout ? parseDuration(step.timeout) : undefined,
    expectExit: step.expect_exit ?? [0],
    pinCommit: step.pin_commit ? substitute(step.pin_commit, lookup) : undefined,
  };
  if (step.shell) {
    // A list is one shell word per item: substitute, then quote the whole word.
    // A string is shell code: each value is quoted for where its reference stands.
    const shellCommand = Array.isArray(step.run) ? step.run.map((w) => shellQuote(substitute(w, lookup))).join(' ') : substituteShell(step.run, lookup);
    return { ...common, shellCommand, display: shellCommand };
  }
  // Split before substituting so a value with spaces stays one argv word.
  const words = Array.isArray(step.run) ? step.run : splitWords(step.run);
  const argv = words.map((w) => substitute(w, lookup));
  return { ...common, argv, display: argv.map(shellQuote).join(' ') };
}

export function resolveCwd(cwd: string | undefined, runbookDir: string, ctx: RefContext): string {
  if (!cwd) return runbookDir;
  const rendered = render(cwd, ctx);
  return isAbsolute(rendered) ? rendered : resolve(runbookDir, rendered);
}

/** Check parameters with vars substituted (strings only, recursively). */
export function resolveCheckParams(step: CheckStep, ctx: RefContext): Record<string, unknown> {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return render(v, ctx);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(step.with) as Record<string, unknown>;
}
