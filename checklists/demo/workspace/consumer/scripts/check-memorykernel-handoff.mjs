// check:memorykernel-handoff:service-v3-candidate — the producer's published
// handoff payload is what this consumer is pinned to: same release and
// commit, service.v3 contract, the mirrored manifest's enum (order included)
// and an envelope policy without the removed legacy field.
import { Findings, handoffPath, PIN, PRODUCER_MANIFEST_MIRROR, readJson } from './lib.mjs';

const f = new Findings('MemoryKernel handoff payload validation');
const pin = readJson(PIN, 'pin manifest');
const mirror = readJson(PRODUCER_MANIFEST_MIRROR, 'producer manifest mirror');
const path = handoffPath(process.argv.slice(2));
const handoff = readJson(path, 'handoff payload');
console.log(`handoff payload: ${path}`);

f.step('release and commit match the pin');
f.expectEqual(handoff.release_tag, pin.release_tag, 'release_tag');
f.expectEqual(handoff.commit_sha, pin.commit_sha, 'commit_sha');

f.step('contract versions: service.v3 candidate');
f.expectEqual(handoff.expected_service_contract_version, 'service.v3', 'expected_service_contract_version');
f.expectEqual(handoff.expected_api_contract_version, pin.expected_api_contract_version, 'expected_api_contract_version');
f.expectEqual(handoff.integration_baseline, pin.expected_integration_baseline, 'integration_baseline');
f.expectEqual(handoff.manifest_contract_version, mirror.manifest_contract_version, 'manifest_contract_version');

f.step('error-code enum equals the mirrored producer manifest');
f.expectEqual(handoff.error_code_enum, mirror.error_code_enum, 'error_code_enum');

f.step('non-2xx envelope policy forbids the removed legacy field');
for (const entry of ['service_v3_stable', 'service_v3_candidate']) {
  const forbids = handoff.non_2xx_envelope_policy?.[entry]?.forbids ?? [];
  if (!forbids.includes('legacy_error')) f.fail(`non_2xx_envelope_policy.${entry}.forbids must include legacy_error`);
}

f.step('payload metadata');
if (Number.isNaN(Date.parse(handoff.handoff_generated_at_utc ?? ''))) f.fail('handoff_generated_at_utc must be an ISO timestamp');
if (!Array.isArray(handoff.verification_commands) || handoff.verification_commands.length === 0) f.fail('verification_commands must be a non-empty list');

f.finish(`MemoryKernel handoff payload validation passed (${handoff.release_tag} ${handoff.commit_sha}, ${handoff.handoff_mode}).`);
