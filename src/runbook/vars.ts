// `${...}` references in runbook strings: finding them, resolving declared
// vars from --var / environment / defaults, and substituting values. `$${`
// writes a literal `${`.
import type { Runbook, VarDecl, VarType } from './types.js';

// The body excludes `{` so that a scan from one `${` stops at the next one:
// with `[^}]*`, a long run of unclosed `${` took quadratic time.
const REF = /\$(\$)?\{([^{}]*)\}/g;

export const RUN_FIELDS = ['id', 'mode', 'operator', 'started_at', 'runbook', 'bundle'] as const;
export const PIN_FIELDS = ['release_tag', 'commit', 'service_contract', 'api_contract', 'integration_baseline'] as const;
/** Names that cannot be step ids because they are reference namespaces. */
export const RESERVED_IDS = new Set(['run', 'baseline', 'target', 'start', 'trigger', 'env']);

/** The fields of `${trigger.…}` (the run's trigger; a rollback run's carried one). */
export const TRIGGER_FIELDS = ['id', 'severity', 'identified_at', 'declared_at', 'note'] as const;

export type RefKind =
  | { kind: 'var'; name: string }
  | { kind: 'run'; field: string }
  | { kind: 'pin'; pin: 'baseline' | 'target'; field: string }
  | { kind: 'input'; step: string; field: string }
  /** `${trigger.id}` …: the run's trigger (a rollback run's carried one), in an equals:, notice or statement. */
  | { kind: 'trigger'; field: string }
  | { kind: 'invalid'; reason: string };

export function findRefs(text: string): { raw: string; index: number }[] {
  const refs: { raw: string; index: number }[] = [];
  for (const m of text.matchAll(REF)) {
    if (m[1]) continue; // $${...} is an escaped literal
    refs.push({ raw: m[2]!, index: m.index });
  }
  return refs;
}

export function classifyRef(raw: string): RefKind {
  const name = raw.trim();
  if (!name) return { kind: 'invalid', reason: 'empty reference ${}' };
  const parts = name.split('.');
  if (parts.length === 1) {
    return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? { kind: 'var', name } : { kind: 'invalid', reason: `"${name}" is not a valid variable name` };
  }
  if (parts.length !== 2 || !parts[0] || !parts[1]) return { kind: 'invalid', reason: `"${name}" is not of the form name or step.field` };
  const [head, field] = parts as [string, string];
  if (head === 'run') return { kind: 'run', field };
  if (head === 'baseline' || head === 'target') return { kind: 'pin', pin: head, field };
  if (head === 'trigger') return { kind: 'trigger', field };
  return { kind: 'input', step: head, field };
}

/** Replaces every reference using `lookup`; `quote` is applied to each value (for shell strings). */
export function substitute(text: string, lookup: (ref: RefKind, raw: string) => string | undefined, quote?: (v: string) => string): string {
  return text.replace(REF, (whole, escaped: string | undefined, raw: string) => {
    if (escaped) return whole.slice(1);
    const value = lookup(classifyRef(raw), raw);
    if (value === undefined) return whole;
    return quote ? quote(value) : value;
  });
}

/** POSIX shell single-quoting: the value is passed as one literal word. */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Splits a command string into words like a shell would, without expansions. */
export function splitWords(command: string): string[] {
  return scanWords(command).words.map((w) => w.text);
}

interface ScannedWord {
  text: string;
  /** Whether any part of the word was quoted or escaped. */
  quoted: boolean;
}

function scanWords(command: string): { words: ScannedWord[]; openQuote: '"' | "'" | null } {
  const words: ScannedWord[] = [];
  let cur = '';
  let inWord = false;
  let quoted = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < command.length; i++) {
    const ch = command[i]!;
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === '\\' && quote === '"' && i + 1 < command.length && '"\\$`'.includes(command[i + 1]!)) cur += command[++i];
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
      quoted = true;
    } else if (ch === '\\' && i + 1 < command.length) {
      cur += command[++i];
      inWord = true;
      quoted = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push({ text: cur, quoted });
      cur = '';
      inWord = false;
      quoted = false;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (inWord) words.push({ text: cur, quoted });
  return { words, openQuote: quote };
}

const SHELL_OPERATORS = new Set(['|', '||', '&&', '&', ';', '>', '>>', '<', '2>', '2>>', '2>&1', '>&2']);

