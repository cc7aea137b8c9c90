// Validates parsed runbook data against schema/runbook.schema.json with ajv
// (allErrors) and turns ajv's errors into positioned diagnostics with a fix
// hint, dropping the noise that if/then, oneOf and propertyNames produce.
import type { ErrorObject } from 'ajv';
import schema from '../../schema/runbook.schema.json' with { type: 'json' };
// Compiled ahead of time (scripts/gen-validator.mjs): no ajv compile at start-up.
import validateRunbook from './runbook-validator.generated.js';
import type { Diagnostic } from './diagnostics.js';
import { positionOf, scalarSource, type RunbookSource } from './source.js';
import { didYouMean } from './suggest.js';

type Path = (string | number)[];
type SchemaObject = Record<string, unknown>;

export function schemaDiagnostics(source: RunbookSource): Diagnostic[] {
  // Generated with verbose: errors carry their parentSchema, which lists the allowed fields.
  const validate = validateRunbook;
  if (validate(source.data)) return [];
  const errors = relevantErrors(validate.errors ?? []);
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  const missingAt = new Map<string, string[]>();
  for (const e of errors) {
    if (e.keyword !== 'required') continue;
    // A Set: the step schema and the common step schema both require id, kind and title.
    missingAt.set(e.instancePath, [...new Set([...(missingAt.get(e.instancePath) ?? []), String((e.params as { missingProperty: unknown }).missingProperty)])]);
  }
  for (const [pointer, missing] of missingAt) {
    if (missing.length > 1) out.push(missingFields(source, pointerToPath(pointer), missing));
  }
  // A file without `format` and most of the header is some other YAML file:
  // saying so beats listing each of its keys as unknown.
  const notARunbook = (missingAt.get('') ?? []).includes('format') && missingAt.get('')!.length > 1;
  for (const e of errors) {
    if (e.keyword === 'required' && missingAt.get(e.instancePath)!.length > 1) continue;
    if (notARunbook && e.instancePath === '') continue;
    const d = toDiagnostic(source, e, pointerToPath(e.instancePath), errors);
    const key = `${d.line}:${d.col}:${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0));
}

/**
 * ajv reports a failed `if/then` as an extra "must match then schema" error,
 * a failed `oneOf` as one error per branch, and a bad property name twice.
 * Keep what a person can act on.
 */
function relevantErrors(errors: ErrorObject[]): ErrorObject[] {
  const oneOfPaths = new Set(errors.filter((e) => e.keyword === 'oneOf').map((e) => e.instancePath));
  return errors.filter((e) => {
    if (e.keyword === 'if') return false;
    if (e.propertyName !== undefined) return false; // reported by its `propertyNames` error
    // For a oneOf failure, report the oneOf itself, not each branch's complaint.
    if (e.keyword !== 'oneOf' && oneOfPaths.has(e.instancePath) && /\/oneOf\/\d+\//.test(e.schemaPath)) return false;
    return true;
  });
}

function pointerToPath(pointer: string): Path {
  if (!pointer) return [];
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/**
 * A path as a reader finds it: `step "build".due.within` rather than
 * `sections[0].steps[3].due.within` when the step has an id.
 */
function describePath(data: unknown, path: Path): string {
  if (path.length === 0) return 'the runbook';
  let prefix = '';
  let rest = path;
  if (path[0] === 'sections' && typeof path[1] === 'number') {
    if (path[2] === 'steps' && typeof path[3] === 'number') {
      const id = valueAt(data, [...path.slice(0, 4), 'id']);
      if (typeof id === 'string' && !(path.length === 5 && path[4] === 'id')) {
        prefix = `step "${id}"`;
        rest = path.slice(4);
      }
    } else {
      const id = valueAt(data, [...path.slice(0, 2), 'id']);
      if (typeof id === 'string' && !(path.length === 3 && path[2] === 'id')) {
        prefix = `section "${id}"`;
        rest = path.slice(2);
      }
    }
  }
  const tail = rest.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('');
  return prefix ? `${prefix}${tail}` : tail.replace(/^\./, '');
}

function toDiagnostic(source: RunbookSource, e: ErrorObject, path: Path, all: ErrorObject[]): Diagnostic {
  const where = describePath(source.data, path);
  const file = source.file;
  const params = e.params as Record<string, unknown>;
  const parent = (e.parentSchema ?? {}) as SchemaObject;
  const at = (p: Path = path, key = false) => ({ file, ...positionOf(source, p, key) });
  const value = valueAt(source.data, path);
  switch (e.keyword) {
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const prop = String(params.additionalProperty ?? params.unevaluatedProperty);
      const allowed = allowedProperties(parent);
      const missing = all.filter((o) => o.keyword === 'required' && o.instancePath === e.instancePath).map((o) => String((o.params as { missingProperty: unknown }).missingProperty));
      const guess = didYouMean(prop, allowed) ?? (missing.length === 1 ? `did you mean "${missing[0]}" (required here and missing)?` : undefined);
      const list = allowed.length ? `the fields allowed here are: ${allowed.join(', ')}` : 'remove it';
      return { ...at([...path, prop], true), message: `unknown field "${prop}" in ${where}`, hint: guess ? `${guess} ${list}` : list };
    }
    case 'required': {
      const prop = String(params.missingProperty);
      return { ...at(), message: `${where} is missing the required field "${prop}"`, hint: requiredHint(prop, path, source.data) };
    }
    case 'propertyNames': {
      const name = String(params.propertyName);
      const isVar = path.length === 1 && path[0] === 'vars';
      return {
        ...at([...path, name], true),
        message: isVar ? `var name "${name}" is not valid` : `${where} has an invalid key "${name}"`,
        hint: isVar ? 'var names are letters, digits and _ and do not start with a digit, so that ${name} can refer to them (e.g. release_dir)' : 'rename the key',
      };
    }
    case 'enum': {
      const options = params.allowedValues as unknown[];
      const allowed = options.map((v) => JSON.stringify(v)).join(', ');
      const isKind = path[path.length - 1] === 'kind';
      const guess = typeof value === 'string' ? didYouMean(value, options.map(String)) : undefined;
      return {
        ...at(),
        message: `${where} is ${JSON.stringify(value)}${isKind ? ', an unknown step kind' : ''}; it must be one of ${allowed}`,
        hint: guess ?? (isKind ? 'use one of the step kinds listed; each is described in docs/runbook-format.md' : 'use one of the listed values'),
      };
    }
    case 'const': {
      return {
        ...at(),
        message: `${where} must be ${JSON.stringify(params.allowedValue)}, not ${JSON.stringify(value)}`,
        hint: path[0] === 'format' && path.length === 1 ? 'start the runbook with `format: cutover-runbook/v1`' : `write ${JSON.stringify(params.allowedValue)}`,
      };
    }
    case 'type': {
      const type = String(params.type);
      const pattern = typeof parent.pattern === 'string' ? parent.pattern : undefined;
      const isStep = path.length === 4 && path[0] === 'sections' && path[2] === 'steps';
      const hint =
        path.length === 0 ? 'a runbook is a mapping of `key: value` lines, starting with `format: cutover-runbook/v1`'
        : isStep && type === 'object' ? 'write the step as a mapping: `- id: build` followed by indented `kind:`, `title:` and the fields of its kind'
        : pattern && type === 'string' ? `${patternHint(pattern)} (as text)`
        : typeHint(type);
      return { ...at(), message: `${where} must be ${article(yamlTypeName(type))}, not ${describeValue(value, scalarSource(source, path))}`, hint };
    }
    case 'pattern': {
      return { ...at(), message: `${where} has an invalid value ${JSON.stringify(value)}`, hint: patternHint(String(params.pattern)) };
    }
    case 'minItems': {
      return { ...at(), message: `${where} must have at least ${String(params.limit)} item(s)`, hint: Array.isArray(value) && value.length === 0 ? 'add entries to the list, or remove the field if it is optional' : 'add the missing entries' };
    }
    case 'minLength': {
      return { ...at(), message: `${where} is empty`, hint: 'write a value, or remove the field if it is optional' };
    }
    case 'minimum':
    case 'maximum': {
      const range = boundsOf(parent);
      return {
        ...at(),
        message: `${where} is ${JSON.stringify(value)}; it must be ${e.keyword === 'maximum' ? `at most ${String(params.limit)}` : `at least ${String(params.limit)}`}`,
        hint: path.includes('expect_exit') ? 'exit codes are whole numbers from 0 to 255' : range ? `use a number from ${range}` : 'use a number in the allowed range',
      };
    }
    case 'uniqueItems': {
      const dup = Array.isArray(value) ? value[Number(params.i)] : undefined;
      return { ...at(), message: `${where} lists ${JSON.stringify(dup)} more than once`, hint: 'list each value once' };
    }
    case 'oneOf':
      return { ...at(), ...oneOfProblem(where, path, value) };
    default:
      return { ...at(), message: `${where} ${e.message ?? 'is invalid'}`, hint: 'see docs/runbook-format.md for this field' };
  }
}

/** Several required fields missing from one mapping: one diagnostic, not one per field. */
function missingFields(source: RunbookSource, path: Path, missing: string[]): Diagnostic {
  const list = missing.map((m) => `"${m}"`).join(', ');
  const pos = { file: source.file, ...positionOf(source, path) };
  if (path.length === 0 && missing.includes('format')) {
    const others = missing.filter((m) => m !== 'format').map((m) => `"${m}"`).join(', ');
    return { ...pos, message: `does not look like a runbook: it has no \`format: cutover-runbook/v1\`${others ? ` and is missing ${others}` : ''}`, hint: 'check that this is a runbook file; a runbook starts with `format: cutover-runbook/v1` (see docs/runbook-format.md)' };
  }
  return { ...pos, message: `${describePath(source.data, path)} is missing the required fields ${list}`, hint: `add ${missing.map((m) => `\`${m}:\``).join(', ')}; ${requiredHint(missing[0]!, path, source.data)}` };
}

/** Property names a schema accepts, following allOf and local $refs. */
function allowedProperties(s: SchemaObject, depth = 0): string[] {
  if (depth > 4) return [];
  const own = Object.keys((s.properties as SchemaObject | undefined) ?? {});
  const ref = typeof s.$ref === 'string' ? resolveRef(s.$ref) : undefined;
  const fromRef = ref ? allowedProperties(ref, depth + 1) : [];
  const fromAllOf = Array.isArray(s.allOf) ? (s.allOf as SchemaObject[]).flatMap((x) => allowedProperties(x, depth + 1)) : [];
  return [...new Set([...fromRef, ...fromAllOf, ...own])].filter((p) => p !== '$schema');
}

function resolveRef(ref: string): SchemaObject | undefined {
  const m = /^#\/\$defs\/(.+)$/.exec(ref);
  return m ? ((schema as unknown as { $defs: Record<string, SchemaObject> }).$defs[m[1]!] ?? undefined) : undefined;
}

function boundsOf(s: SchemaObject): string | undefined {
  return typeof s.minimum === 'number' && typeof s.maximum === 'number' ? `${s.minimum} to ${s.maximum}` : undefined;
}

function valueAt(data: unknown, path: Path): unknown {
  let v: unknown = data;
  for (const seg of path) v = (v as Record<string | number, unknown> | null)?.[seg];
  return v;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** JSON Schema type names in the words YAML users know. */
function yamlTypeName(type: string): string {
  return type === 'object' ? 'mapping' : type === 'array' ? 'list' : type;
}

function describeValue(v: unknown, written: string | undefined): string {
  if (v === null) return 'null (empty)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  const shown = JSON.stringify(v);
  // YAML reads `1.10` as the number 1.1: show what was written.
  return written !== undefined && written !== shown && written !== String(v) ? `${typeof v} ${shown} (written ${written})` : `${typeof v} ${shown}`;
}

function typeHint(type: string): string {
  switch (type) {
    case 'array':
      return 'write a list, one `- item` per line or [a, b]';
    case 'object':
      return 'write a mapping of `key: value` lines, indented below this key';
    case 'string':
      return 'quote the value if YAML reads it as a number, boolean or date (e.g. "1.0")';
    case 'boolean':
      return 'write true or false (without quotes)';
    case 'integer':
      return 'write a whole number';
    default:
      return `write ${article(type)}`;
  }
}

function patternHint(pattern: string): string {
  if (pattern.includes('ms|s|m|h|d')) return 'write a duration such as 90s, 15m, 1h30m or 24h';
  if (pattern.includes('[0-9a-f]{40}')) return 'write the full 40-character lower-case commit sha';
  if (pattern.includes('[0-9a-f]{64}')) return 'write the 64-character lower-case sha256 hex digest';
  if (pattern.includes('start|trigger')) return 'write `start`, `trigger` or the id of a step';
  if (pattern.startsWith('^[a-z]')) return 'ids are lower case letters, digits, - and _, starting with a letter';
  if (pattern === '^[A-Za-z_][A-Za-z0-9_]*$') return 'write a name of letters, digits and _ that does not start with a digit';
  if (pattern === '^[^/\\s]+$') return 'write the name of an executable (no path, no spaces), e.g. git';
  return `the value must match ${pattern}`;
}

const REQUIRED_EXAMPLES: Record<string, string> = {
  format: 'start the runbook with `format: cutover-runbook/v1`',
  title: 'add `title:` with a few words saying what it is',
  kind: 'add `kind:` — one of command, check, confirm, input, notice, signoff, decision',
  run: 'add `run:` with the command, as a list of words (`run: [make, test]`) or one string (`run: make test`)',
  options: 'add `options:` with the choices, e.g. `options: [blue, green]`',
  go: 'add `go: true` for a GO option or `go: false` for a NO-GO option',
  statement: 'add `statement:` with the text that is attested or signed',
  roles: 'add `roles:` with the ids of the roles that must sign, e.g. `roles: [producer_approver]`',
  fields: 'add `fields:` with the values to record, e.g. `- { id: ticket, label: Change ticket, type: text }`',
  template: 'add `template:` with the message text',
  check: 'add `check:` — one of handoff-payload, envelope, artifact-digest',
  with: 'add `with:` with the parameters of the check',
  commit: 'add `commit:` with the full 40-character commit sha',
  release_tag: 'add `release_tag:`, e.g. v1.2.0',
  within: 'add `within:` with a duration such as 15m',
  after: 'add `after:` with `start`, `trigger` or a step id',
  type: 'add `type:`',
  description: 'add `description:` saying what it is for',
};

function requiredHint(prop: string, path: Path, data: unknown): string {
  if (prop === 'id') {
    const what = path.length === 0 ? 'the runbook' : path.includes('steps') ? 'the step' : 'it';
    return `add \`id:\` to name ${what}: lower case letters, digits, - and _ (e.g. \`id: build-release\`)`;
  }
  if (path[path.length - 1] === 'with') {
    const check = valueAt(data, [...path.slice(0, -1), 'check']);
    return `add \`${prop}:\` — ${CHECK_PARAMS[String(check)] ?? 'see docs/runbook-format.md for the parameters of this check'}`;
  }
  return REQUIRED_EXAMPLES[prop] ?? `add \`${prop}:\` (see docs/runbook-format.md for what it holds)`;
}

