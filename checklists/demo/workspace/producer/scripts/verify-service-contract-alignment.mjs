// Checks that the contract manifest and the service contract source of truth
// describe the same contract: versions, the error-code enum (exactly, order
// included) and the approved service.v3 non-2xx envelope policy.
import { Findings, MANIFEST, parseArgs, producerRoot, readJson, run, SERVICE_V3_ENVELOPE_POLICY, SOURCE_OF_TRUTH } from './lib/contract.mjs';

const USAGE = `Usage: node scripts/verify-service-contract-alignment.mjs [--memorykernel-root DIR]

Verifies ${MANIFEST} against ${SOURCE_OF_TRUTH}.`;

run('service contract alignment', () => {
  const root = producerRoot(parseArgs(process.argv.slice(2), ['memorykernel-root'], USAGE));
  const manifest = readJson(root, MANIFEST);
  const source = readJson(root, SOURCE_OF_TRUTH);
  const f = new Findings('service contract alignment');

  f.step('contract versions: manifest vs source of truth');
  for (const key of ['expected_service_contract_version', 'expected_api_contract_version', 'integration_baseline']) {
    f.expectEqual(source[key], manifest[key], `source of truth ${key} (manifest says ${JSON.stringify(manifest[key])})`);
  }

  f.step('error-code enum: identical lists, order included');
  f.expectEqual(source.error_code_enum, manifest.error_code_enum, 'source of truth error_code_enum');

  f.step('non-2xx envelope policy matches the approved service.v3 RFC');
  const policy = source.non_2xx_envelope_policy ?? {};
  for (const facet of ['requires', 'optional', 'forbids']) {
    f.expectSameSet(policy[facet], SERVICE_V3_ENVELOPE_POLICY[facet], `non_2xx_envelope_policy.${facet}`);
  }

  f.step('service.v3 transition guard: legacy_error stays removed');
  if (manifest.expected_service_contract_version === 'service.v3') {
    const guard = manifest.service_v3_transition_guard ?? {};
    f.expectEqual(guard.legacy_error_removal_requires_service_v3, true, 'service_v3_transition_guard.legacy_error_removal_requires_service_v3');
  }

  f.finish(`Service contract alignment checks passed (${manifest.expected_service_contract_version}, ${manifest.error_code_enum.length} error codes).`);
});
