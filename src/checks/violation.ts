// The one shape every built-in check reports its findings in, so the CLI,
// the runbook engine and the evidence bundle print and store them alike.

export interface Violation {
  /** Stable id of the rule that was broken, e.g. `required-key`; safe to match on. */
  rule: string;
  /** JSON path of the offending value, e.g. `$.active_runtime_baseline.commit_sha`. */
  path: string;
  expected?: unknown;
  actual?: unknown;
  /** One sentence for a human; never contains a newline. */
  message: string;
  /** Position of the offending sample or key in its file, where known. */
  index?: number;
  line?: number;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The JSON path of `key` under `parent`, bracket-quoted when not a plain identifier. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return IDENTIFIER.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

const MAX_VALUE_CHARS = 160;

/** Renders a value for a one-line message; long values are cut so a report stays readable. */
export function formatValue(value: unknown): string {
  if (value === undefined) return 'nothing (missing)';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON type name as a user reads it in a message. */
export function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** The violation with its keys in one fixed order, for stable JSON output. */
export function toJsonViolation(v: Violation): Violation {
  const out: Violation = { rule: v.rule, path: v.path, message: v.message };
  if (v.expected !== undefined) out.expected = v.expected;
  if (v.actual !== undefined) out.actual = v.actual;
  if (v.index !== undefined) out.index = v.index;
  if (v.line !== undefined) out.line = v.line;
  return out;
}

/** `$.path: message [rule]` — the line format shared by every check's report. */
export function formatViolationLine(v: Violation): string {
  const where = v.line !== undefined ? `line ${v.line}: ` : '';
  return `${where}${v.path}: ${v.message} [${v.rule}]`;
}

/** Deep equality for JSON values (key order of objects ignored, array order kept). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}