const CHECK_PARAMS: Record<string, string> = {
  'handoff-payload': 'a handoff-payload check takes `manifest:` and `payload:` (paths) and optionally `strict:`',
  envelope: 'an envelope check takes `contract:` (v2 or v3) and `sample:` (a path), optionally `policy:` and `manifest:`',
  'artifact-digest': 'an artifact-digest check takes `root:` and either `artifacts:` (a list of {path, sha256}) or `from:` (a JSON file)',
};

function oneOfProblem(where: string, path: Path, value: unknown): { message: string; hint: string } {
  const last = path[path.length - 1];
  if (last === 'run') {
    const empty = value === '' || (Array.isArray(value) && value.length === 0);
    return {
      message: empty ? `${where} is empty` : `${where} must be a list of words or a string, not ${describeValue(value, undefined)}`,
      hint: 'write the command as a list of words ([cargo, test]) or as one string (cargo test)',
    };
  }
  if (last === 'with' && value && typeof value === 'object') {
    const both = 'artifacts' in value && 'from' in value;
    return {
      message: both ? `${where} has both \`artifacts:\` and \`from:\`` : `${where} has neither \`artifacts:\` nor \`from:\``,
      hint: 'an artifact-digest check takes exactly one of them: `artifacts:` (a list of {path, sha256}) or `from:` (a JSON file of digests)',
    };
  }
  if (last === 'requires_steps') return { message: `${where} must be \`all\` or a list of step ids, not ${describeValue(value, undefined)}`, hint: 'write `requires_steps: all` or `requires_steps: [build, smoke]`' };
  return { message: `${where} has an invalid form`, hint: 'see docs/runbook-format.md for the accepted forms' };
}
