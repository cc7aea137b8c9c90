// The producer handoff payload check: the governance rules of the
// producer's verify_producer_handoff_payload.sh (violations), plus the
// hygiene rules of handoff-hygiene.ts (warnings, or violations with
// `strict`). Unlike the script, which stops at the first failure, every
// broken rule is reported so one run shows everything to fix. Pure: no I/O.
import type { DuplicateKey } from './json-scan.js';
import { checkHandoffHygiene } from './handoff-hygiene.js';
import type { ProducerManifest } from './manifest.js';
import { childPath, formatValue, isPlainObject, jsonEqual, jsonTypeOf, type Violation } from './violation.js';

export const REQUIRED_KEYS = [
  'handoff_generated_at_utc',
  'handoff_mode',
  'release_tag',
  'commit_sha',
  'expected_service_contract_version',
  'expected_api_contract_version',
  'integration_baseline',
  'active_runtime_baseline',
  'error_code_enum',
  'non_2xx_envelope_policy',
  'manifest_contract_version',
  'manifest_path',
  'changelog_path',
  'verification_commands',
  'consumer_impact_statement_template',
] as const;

/** Top-level fields that must equal the manifest's. */
export const MANIFEST_PINNED_KEYS = ['manifest_contract_version', 'release_tag', 'commit_sha', 'expected_api_contract_version', 'integration_baseline'] as const;

export const RUNTIME_BASELINE_KEYS = [
  'release_tag',
  'commit_sha',
  'expected_service_contract_version',
  'expected_api_contract_version',
  'integration_baseline',
] as const;

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

export const CANDIDATE_ONLY_BLOCKS = ['rehearsal_candidate', 'compatibility_expectations', 'required_consumer_validation_commands'] as const;
export const HANDOFF_MODES = ['stable', 'service-v3-candidate'] as const;
export const CANDIDATE_SERVICE_CONTRACT_VERSION = 'service.v3';


export interface HandoffCheckOptions {
  /** Hygiene findings become violations instead of warnings. */
  strict?: boolean;
  /** Duplicate keys found while reading the payload (JSON.parse hides them). */
  duplicateKeys?: DuplicateKey[];
  /**
   * The release the payload must name (the runbook's target pin, or
   * `--expect-tag`/`--expect-sha`): a payload that agrees with a manifest
   * regenerated for another commit still fails.
   */
  expect?: HandoffExpectation;
}

export interface HandoffExpectation {
  release_tag?: string;
  commit_sha?: string;
  /** Where each expectation comes from, for messages: `--expect-sha`, `with.expect_commit_sha`. */
  labels?: { release_tag: string; commit_sha: string };
}

export interface HandoffFindings {
  violations: Violation[];
  warnings: Violation[];
}

type Payload = Record<string, unknown>;

export function checkHandoff(manifest: ProducerManifest, payload: unknown, options: HandoffCheckOptions = {}): HandoffFindings {
  const violations: Violation[] = [];
  const hygiene: Violation[] = [];
  if (!isPlainObject(payload)) {
    violations.push({ rule: 'type', path: '$', expected: 'object', actual: jsonTypeOf(payload), message: `a handoff payload is a JSON object, got ${jsonTypeOf(payload)}` });
  } else {
    checkFormat(payload, manifest, violations);
    checkRequiredKeys(payload, violations);
    checkManifestPins(payload, manifest, violations);
    checkErrorCodeEnum(payload, manifest, violations);
    checkRuntimeBaseline(payload, manifest, violations);
    checkEnvelopePolicy(payload, policyEraOf(manifest), violations);
    checkMode(payload, manifest, violations);
    if (options.expect) checkExpected(payload, options.expect, violations);
    hygiene.push(...checkHandoffHygiene(payload));
  }
  for (const dup of options.duplicateKeys ?? []) {
    hygiene.push({
      rule: 'duplicate-key',
      path: dup.path,
      line: dup.line,
      message: `key "${dup.key}" appears again on line ${dup.line} (first on line ${dup.firstLine}); JSON.parse keeps the last value, other readers may keep the first — keep exactly one`,
    });
  }
  return options.strict ? { violations: [...violations, ...hygiene], warnings: [] } : { violations, warnings: hygiene };
}

function missing(path: string, context: string): Violation {
  return { rule: 'required-key', path, message: `required key is missing${context}` };
}

function wrongType(path: string, expected: string, actual: unknown): Violation {
  return { rule: 'type', path, expected, actual: jsonTypeOf(actual), message: `expected ${expected}, got ${jsonTypeOf(actual)}` };
}

function checkFormat(payload: Payload, manifest: ProducerManifest, out: Violation[]): void {
  // The older rehearsal payload (service-v3-rehearsal-handoff.v1) has no
  // handoff_mode; say what it is instead of only listing 14 missing keys.
  const format = payload.payload_contract_version;
  if (format === undefined || 'handoff_mode' in payload) return;
  const producer = isPlainObject(payload.producer) ? payload.producer : {};
  const baseline = isPlainObject(producer.active_runtime_baseline) ? producer.active_runtime_baseline : undefined;
  const drift = baseline
    ? `; its runtime baseline ${formatValue(baseline.release_tag)}/${formatValue(baseline.service_contract_version)} drifted from the manifest's ${formatValue(manifest.release_tag)}/${formatValue(manifest.expected_service_contract_version)}`
    : '';
  out.push({
    rule: 'payload-format',
    path: '$.payload_contract_version',
    expected: 'a producer handoff payload (handoff_mode stable or service-v3-candidate)',
    actual: format,
    message: `this is a ${formatValue(format)} payload, not a producer handoff payload${drift}; regenerate it with generate_producer_handoff_payload.sh`,
  });
}

