// Non-2xx envelope policies: where they come from and the JSON Schema each
// one becomes. The schema is built from the policy data (never written by
// hand) so that editing contracts/envelope-policy.json, or passing another
// policy with --policy, changes what the check enforces.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../shared/errors.js';
import { readJsonFile } from './json.js';
import { loadProducerManifest } from './manifest.js';
import { isPlainObject, jsonTypeOf } from './violation.js';

export interface EnvelopeContractPolicy {
  /** The name used on the command line: `v2`, `v3`. */
  contract: string;
  /** Value `service_contract_version` must have, when the policy pins it. */
  serviceContractVersion?: string;
  requires: string[];
  optional: string[];
  forbids: string[];
  /** Objects (dotted paths) that may hold only the fields the policy names. */
  closed: string[];
  /** Extra JSON Schema constraints per dotted path (types, minLength). */
  fieldSchemas: Record<string, Record<string, unknown>>;
}

export interface EnvelopePolicySet {
  /** File the policies were read from. */
  source: string;
  errorCodeEnum: string[];
  /** File the error-code enum was read from. */
  errorCodeSource: string;
  /** Dotted path of the field the enum applies to. */
  errorCodePath: string;
  contracts: Record<string, EnvelopeContractPolicy>;
}

export const DEFAULT_POLICY_FILE_NAME = 'contracts/envelope-policy.json';

/**
 * Finds the policy shipped with cutover. The module sits at a different
 * depth in src/checks/ and in the dist/ bundle, so walk up to the package.
 */
