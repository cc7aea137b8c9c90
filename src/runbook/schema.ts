// Validates parsed runbook data against schema/runbook.schema.json with ajv
// (allErrors) and turns ajv's errors into positioned diagnostics with a fix
// hint, dropping the noise that if/then, oneOf and propertyNames produce.
import type { ErrorObject } from 'ajv';
import schema from '../../schema/runbook.schema.json' with { type: 'json' };
// Compiled ahead of time (scripts/gen-validator.mjs): no ajv compile at start-up.
import validateRunbook from './runbook-validator.generated.js';
import type { Diagnostic } from './diagnostics.js';
import { article, describeValue, oneOfProblem, patternHint, requiredHint, typeHint, valueAt, yamlTypeName, type Path } from './schema-hints.js';
import { positionOf, scalarSource, type RunbookSource } from './source.js';
import { didYouMean } from './suggest.js';

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
