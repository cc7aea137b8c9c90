// The non-2xx envelope policy a handoff payload must carry, by the
// manifest's era (service.v2 at the rollback baseline, service.v3 from
// v0.4.0), and the small helpers the handoff rules share. Pure: no I/O.
import type { ProducerManifest } from './manifest.js';
import { childPath, formatValue, isPlainObject, jsonEqual, jsonTypeOf, type Violation } from './violation.js';

type Payload = Record<string, unknown>;

export const ENVELOPE_POLICY_ENTRIES = ['service_v3_stable', 'service_v3_candidate'] as const;

/** The approved service.v3 non-2xx envelope policy (the RFC), compared as sets. */
export const SERVICE_V3_ENVELOPE_POLICY = {
  requires: ['service_contract_version', 'error.code', 'error.message'],
  optional: ['error.details'],
  forbids: ['legacy_error', 'api_contract_version'],
} as const;

/**
 * The service.v2 policy as the producer's verifier of that era checks it:
 * `requires` and `forbids` as sets; `optional` is not read (the v2 entry
 * has none).
 */
export const SERVICE_V2_ENVELOPE_POLICY = {
  requires: ['service_contract_version', 'error.code', 'error.message', 'legacy_error'],
  forbids: ['api_contract_version'],
} as const;

type PolicyFacet = 'requires' | 'optional' | 'forbids';
interface PolicyEntryRule {
  key: string;
  label: string;
  sets: Partial<Record<PolicyFacet, readonly string[]>>;
}

/**
 * A manifest's policy era. The manifest at the rollback baseline (v0.3.2)
 * names `service.v2`; its payloads carry `service_v2_stable` (the running
 * contract) and `service_v3_candidate`. From v0.4.0 on, `service_v3_stable`
 * replaces the v2 entry. A manifest that carries a `non_2xx_envelope_policy`
 * of its own is read by its keys: `service_v2_stable` without
 * `service_v3_stable` is the v2 era.
 */
export type PolicyEra = 'service.v2' | 'service.v3';

export function policyEraOf(manifest: ProducerManifest): PolicyEra {
  const own = (manifest as unknown as Record<string, unknown>).non_2xx_envelope_policy;
  if (isPlainObject(own) && ('service_v2_stable' in own || 'service_v3_stable' in own)) {
    return 'service_v3_stable' in own ? 'service.v3' : 'service.v2';
  }
  return manifest.expected_service_contract_version === 'service.v2' ? 'service.v2' : 'service.v3';
}

function policyEntries(era: PolicyEra): PolicyEntryRule[] {
  const candidate: PolicyEntryRule = { key: 'service_v3_candidate', label: 'approved service.v3 policy', sets: SERVICE_V3_ENVELOPE_POLICY };
  return era === 'service.v2'
    ? [{ key: 'service_v2_stable', label: 'service.v2 policy, the manifest\'s era', sets: SERVICE_V2_ENVELOPE_POLICY }, candidate]
    : [{ key: 'service_v3_stable', label: 'approved service.v3 policy', sets: SERVICE_V3_ENVELOPE_POLICY }, candidate];
}

export function missing(path: string, context: string): Violation {
  return { rule: 'required-key', path, message: `required key is missing${context}` };
}

export function wrongType(path: string, expected: string, actual: unknown): Violation {
  return { rule: 'type', path, expected, actual: jsonTypeOf(actual), message: `expected ${expected}, got ${jsonTypeOf(actual)}` };
}

/** Says how two lists differ: missing, unexpected, duplicated, or only the order. */
export function describeListDrift(expected: readonly unknown[], actual: readonly unknown[]): string {
  const parts: string[] = [];
  const absent = expected.filter((code) => !actual.some((a) => jsonEqual(a, code)));
  const extra = actual.filter((code) => !expected.some((e) => jsonEqual(e, code)));
  const dups = actual.filter((code, i) => actual.findIndex((a) => jsonEqual(a, code)) !== i);
  if (absent.length > 0) parts.push(`missing ${absent.map(formatValue).join(', ')}`);
  if (extra.length > 0) parts.push(`unexpected ${extra.map(formatValue).join(', ')}`);
  if (dups.length > 0) parts.push(`duplicated ${dups.map(formatValue).join(', ')}`);
  if (parts.length === 0) parts.push('same codes in a different order (order counts)');
  return parts.join('; ');
}

export function checkEnvelopePolicy(payload: Payload, era: PolicyEra, out: Violation[]): void {
  if (!('non_2xx_envelope_policy' in payload)) return;
  const policy = payload.non_2xx_envelope_policy;
  if (!isPlainObject(policy)) {
    out.push(wrongType('$.non_2xx_envelope_policy', 'object', policy));
    return;
  }
  for (const { key: entryKey, label, sets } of policyEntries(era)) {
    const entryPath = childPath('$.non_2xx_envelope_policy', entryKey);
    const entry = policy[entryKey];
    if (!(entryKey in policy)) {
      out.push(missing(entryPath, ''));
      continue;
    }
    if (!isPlainObject(entry)) {
      out.push(wrongType(entryPath, 'object', entry));
      continue;
    }
    for (const facet of ['requires', 'optional', 'forbids'] as const) {
      const expected = sets[facet];
      if (expected) checkPolicyFacet(entry[facet], facet in entry, childPath(entryPath, facet), expected, label, out);
    }
  }
}

function checkPolicyFacet(value: unknown, present: boolean, path: string, expected: readonly string[], label: string, out: Violation[]): void {
  if (!present) {
    out.push(missing(path, ` (expected ${formatValue(expected)})`));
    return;
  }
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    out.push({ ...wrongType(path, 'array of strings', value), message: `expected an array of field paths, got ${formatValue(value)}` });
    return;
  }
  const seen = new Set<string>();
  for (const [i, field] of (value as string[]).entries()) {
    if (seen.has(field)) {
      out.push({ rule: 'envelope-policy-duplicate', path: childPath(path, i), actual: field, message: `${formatValue(field)} is listed twice; each field must appear once` });
    }
    seen.add(field);
  }
  const want = new Set(expected);
  if (seen.size === want.size && [...seen].every((f) => want.has(f))) return;
  out.push({
    rule: 'envelope-policy',
    path,
    expected: [...expected],
    actual: value,
    message: `expected the set ${formatValue(expected)} (${label}), got ${formatValue(value)}: ${describeListDrift(expected, [...seen])}`,
  });
}