function checkRequiredKeys(payload: Payload, out: Violation[]): void {
  for (const key of REQUIRED_KEYS) {
    if (!(key in payload)) out.push(missing(childPath('$', key), ''));
  }
}

function checkManifestPins(payload: Payload, manifest: ProducerManifest, out: Violation[]): void {
  for (const key of MANIFEST_PINNED_KEYS) {
    if (!(key in payload) || jsonEqual(payload[key], manifest[key])) continue;
    out.push({
      rule: 'manifest-drift',
      path: childPath('$', key),
      expected: manifest[key],
      actual: payload[key],
      message: `expected ${formatValue(manifest[key])} (manifest), got ${formatValue(payload[key])}`,
    });
  }
}

function checkErrorCodeEnum(payload: Payload, manifest: ProducerManifest, out: Violation[]): void {
  if (!('error_code_enum' in payload)) return;
  const actual = payload.error_code_enum;
  if (!Array.isArray(actual)) {
    out.push(wrongType('$.error_code_enum', 'array', actual));
    return;
  }
  if (jsonEqual(actual, manifest.error_code_enum)) return;
  out.push({
    rule: 'error-code-enum',
    path: '$.error_code_enum',
    expected: manifest.error_code_enum,
    actual,
    message: `does not match the manifest's ${manifest.error_code_enum.length} codes exactly: ${describeListDrift(manifest.error_code_enum, actual)}`,
  });
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

function checkRuntimeBaseline(payload: Payload, manifest: ProducerManifest, out: Violation[]): void {
  if (!('active_runtime_baseline' in payload)) return;
  const baseline = payload.active_runtime_baseline;
  if (!isPlainObject(baseline)) {
    out.push(wrongType('$.active_runtime_baseline', 'object', baseline));
    return;
  }
  for (const key of RUNTIME_BASELINE_KEYS) {
    const path = childPath('$.active_runtime_baseline', key);
    if (!(key in baseline)) {
      out.push(missing(path, ` (expected ${formatValue(manifest[key])}, the manifest's)`));
    } else if (!jsonEqual(baseline[key], manifest[key])) {
      out.push({
        rule: 'runtime-baseline-drift',
        path,
        expected: manifest[key],
        actual: baseline[key],
        message: `expected ${formatValue(manifest[key])} (manifest), got ${formatValue(baseline[key])}`,
      });
    }
  }
}

function checkExpected(payload: Payload, expect: HandoffExpectation, out: Violation[]): void {
  for (const key of ['release_tag', 'commit_sha'] as const) {
    const source = expect.labels?.[key] ?? 'expected';
    const want = expect[key];
    if (want === undefined || !(key in payload)) continue;
    const got = payload[key];
    // A sha is compared without regard to case; a tag exactly.
    const same = key === 'commit_sha' && typeof got === 'string' ? got.toLowerCase() === want.toLowerCase() : got === want;
    if (same) continue;
    out.push({
      rule: 'target-drift',
      path: childPath('$', key),
      expected: want,
      actual: got,
      message: `expected ${formatValue(want)} (${source}), got ${formatValue(got)}: the payload names another release than the one being cut over to`,
    });
  }
}

function checkEnvelopePolicy(payload: Payload, era: PolicyEra, out: Violation[]): void {
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

function checkMode(payload: Payload, manifest: ProducerManifest, out: Violation[]): void {
  if (!('handoff_mode' in payload)) return;
  const mode = payload.handoff_mode;
  if (mode !== 'stable' && mode !== 'service-v3-candidate') {
    out.push({
      rule: 'handoff-mode',
      path: '$.handoff_mode',
      expected: [...HANDOFF_MODES],
      actual: mode,
      message: `expected "stable" or "service-v3-candidate", got ${formatValue(mode)}`,
    });
    return;
  }
  const wantService = mode === 'stable' ? manifest.expected_service_contract_version : CANDIDATE_SERVICE_CONTRACT_VERSION;
  if ('expected_service_contract_version' in payload && payload.expected_service_contract_version !== wantService) {
    out.push({
      rule: 'mode-service-version',
      path: '$.expected_service_contract_version',
      expected: wantService,
      actual: payload.expected_service_contract_version,
      message: `expected ${formatValue(wantService)} (${mode === 'stable' ? 'manifest, stable mode' : 'service-v3-candidate mode'}), got ${formatValue(payload.expected_service_contract_version)}`,
    });
  }
  if (mode === 'stable') {
    for (const block of CANDIDATE_ONLY_BLOCKS) {
      if (block in payload) {
        out.push({ rule: 'candidate-only-block', path: childPath('$', block), message: `a stable handoff must not carry the candidate-only block ${block}; remove it or set handoff_mode to service-v3-candidate` });
      }
    }
    return;
  }
  for (const block of CANDIDATE_ONLY_BLOCKS) {
    if (!(block in payload)) out.push(missing(childPath('$', block), ' (required in service-v3-candidate mode)'));
  }
  if (!('rehearsal_candidate' in payload)) return;
  const candidate = payload.rehearsal_candidate;
  if (!isPlainObject(candidate)) {
    out.push(wrongType('$.rehearsal_candidate', 'object', candidate));
  } else if (candidate.requires_runtime_cutover !== false) {
    out.push({
      rule: 'runtime-cutover',
      path: '$.rehearsal_candidate.requires_runtime_cutover',
      expected: false,
      actual: candidate.requires_runtime_cutover,
      message: `expected false (a candidate handoff never authorizes a runtime cutover), got ${formatValue(candidate.requires_runtime_cutover)}`,
    });
  }
}
