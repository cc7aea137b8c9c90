// check:memorykernel-pin — the consumer's pin is well formed, was updated
// atomically with the mirrored producer manifest, matches the producer's
// published handoff payload, and names a service.v2 rollback target.
import { Findings, handoffPath, PIN, PRODUCER_MANIFEST_MIRROR, readJson } from './lib.mjs';

const f = new Findings('MemoryKernel pin validation');
const pin = readJson(PIN, 'pin manifest');
const mirror = readJson(PRODUCER_MANIFEST_MIRROR, 'producer manifest mirror');
const handoff = readJson(handoffPath(process.argv.slice(2)), 'handoff payload');

f.step('pin fields');
for (const field of ['memorykernel_repo', 'release_tag', 'commit_sha', 'expected_service_contract_version', 'expected_api_contract_version', 'expected_integration_baseline', 'default_base_url']) {
  if (typeof pin[field] !== 'string' || pin[field].trim() === '') f.fail(`pin field ${field} must be a non-empty string`);
}
if (!/^v\d+\.\d+\.\d+$/.test(pin.release_tag ?? '')) f.fail(`release_tag must be a vX.Y.Z tag, got ${JSON.stringify(pin.release_tag)}`);
if (!/^[0-9a-f]{40}$/.test(pin.commit_sha ?? '')) f.fail(`commit_sha must be a 40-character sha, got ${JSON.stringify(pin.commit_sha)}`);

f.step('pin and mirrored producer manifest were updated together');
f.expectEqual(mirror.release_tag, pin.release_tag, 'mirrored manifest release_tag');
f.expectEqual(mirror.commit_sha, pin.commit_sha, 'mirrored manifest commit_sha');
f.expectEqual(mirror.expected_service_contract_version, pin.expected_service_contract_version, 'mirrored manifest expected_service_contract_version');

f.step('pin matches the published handoff payload');
f.expectEqual(handoff.release_tag, pin.release_tag, 'handoff release_tag');
f.expectEqual(handoff.commit_sha, pin.commit_sha, 'handoff commit_sha');
f.expectEqual(handoff.expected_service_contract_version, pin.expected_service_contract_version, 'handoff expected_service_contract_version');
f.expectEqual(handoff.expected_api_contract_version, pin.expected_api_contract_version, 'handoff expected_api_contract_version');
f.expectEqual(handoff.integration_baseline, pin.expected_integration_baseline, 'handoff integration_baseline');

f.step('rollback target is the last approved service.v2 release');
const rb = pin.rollback_target ?? {};
if (!/^v\d+\.\d+\.\d+$/.test(rb.release_tag ?? '') || !/^[0-9a-f]{40}$/.test(rb.commit_sha ?? '')) f.fail('rollback_target needs a vX.Y.Z release_tag and a 40-character commit_sha');
f.expectEqual(rb.expected_service_contract_version, 'service.v2', 'rollback_target.expected_service_contract_version');
if (rb.commit_sha === pin.commit_sha) f.fail('rollback_target must differ from the pinned release');

f.finish(`MemoryKernel pin validation passed (${pin.release_tag} ${pin.commit_sha}; rollback to ${rb.release_tag} ${rb.commit_sha}).`);
