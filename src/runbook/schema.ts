// Validates parsed runbook data against schema/runbook.schema.json with ajv
// (allErrors) and turns ajv's errors into positioned diagnostics with a fix
// hint, dropping the noise that if/then and oneOf produce.
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import schema from '../../schema/runbook.schema.json' with { type: 'json' };
import type { Diagnostic } from './diagnostics.js';
import { positionOf, type RunbookSource } from './source.js';

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  compiled ??= new Ajv2020({ allErrors: true, strict: false }).compile(schema);
  return compiled;
}

export function schemaDiagnostics(source: RunbookSource): Diagnostic[] {
  const validate = validator();
  if (validate(source.data)) return [];
  const errors = relevantErrors(validate.errors ?? []);
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const e of errors) {
    const path = pointerToPath(e.instancePath);
    const d = toDiagnostic(source, e, path);
    const key = `${d.line}:${d.col}:${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0));
}

/**
 * ajv reports a failed `if/then` as an extra "must match then schema" error
 * and a failed `oneOf` as one error per branch. Keep what a person can act on.
 */
function relevantErrors(errors: ErrorObject[]): ErrorObject[] {
  const oneOfPaths = new Set(errors.filter((e) => e.keyword === 'oneOf').map((e) => e.instancePath));
  return errors.filter((e) => {
    if (e.keyword === 'if') return false;
    // For a oneOf failure, report the oneOf itself, not each branch's complaint.
    if (e.keyword !== 'oneOf' && oneOfPaths.has(e.instancePath) && /\/oneOf\/\d+\//.test(e.schemaPath)) return false;
    return true;
  });
}

function pointerToPath(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function describePath(path: (string | number)[]): string {
  if (path.length === 0) return 'the runbook';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function toDiagnostic(source: RunbookSource, e: ErrorObject, path: (string | number)[]): Diagnostic {
  const where = describePath(path);
  const file = source.file;
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const prop = String(params.additionalProperty ?? params.unevaluatedProperty);
      const pos = positionOf(source, [...path, prop], true);
      return { file, ...pos, message: `unknown field "${prop}" in ${where}`, hint: `remove it or check its spelling; the fields allowed here are in docs/runbook-format.md` };
    }
    case 'required': {
      const prop = String(params.missingProperty);
      const pos = positionOf(source, path);
      return { file, ...pos, message: `${where} is missing the required field "${prop}"`, hint: `add \`${prop}:\` (see docs/runbook-format.md for what it holds)` };
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ');
      const pos = positionOf(source, path);
      const isKind = path[path.length - 1] === 'kind';
      return { file, ...pos, message: `${where} is ${JSON.stringify(valueAt(source.data, path))}${isKind ? ', an unknown step kind' : ''}; it must be one of ${allowed}`, hint: isKind ? 'use one of the step kinds listed; each is described in docs/runbook-format.md' : 'use one of the listed values' };
    }
    case 'const': {
      const pos = positionOf(source, path);
      return { file, ...pos, message: `${where} must be ${JSON.stringify(params.allowedValue)}, not ${JSON.stringify(valueAt(source.data, path))}`, hint: path[0] === 'format' ? 'start the runbook with `format: cutover-runbook/v1`' : `write ${JSON.stringify(params.allowedValue)}` };
    }
    case 'type': {
      const pos = positionOf(source, path);
      return { file, ...pos, message: `${where} must be ${article(String(params.type))}, not ${typeName(valueAt(source.data, path))}`, hint: typeHint(String(params.type)) };
    }
    case 'pattern': {
      const pos = positionOf(source, path);
      return { file, ...pos, message: `${where} has an invalid value ${JSON.stringify(valueAt(source.data, path))}`, hint: patternHint(String(params.pattern)) };
    }
    case 'minItems': {
      const pos = positionOf(source, path);
      return { file, ...pos, message: `${where} must have at least ${String(params.limit)} item(s)`, hint: 'add the missing entries or remove the empty list' };
    }
    case 'oneOf': {
      const pos = positionOf(source, path);
      return { file, ...pos, message: `${where} has an invalid form`, hint: oneOfHint(path) };
    }
    default: {
      const pos = positionOf(source, path);
      return { file, ...pos, message: `${where} ${e.message ?? 'is invalid'}`, hint: 'see docs/runbook-format.md for this field' };
    }
  }
}

function valueAt(data: unknown, path: (string | number)[]): unknown {
  let v: unknown = data;
  for (const seg of path) v = (v as Record<string | number, unknown> | null)?.[seg];
  return v;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function typeName(v: unknown): string {
  if (v === null) return 'null (empty)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
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
      return 'write true or false';
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
  return `the value must match ${pattern}`;
}

function oneOfHint(path: (string | number)[]): string {
  const last = path[path.length - 1];
  if (last === 'run') return 'write the command as a list of words ([cargo, test]) or as one string';
  if (last === 'with') return 'an artifact-digest check takes either `artifacts:` (a list of {path, sha256}) or `from:` (a JSON file), not both';
  if (last === 'requires_steps') return 'write `all` or a list of step ids';
  return 'see docs/runbook-format.md for the accepted forms';
}
