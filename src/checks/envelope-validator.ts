// Compiles an envelope policy into one ajv validator and turns ajv's errors
// into Violations. Compiled once per policy: the hot path for a valid
// sample is a single generated function call with no allocation.
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { InputError } from '../shared/errors.js';
import { buildEnvelopeSchema, type EnvelopeContractPolicy, type EnvelopePolicySet } from './envelope-policy.js';
import { childPath, formatValue, jsonTypeOf, type Violation } from './violation.js';

export interface EnvelopeValidator {
  policy: EnvelopeContractPolicy;
  schema: Record<string, unknown>;
  /** True when the sample satisfies the policy; cheap, use it first. */
  isValid(sample: unknown): boolean;
  /** The violations of a sample `isValid` refused, with paths under `root`. */
  explain(sample: unknown, root: string): Violation[];
}

const cache = new Map<string, ValidateFunction>();

export function compileEnvelopeValidator(set: EnvelopePolicySet, contract: string): EnvelopeValidator {
  const policy = set.contracts[contract];
  if (!policy) {
    throw new InputError(
      `envelope policy "${set.source}" has no policy for contract "${contract}"`,
      `use one of: ${Object.keys(set.contracts).join(', ')}`,
    );
  }
  const schema = buildEnvelopeSchema(policy, set.errorCodeEnum, set.errorCodePath);
  const key = JSON.stringify(schema);
  let validate = cache.get(key);
  if (!validate) {
    try {
      validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
    } catch (err) {
      throw new InputError(
        `envelope policy "${set.source}" (contract ${contract}) does not make a valid JSON Schema: ${(err as Error).message}`,
        'fix field_schemas in the policy file: each entry must be a JSON Schema fragment such as {"type": "string"}',
      );
    }
    cache.set(key, validate);
  }
  const v = validate;
  const context = { policy, errorCodes: set.errorCodeEnum, errorCodeSource: set.errorCodeSource };
  return {
    policy,
    schema,
    isValid: (sample) => v(sample) as boolean,
    explain: (sample, root) => {
      v(sample);
      return (v.errors ?? []).map((e) => toViolation(e, sample, root, context));
    },
  };
}

interface ExplainContext {
  policy: EnvelopeContractPolicy;
  errorCodes: readonly string[];
  errorCodeSource: string;
}

function pointerSegments(pointer: string): string[] {
  return pointer === '' ? [] : pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function valueAt(sample: unknown, segments: readonly string[]): unknown {
  let value = sample;
  for (const s of segments) value = (value as Record<string, unknown> | undefined)?.[s];
  return value;
}

function toViolation(e: ErrorObject, sample: unknown, root: string, ctx: ExplainContext): Violation {
  const segments = pointerSegments(e.instancePath);
  const path = segments.reduce<string>((p, s) => childPath(p, s), root);
  const actual = valueAt(sample, segments);
  const policyName = ctx.policy.serviceContractVersion ?? ctx.policy.contract;
  switch (e.keyword) {
    case 'required': {
      const field = (e.params as { missingProperty: string }).missingProperty;
      return { rule: 'envelope-required', path: childPath(path, field), message: `required by the ${policyName} envelope policy, missing` };
    }
    case 'false schema':
      return { rule: 'envelope-forbidden', path, actual, message: `forbidden by the ${policyName} envelope policy, got ${formatValue(actual)}` };
    case 'additionalProperties': {
      const field = (e.params as { additionalProperty: string }).additionalProperty;
      return {
        rule: 'envelope-unexpected-field',
        path: childPath(path, field),
        actual: (actual as Record<string, unknown>)[field],
        message: `not a field of the ${policyName} envelope (it allows only ${allowedUnder(ctx.policy, segments).join(', ')} here)`,
      };
    }
    case 'enum':
      return {
        rule: 'error-code-enum',
        path,
        expected: ctx.errorCodes,
        actual,
        message: `${formatValue(actual)} is not one of the ${ctx.errorCodes.length} error codes of ${ctx.errorCodeSource}`,
      };
    case 'const':
      return { rule: 'envelope-contract-version', path, expected: (e.params as { allowedValue: unknown }).allowedValue, actual, message: `expected ${formatValue((e.params as { allowedValue: unknown }).allowedValue)}, got ${formatValue(actual)}` };
    case 'type':
      return { rule: 'envelope-type', path, expected: (e.params as { type: string }).type, actual: jsonTypeOf(actual), message: `expected ${(e.params as { type: string }).type}, got ${jsonTypeOf(actual)} ${formatValue(actual)}` };
    case 'minLength': {
      const limit = (e.params as { limit: number }).limit;
      return { rule: 'envelope-field', path, actual, message: limit === 1 ? 'must not be empty' : `must have at least ${limit} characters, got ${formatValue(actual)}` };
    }
    default:
      return { rule: 'envelope-field', path, actual, message: `${e.message ?? e.keyword}, got ${formatValue(actual)}` };
  }
}

function allowedUnder(policy: EnvelopeContractPolicy, segments: readonly string[]): string[] {
  const prefix = segments.length ? `${segments.join('.')}.` : '';
  const names = [...policy.requires, ...policy.optional]
    .filter((p) => p.startsWith(prefix))
    .map((p) => p.slice(prefix.length).split('.')[0]!);
  return [...new Set(names)];
}