export function defaultPolicyPath(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 5; depth++) {
    const candidate = join(dir, DEFAULT_POLICY_FILE_NAME);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

export interface PolicySources {
  policy?: string;
  manifest?: string;
  cwd?: string;
  flags?: { policy: string; manifest: string };
}

export async function loadEnvelopePolicies(sources: PolicySources): Promise<EnvelopePolicySet> {
  const flags = sources.flags ?? { policy: '--policy', manifest: '--manifest' };
  const policyFile = sources.policy ?? defaultPolicyPath();
  if (policyFile === undefined) {
    throw new InputError(
      `the built-in envelope policy ${DEFAULT_POLICY_FILE_NAME} is missing from this cutover installation`,
      `reinstall cutover, or pass a policy file with ${flags.policy}`,
    );
  }
  const doc = await readJsonFile(policyFile, { label: 'envelope policy', cwd: sources.policy ? sources.cwd : undefined, flag: flags.policy });
  const set = normalizePolicyDocument(doc.value, policyFile);
  if (sources.manifest !== undefined) {
    const { manifest } = await loadProducerManifest(sources.manifest, sources.cwd, flags.manifest);
    set.errorCodeEnum = [...manifest.error_code_enum];
    set.errorCodeSource = sources.manifest;
  }
  if (set.errorCodeEnum.length === 0) {
    throw new InputError(`envelope policy "${policyFile}" has no error_code_enum`, `add one, or pass the producer contract manifest with ${flags.manifest}`);
  }
  const dup = set.errorCodeEnum.find((code, i) => set.errorCodeEnum.indexOf(code) !== i);
  if (dup !== undefined) {
    throw new InputError(`the error-code enum from "${set.errorCodeSource}" lists "${dup}" twice`, 'each error code must appear once; fix the file');
  }
  return set;
}

/**
 * Accepts cutover's own policy file, the producer's
 * service-contract-source-of-truth.json (one policy for its service
 * version) and handoff payloads (`service_vN_stable` entries).
 */
export function normalizePolicyDocument(value: unknown, file: string): EnvelopePolicySet {
  const bad = (what: string): never => {
    throw new InputError(
      `envelope policy "${file}" ${what}`,
      `see ${DEFAULT_POLICY_FILE_NAME} for the expected shape (contracts.v3.requires/optional/forbids)`,
    );
  };
  if (!isPlainObject(value)) return bad(`is ${jsonTypeOf(value)}, expected an object`);
  const codes = value.error_code_enum ?? [];
  if (!Array.isArray(codes) || codes.some((c) => typeof c !== 'string')) bad('has an error_code_enum that is not an array of strings');
  const errorCodePath = value.error_code_path ?? 'error.code';
  if (typeof errorCodePath !== 'string') return bad('has an error_code_path that is not a string');
  const contracts: Record<string, EnvelopeContractPolicy> = {};
  const add = (contract: string, raw: unknown, where: string, serviceVersion?: string) => {
    contracts[contract] = normalizeContract(contract, raw, where, bad, serviceVersion);
  };

  if (isPlainObject(value.contracts)) {
    for (const [name, raw] of Object.entries(value.contracts)) add(name, raw, `contracts.${name}`);
  } else if (isPlainObject(value.non_2xx_envelope_policy)) {
    const policy = value.non_2xx_envelope_policy;
    const service = value.expected_service_contract_version;
    if ('requires' in policy) {
      if (typeof service !== 'string' || !/^service\.v\d+$/.test(service)) bad('has a single non_2xx_envelope_policy but no expected_service_contract_version like "service.v3"');
      add((service as string).slice('service.'.length), policy, 'non_2xx_envelope_policy', service as string);
    } else {
      for (const [key, raw] of Object.entries(policy)) {
        const m = /^service_(v\d+)_stable$/.exec(key);
        if (m) add(m[1]!, raw, `non_2xx_envelope_policy.${key}`, `service.${m[1]}`);
      }
    }
  }
  if (Object.keys(contracts).length === 0) bad('defines no contract policies');
  return { source: file, errorCodeEnum: codes as string[], errorCodeSource: file, errorCodePath, contracts };
}

function normalizeContract(
  contract: string,
  raw: unknown,
  where: string,
  bad: (what: string) => never,
  serviceVersion?: string,
): EnvelopeContractPolicy {
  if (!isPlainObject(raw)) return bad(`${where} is ${jsonTypeOf(raw)}, expected an object`);
  const paths = (facet: string, required: boolean): string[] => {
    const list = raw[facet];
    if (list === undefined && !required) return [];
    if (!Array.isArray(list)) return bad(`${where}.${facet} must be an array of dotted field paths`);
    for (const p of list) {
      if (typeof p !== 'string' || p.split('.').some((s) => s === '')) bad(`${where}.${facet} has an invalid field path ${JSON.stringify(p)}`);
    }
    const dup = list.find((p, i) => list.indexOf(p) !== i);
    if (dup !== undefined) bad(`${where}.${facet} lists "${dup}" twice`);
    return list as string[];
  };
  const requires = paths('requires', true);
  const optional = paths('optional', false);
  const forbids = paths('forbids', false);
  const conflict = forbids.find((p) => requires.includes(p) || optional.includes(p));
  if (conflict !== undefined) bad(`${where} both allows and forbids "${conflict}"`);
  const pinned = raw.service_contract_version ?? serviceVersion;
  if (pinned !== undefined && typeof pinned !== 'string') bad(`${where}.service_contract_version must be a string`);
  const fieldSchemas = raw.field_schemas ?? {};
  if (!isPlainObject(fieldSchemas) || Object.values(fieldSchemas).some((s) => !isPlainObject(s))) bad(`${where}.field_schemas must map field paths to JSON Schema objects`);
  return {
    contract,
    serviceContractVersion: pinned as string | undefined,
    requires,
    optional,
    forbids,
    closed: paths('closed', false),
    fieldSchemas: fieldSchemas as Record<string, Record<string, unknown>>,
  };
}

interface SchemaNode {
  children: Map<string, SchemaNode>;
  required: Set<string>;
  forbidden: Set<string>;
  closed: boolean;
  constraints: Record<string, unknown>;
}

const newNode = (): SchemaNode => ({ children: new Map(), required: new Set(), forbidden: new Set(), closed: false, constraints: {} });

/** Builds the draft 2020-12 JSON Schema a sample must satisfy under `policy`. */
export function buildEnvelopeSchema(policy: EnvelopeContractPolicy, errorCodes: readonly string[], errorCodePath: string): Record<string, unknown> {
  const root = newNode();
  const nodeAt = (dotted: string, markRequired: boolean): SchemaNode => {
    let node = root;
    for (const segment of dotted.split('.')) {
      if (markRequired) node.required.add(segment);
      let child = node.children.get(segment);
      if (!child) {
        child = newNode();
        node.children.set(segment, child);
      }
      node = child;
    }
    return node;
  };
  for (const p of policy.requires) nodeAt(p, true);
  for (const p of policy.optional) nodeAt(p, false);
  for (const p of policy.forbids) {
    const segments = p.split('.');
    const leaf = segments.pop()!;
    (segments.length ? nodeAt(segments.join('.'), false) : root).forbidden.add(leaf);
  }
  for (const p of policy.closed) nodeAt(p, false).closed = true;
  for (const [p, constraints] of Object.entries(policy.fieldSchemas)) Object.assign(nodeAt(p, false).constraints, constraints);
  if (policy.serviceContractVersion !== undefined) nodeAt('service_contract_version', false).constraints.const = policy.serviceContractVersion;
  if (policy.requires.includes(errorCodePath) || policy.optional.includes(errorCodePath)) nodeAt(errorCodePath, false).constraints.enum = [...errorCodes];
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', ...emit(root, true) };
}

function emit(node: SchemaNode, isObject: boolean): Record<string, unknown> {
  if (!isObject && node.children.size === 0 && node.forbidden.size === 0 && !node.closed) return { ...node.constraints };
  const properties: Record<string, unknown> = {};
  for (const [name, child] of node.children) properties[name] = emit(child, false);
  // A `false` subschema makes ajv report the forbidden field at its own path.
  for (const name of node.forbidden) properties[name] = false;
  const schema: Record<string, unknown> = { type: 'object', ...node.constraints, properties };
  if (node.required.size > 0) schema.required = [...node.required];
  if (node.closed) schema.additionalProperties = false;
  return schema;
}
