// Verifies the release evidence bundle: its runtime baseline and policy
// assertions match the manifest, and every artifact it pins exists with the
// recorded sha256 — a missing or edited artifact is a missing piece of
// release evidence (trigger: NO-GO until the evidence is complete).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, normalize } from 'node:path';
import { EVIDENCE_BUNDLE, Findings, MANIFEST, parseArgs, producerRoot, readJson, run, SOURCE_OF_TRUTH } from './lib/contract.mjs';

const USAGE = `Usage: node scripts/verify-release-evidence-bundle.mjs [--memorykernel-root DIR]

Verifies ${EVIDENCE_BUNDLE}: runtime baseline, policy assertions, artifact sha256 pins.`;

run('release evidence bundle', () => {
  const root = producerRoot(parseArgs(process.argv.slice(2), ['memorykernel-root'], USAGE));
  const bundle = readJson(root, EVIDENCE_BUNDLE);
  const manifest = readJson(root, MANIFEST);
  const source = readJson(root, SOURCE_OF_TRUTH);
  const f = new Findings('release evidence bundle');

  f.step('bundle format');
  f.expectEqual(bundle.evidence_bundle_version, 'release-evidence-bundle.v1', 'evidence_bundle_version');

  f.step('runtime baseline matches the manifest');
  for (const key of ['release_tag', 'commit_sha', 'expected_service_contract_version', 'expected_api_contract_version', 'integration_baseline']) {
    f.expectEqual(bundle.runtime_baseline?.[key], manifest[key], `runtime_baseline.${key}`);
  }

  f.step('policy assertions match the manifest and the source of truth');
  f.expectEqual(bundle.policy_assertions?.error_code_enum, manifest.error_code_enum, 'policy_assertions.error_code_enum');
  f.expectEqual(bundle.policy_assertions?.service_contract_source_version, source.service_contract_source_version, 'policy_assertions.service_contract_source_version');

  f.step('artifact sha256 pins');
  const artifacts = Array.isArray(bundle.artifacts) ? bundle.artifacts : [];
  if (artifacts.length === 0) f.fail('artifacts: the bundle pins no artifacts');
  for (const { path, sha256 } of artifacts) {
    // Pins are repository-relative; anything escaping the checkout is not evidence of it.
    if (typeof path !== 'string' || isAbsolute(path) || normalize(path).startsWith('..')) {
      f.fail(`artifact path ${JSON.stringify(path)} must be relative to the repository root`);
      continue;
    }
    const full = join(root, path);
    if (!existsSync(full)) {
      f.fail(`missing release evidence artifact: ${path}`);
      continue;
    }
    const actual = createHash('sha256').update(readFileSync(full)).digest('hex');
    if (actual !== sha256) f.fail(`artifact ${path}: sha256 ${actual} does not match the pinned ${sha256}`);
    else console.log(`  ok ${sha256.slice(0, 12)}  ${path}`);
  }

  f.finish(`Release evidence bundle checks passed (${artifacts.length} artifacts pinned).`);
});
