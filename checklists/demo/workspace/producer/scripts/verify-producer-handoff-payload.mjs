// Verifies the published handoff payload against the canonical manifest. Like
// the producer's verify_producer_handoff_payload.sh it first regenerates both
// payload modes in memory (so a broken generator is caught), then checks that
// every field of the published payload that the manifest pins still matches.
import { Findings, generateHandoffPayload, MANIFEST, parseArgs, producerRoot, PUBLISHED_HANDOFF, readJson, run, SERVICE_V3_ENVELOPE_POLICY } from './lib/contract.mjs';

const USAGE = `Usage: node scripts/verify-producer-handoff-payload.mjs [--memorykernel-root DIR] [--payload FILE]

Verifies the published handoff payload (default ${PUBLISHED_HANDOFF})
against ${MANIFEST}.`;

const REQUIRED = [
  'handoff_generated_at_utc', 'handoff_mode', 'release_tag', 'commit_sha', 'expected_service_contract_version',
  'expected_api_contract_version', 'integration_baseline', 'active_runtime_baseline', 'error_code_enum',
  'non_2xx_envelope_policy', 'manifest_contract_version', 'manifest_path', 'changelog_path',
  'verification_commands', 'consumer_impact_statement_template',
];
const RUNTIME_BASELINE_KEYS = ['release_tag', 'commit_sha', 'expected_service_contract_version', 'expected_api_contract_version', 'integration_baseline'];

function checkPayload(f, name, payload, manifest) {
  for (const key of REQUIRED) if (!(key in payload)) f.fail(`${name}: missing required key: ${key}`);
  for (const key of ['manifest_contract_version', 'release_tag', 'commit_sha', 'expected_api_contract_version', 'integration_baseline']) {
    if (key in payload && payload[key] !== manifest[key]) f.fail(`${name}: ${key} drifted from the manifest: manifest ${JSON.stringify(manifest[key])}, payload ${JSON.stringify(payload[key])}`);
  }
  if ('error_code_enum' in payload) f.expectEqual(payload.error_code_enum, manifest.error_code_enum, `${name}: error_code_enum (must equal the manifest's, order included)`);
  const baseline = payload.active_runtime_baseline ?? {};
  for (const key of RUNTIME_BASELINE_KEYS) {
    if (baseline[key] !== manifest[key]) f.fail(`${name}: active_runtime_baseline.${key} drifted from the manifest: manifest ${JSON.stringify(manifest[key])}, payload ${JSON.stringify(baseline[key])}`);
  }
  const policy = payload.non_2xx_envelope_policy ?? {};
  for (const entry of ['service_v3_stable', 'service_v3_candidate']) {
    if (!policy[entry]) {
      f.fail(`${name}: non_2xx_envelope_policy missing key: ${entry}`);
      continue;
    }
    for (const facet of ['requires', 'optional', 'forbids']) f.expectSameSet(policy[entry][facet], SERVICE_V3_ENVELOPE_POLICY[facet], `${name}: ${entry}.${facet}`);
  }
  const mode = payload.handoff_mode;
  if (mode === 'stable') {
    if (payload.expected_service_contract_version !== manifest.expected_service_contract_version) f.fail(`${name}: expected_service_contract_version must be ${manifest.expected_service_contract_version} in stable mode, got ${JSON.stringify(payload.expected_service_contract_version)}`);
    for (const block of ['rehearsal_candidate', 'compatibility_expectations', 'required_consumer_validation_commands']) if (block in payload) f.fail(`${name}: a stable payload must not carry the candidate-only block ${block}`);
  } else if (mode === 'service-v3-candidate') {
    if (payload.expected_service_contract_version !== 'service.v3') f.fail(`${name}: expected_service_contract_version must be service.v3 in candidate mode`);
    for (const block of ['rehearsal_candidate', 'compatibility_expectations', 'required_consumer_validation_commands']) if (!(block in payload)) f.fail(`${name}: candidate payload missing ${block}`);
    if (payload.rehearsal_candidate?.requires_runtime_cutover !== false) f.fail(`${name}: rehearsal_candidate.requires_runtime_cutover must be false`);
  } else {
    f.fail(`${name}: unsupported handoff_mode ${JSON.stringify(mode)}`);
  }
}

run('producer handoff payload', () => {
  const args = parseArgs(process.argv.slice(2), ['memorykernel-root', 'payload'], USAGE);
  const root = producerRoot(args);
  const manifest = readJson(root, MANIFEST);
  const f = new Findings('producer handoff payload');

  f.step('regenerate stable and service-v3-candidate payloads from the manifest');
  checkPayload(f, 'regenerated stable', generateHandoffPayload(root, manifest, 'stable'), manifest);
  checkPayload(f, 'regenerated candidate', generateHandoffPayload(root, manifest, 'service-v3-candidate'), manifest);

  const rel = args.payload ?? PUBLISHED_HANDOFF;
  f.step(`published payload ${rel} matches the manifest`);
  const published = readJson(root, rel);
  checkPayload(f, 'published', published, manifest);

  f.finish(`Producer handoff payload checks passed (${published.handoff_mode}, ${published.release_tag} ${published.commit_sha}).`);
});
