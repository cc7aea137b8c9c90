// The producer handoff payload check: the governance rules of the
// producer's verify_producer_handoff_payload.sh (violations), plus the
// hygiene rules of handoff-hygiene.ts (warnings, or violations with
// `strict`). Unlike the script, which stops at the first failure, every
// broken rule is reported so one run shows everything to fix. Pure: no I/O.
import type { DuplicateKey } from './json-scan.js';
import { checkHandoffHygiene } from './handoff-hygiene.js';
import { checkEnvelopePolicy, describeListDrift, missing, policyEraOf, wrongType } from './handoff-policy.js';
import type { ProducerManifest } from './manifest.js';
import { childPath, formatValue, isPlainObject, jsonEqual, jsonTypeOf, type Violation } from './violation.js';

export { describeListDrift, ENVELOPE_POLICY_ENTRIES, policyEraOf, SERVICE_V2_ENVELOPE_POLICY, SERVICE_V3_ENVELOPE_POLICY, type PolicyEra } from './handoff-policy.js';

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
