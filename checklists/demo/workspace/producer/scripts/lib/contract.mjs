// Shared pieces of the sandbox producer's verification scripts: argument
// parsing, JSON reading that names the file on failure, a failure collector
// (every broken rule is reported, not only the first), and the handoff
// payload generator that both generate-handoff-payload.mjs and the verifier
// use — the verifier regenerates in memory, as the real producer does.
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MANIFEST = 'contracts/integration/v1/producer-contract-manifest.json';
export const SOURCE_OF_TRUTH = 'contracts/integration/v1/service-contract-source-of-truth.json';
export const PUBLISHED_HANDOFF = 'docs/implementation/PRODUCER_RELEASE_HANDOFF_LATEST.json';
export const EVIDENCE_BUNDLE = 'docs/implementation/RELEASE_EVIDENCE_BUNDLE_LATEST.json';
export const SAMPLES_V3 = 'contracts/integration/v1/samples/service-v3';
export const CHANGELOG = 'CHANGELOG.md';

/** The approved service.v3 non-2xx envelope policy (the RFC); compared as sets. */
export const SERVICE_V3_ENVELOPE_POLICY = {
  requires: ['service_contract_version', 'error.code', 'error.message'],
  optional: ['error.details'],
  forbids: ['legacy_error', 'api_contract_version'],
};

/**
 * Parses `--flag value` pairs. Unknown flags are a usage error (exit 2) so a
 * typo in a runbook never silently checks the wrong tree.
 */
export function parseArgs(argv, known, usage) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') {
      console.log(usage);
      process.exit(0);
    }
    const name = arg.startsWith('--') ? arg.slice(2) : undefined;
    if (!name || !known.includes(name) || i + 1 >= argv.length) {
      console.error(`unknown or incomplete argument: ${arg}\n${usage}`);
      process.exit(2);
    }
    out[name] = argv[++i];
  }
  return out;
}

/** The producer checkout: --memorykernel-root, else the directory above scripts/. */
export function producerRoot(args) {
  const here = dirname(fileURLToPath(import.meta.url));
  return resolve(args['memorykernel-root'] ?? join(here, '..', '..'));
}

export function readJson(root, rel) {
  const full = join(root, rel);
  if (!existsSync(full)) throw new CheckError(`required file missing: ${rel} (looked in ${root})`);
  try {
    return JSON.parse(readFileSync(full, 'utf8'));
  } catch (err) {
    throw new CheckError(`${rel} is not valid JSON: ${err.message}`);
  }
}

/** A problem that stops the script before its rules can run (missing or unreadable file). */
export class CheckError extends Error {}

/** Collects rule failures and ends the script with the right exit code. */
export class Findings {
  constructor(name) {
    this.name = name;
    this.failures = [];
  }
  step(title) {
    console.log(`[check] ${title}`);
  }
  fail(message) {
    this.failures.push(message);
    console.error(`  FAIL ${message}`);
  }
  expectEqual(actual, expected, what) {
    if (JSON.stringify(actual) !== JSON.stringify(expected)) this.fail(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
  /** Same members, order ignored (policy lists are sets). */
  expectSameSet(actual, expected, what) {
    if (!Array.isArray(actual)) return this.fail(`${what}: expected a list, got ${JSON.stringify(actual)}`);
    const missing = expected.filter((x) => !actual.includes(x));
    const extra = actual.filter((x) => !expected.includes(x));
    if (missing.length || extra.length || new Set(actual).size !== actual.length) {
      this.fail(`${what}: expected the set ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}${missing.length ? ` (missing ${missing.join(', ')})` : ''}${extra.length ? ` (unexpected ${extra.join(', ')})` : ''}`);
    }
  }
  finish(successLine) {
    if (this.failures.length === 0) {
      console.log(successLine);
      process.exit(0);
    }
    console.error(`${this.name} failed: ${this.failures.length} problem(s)`);
    process.exit(1);
  }
}

/** Runs a script body; a CheckError (missing/unreadable input) exits 1 with its message. */
export function run(name, body) {
  try {
    body();
  } catch (err) {
    if (err instanceof CheckError) {
      console.error(`${name} failed: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
}

/**
 * Builds the handoff payload from the manifest, field for field like the
 * producer's generate_producer_handoff_payload.sh. `now` is injectable so
 * the verifier's in-memory regeneration is comparable.
 */
export function generateHandoffPayload(root, manifest, mode, now = new Date()) {
  for (const key of ['release_tag', 'commit_sha', 'expected_service_contract_version', 'expected_api_contract_version', 'integration_baseline', 'error_code_enum']) {
    if (!(key in manifest)) throw new CheckError(`manifest missing required key: ${key}`);
  }
  if (!existsSync(join(root, CHANGELOG))) throw new CheckError(`changelog missing: ${join(root, CHANGELOG)}`);
  const pins = {
    release_tag: manifest.release_tag,
    commit_sha: manifest.commit_sha,
    expected_service_contract_version: manifest.expected_service_contract_version,
    expected_api_contract_version: manifest.expected_api_contract_version,
    integration_baseline: manifest.integration_baseline,
  };
  const payload = {
    handoff_generated_at_utc: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    handoff_mode: mode,
    ...pins,
    active_runtime_baseline: { ...pins },
    error_code_enum: manifest.error_code_enum,
    non_2xx_envelope_policy: {
      service_v3_stable: SERVICE_V3_ENVELOPE_POLICY,
      service_v3_candidate: SERVICE_V3_ENVELOPE_POLICY,
    },
    manifest_contract_version: manifest.manifest_contract_version ?? 'producer-contract-manifest.v1',
    manifest_path: join(root, MANIFEST),
    changelog_path: join(root, CHANGELOG),
    verification_commands: [
      `node scripts/verify-service-contract-alignment.mjs --memorykernel-root ${root}`,
      `node scripts/verify-producer-handoff-payload.mjs --memorykernel-root ${root}`,
      `node scripts/verify-release-evidence-bundle.mjs --memorykernel-root ${root}`,
      `node scripts/run-envelope-smoke.mjs --memorykernel-root ${root}`,
    ],
    consumer_impact_statement_template: {
      runtime_behavior_changes: '<none|describe>',
      required_consumer_mapping_changes: '<none|describe>',
      required_test_updates: '<none|describe>',
      repin_required: '<yes/no>',
      rollback_instruction: 'repin to <previous tag/sha>',
    },
  };
  if (mode === 'service-v3-candidate') {
    payload.rehearsal_candidate = {
      requires_runtime_cutover: false,
      service_v2_runtime_stability_required: true,
      migration_overlap_days: 14,
      consumer_non_blocking_fallback_required: true,
    };
    payload.compatibility_expectations = {
      candidate_values_override_release_baseline_fields: ['expected_service_contract_version'],
      fields_that_must_match_active_runtime_baseline: ['release_tag', 'commit_sha', 'expected_api_contract_version', 'integration_baseline', 'error_code_enum'],
    };
    payload.required_consumer_validation_commands = [
      'pnpm run check:memorykernel-handoff:service-v3-candidate',
      'pnpm run check:memorykernel-pin',
      'pnpm run test:memorykernel-contract',
      'pnpm run test:ci',
    ];
  }
  return payload;
}

/** Reads a dotted path (`error.code`) of a response body; undefined when absent. */
export function getPath(body, dotted) {
  let cur = body;
  for (const part of dotted.split('.')) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, part)) return undefined;
    cur = cur[part];
  }
  return cur;
}