/**
 * Why a `run:` string without `shell: true` will not do what it says: an
 * unterminated quote, or shell syntax that would reach the program as a
 * literal argument (no shell runs it).
 */
export function argvProblem(command: string): { message: string; hint: string } | undefined {
  const { words, openQuote } = scanWords(command);
  if (openQuote) return { message: `the command has an unterminated ${openQuote} quote`, hint: `close the ${openQuote} quote, or write the command as a list of words` };
  const program = words[0]?.text ?? 'the program';
  for (const w of words) {
    if (w.quoted) continue;
    const syntax = SHELL_OPERATORS.has(w.text) || /^[12]?>>?\S/.test(w.text) || w.text.endsWith(";") ? `"${w.text}"` : /\$\(|`/.test(w.text) ? 'command substitution' : /\$[A-Za-z_]/.test(w.text) ? `"${/\$[A-Za-z_][A-Za-z0-9_]*/.exec(w.text)![0]}"` : undefined;
    if (syntax) {
      return {
        message: `the command uses shell syntax (${syntax}), but without \`shell: true\` it is passed to ${program} as a literal argument`,
        hint: 'add `shell: true` to run it with /bin/sh, split it into separate steps, or quote the word if it is meant literally',
      };
    }
  }
  return undefined;
}

export interface VarProblem {
  name: string;
  message: string;
  hint: string;
}

export interface ResolvedVars {
  values: Record<string, string>;
  problems: VarProblem[];
}

/** Resolves declared vars from --var values, then their env source, then defaults. */
export function resolveVars(runbook: Runbook, given: Record<string, string>, env: NodeJS.ProcessEnv = process.env): ResolvedVars {
  const decls = runbook.vars ?? {};
  const values: Record<string, string> = {};
  const problems: VarProblem[] = [];
  for (const name of Object.keys(given)) {
    if (!Object.hasOwn(decls, name)) {
      const known = Object.keys(decls);
      problems.push({
        name,
        message: `--var ${name} is not declared by runbook "${runbook.id}"`,
        hint: known.length ? `declared vars are: ${known.join(', ')}` : 'this runbook declares no vars; remove the --var flag',
      });
    }
  }
  for (const [name, decl] of Object.entries(decls)) {
    let value: string | undefined = Object.hasOwn(given, name) ? given[name] : undefined;
    if (value === undefined && decl.env && Object.hasOwn(env, decl.env) && env[decl.env] !== undefined) value = env[decl.env];
    if (value === undefined && decl.default !== undefined) value = String(decl.default);
    if (value === undefined) {
      if (decl.required !== false) {
        problems.push({
          name,
          message: `var ${name} (${decl.description}) has no value`,
          hint: `pass --var ${name}=...${decl.env ? ` or set ${decl.env} in the environment` : ''}`,
        });
      } else {
        values[name] = '';
      }
      continue;
    }
    const typeProblem = checkVarType(decl, value);
    if (typeProblem) problems.push({ name, message: `var ${name}=${JSON.stringify(value)} ${typeProblem}`, hint: `pass a valid ${decl.type} with --var ${name}=...` });
    values[name] = value;
  }
  return { values, problems };
}

const TYPE_CHECKS: Record<VarType, (v: string) => string | undefined> = {
  string: () => undefined,
  path: (v) => (v.length ? undefined : 'is an empty path'),
  url: (v) => (URL.canParse(v) ? undefined : 'is not a URL'),
  sha: (v) => (/^[0-9a-f]{40}$/.test(v) ? undefined : 'is not a 40-character lower-case commit sha'),
  tag: (v) => (/^[^\s~^:?*[\\]+$/.test(v) ? undefined : 'is not a valid git tag name'),
  int: (v) => (/^-?[0-9]+$/.test(v) ? undefined : 'is not an integer'),
  bool: (v) => (v === 'true' || v === 'false' ? undefined : 'is not true or false'),
  duration: (v) => (/^([0-9]+(ms|s|m|h|d))+$/.test(v) ? undefined : 'is not a duration like 15m'),
};

export function checkVarType(decl: VarDecl, value: string): string | undefined {
  return TYPE_CHECKS[decl.type](value);
}

/** Parses 90s, 15m, 1h30m, 24h, 500ms into milliseconds. */
export function parseDuration(text: string): number {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  let total = 0;
  for (const m of text.matchAll(/([0-9]+)(ms|s|m|h|d)/g)) total += Number(m[1]) * units[m[2]!]!;
  return total;
}
