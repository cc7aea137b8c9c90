// The handoff check against the release being cut over to (expect_release_tag
// / expect_commit_sha, --expect-tag / --expect-sha), and manifests of the
// service.v2 era (the rollback baseline v0.3.2) checked by their own rules:
// the payloads of that era carry service_v2_stable and service_v3_candidate,
// as the producer's verifier of that time required. Real files: the
// MemoryKernel reference data, edited the way a regenerated manifest is.
import { describe, expect, it } from 'vitest';
import { checkHandoff, policyEraOf } from '../../src/checks/handoff.js';
import { parseProducerManifest } from '../../src/checks/manifest.js';
import { cli } from '../helpers/cli.js';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CANDIDATE, MANIFEST, readJson, STABLE, STACK_FRAME, tempDir, writeJson } from './helpers.js';

const TARGET_SHA = '7e4806a34b98e6c06ee33fa9f11499a975e7b922';
const BASELINE_SHA = 'cf331449e1589581a5dcbb3adecd3e9ae4509277';

/** A manifest and candidate payload regenerated naming v0.4.0 at the baseline commit: they agree with each other. */
function regeneratedAtBaselineCommit(dir: string): { manifest: string; payload: string } {
  const manifest = readJson(MANIFEST);
  manifest.commit_sha = BASELINE_SHA;
  const payload = readJson(CANDIDATE);
  payload.commit_sha = BASELINE_SHA;
  (payload.active_runtime_baseline as Record<string, unknown>).commit_sha = BASELINE_SHA;
  return { manifest: writeJson(dir, 'producer-contract-manifest.json', manifest), payload: writeJson(dir, 'candidate.json', payload) };
}

/** The manifest at the rollback baseline: v0.3.2, service.v2. */
function v2Manifest(): Record<string, unknown> {
  return { ...readJson(MANIFEST), release_tag: 'v0.3.2', commit_sha: BASELINE_SHA, expected_service_contract_version: 'service.v2' };
}

const V2_STABLE = { requires: ['service_contract_version', 'error.code', 'error.message', 'legacy_error'], forbids: ['api_contract_version'] };
const V3 = { requires: ['service_contract_version', 'error.code', 'error.message'], optional: ['error.details'], forbids: ['legacy_error', 'api_contract_version'] };

/** A stable payload of the v2 era, shaped as generate_producer_handoff_payload.sh wrote it then. */
function v2StablePayload(): Record<string, unknown> {
  const p = readJson(STABLE);
  const pin = { release_tag: 'v0.3.2', commit_sha: BASELINE_SHA, expected_service_contract_version: 'service.v2', expected_api_contract_version: 'api.v1', integration_baseline: 'integration/v1' };
  return { ...p, release_tag: 'v0.3.2', commit_sha: BASELINE_SHA, expected_service_contract_version: 'service.v2', active_runtime_baseline: pin, non_2xx_envelope_policy: { service_v2_stable: V2_STABLE, service_v3_candidate: V3 } };
}

describe('handoff check against the target pins', () => {
  it('passes the published payload when it names the target tag and commit', () => {
    const found = checkHandoff(parseProducerManifest(readJson(MANIFEST), 'm'), readJson(STABLE), { expect: { release_tag: 'v0.4.0', commit_sha: TARGET_SHA } });
    expect(found.violations).toEqual([]);
  });

  it('fails a candidate regenerated at the baseline commit, which the manifest check alone passes, naming both values', () => {
    const dir = tempDir();
    const files = regeneratedAtBaselineCommit(dir);
    const manifest = parseProducerManifest(readJson(files.manifest), files.manifest);
    expect(checkHandoff(manifest, readJson(files.payload)).violations).toEqual([]);
    const found = checkHandoff(manifest, readJson(files.payload), { expect: { release_tag: 'v0.4.0', commit_sha: TARGET_SHA, labels: { release_tag: 'with.expect_release_tag', commit_sha: 'with.expect_commit_sha' } } });
    expect(found.violations).toEqual([
      expect.objectContaining({ rule: 'target-drift', path: '$.commit_sha', expected: TARGET_SHA, actual: BASELINE_SHA, message: expect.stringContaining(`expected "${TARGET_SHA}" (with.expect_commit_sha), got "${BASELINE_SHA}"`) }),
    ]);
  });

  it('cutover check handoff --expect-tag/--expect-sha: exit 1 with the finding, 0 when they agree, 2 for a short sha', async () => {
    const dir = tempDir();
    const files = regeneratedAtBaselineCommit(dir);
    const drift = await cli(['check', 'handoff', '--manifest', files.manifest, '--payload', files.payload, '--expect-tag', 'v0.4.0', '--expect-sha', TARGET_SHA]);
    expect(drift.code, drift.stderr).toBe(1);
    expect(drift.stdout).toContain(`$.commit_sha: expected "${TARGET_SHA}" (--expect-sha), got "${BASELINE_SHA}"`);
    expect(drift.stdout).toContain('[target-drift]');
    const ok = await cli(['check', 'handoff', '--manifest', MANIFEST, '--payload', STABLE, '--expect-tag', 'v0.4.0', '--expect-sha', TARGET_SHA, '--json']);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ passed: true, era: 'service.v3', expect: { release_tag: 'v0.4.0', commit_sha: TARGET_SHA } });
    const tag = await cli(['check', 'handoff', '--manifest', MANIFEST, '--payload', STABLE, '--expect-tag', 'v0.3.2']);
    expect(tag.code).toBe(1);
    expect(tag.stdout).toContain('$.release_tag: expected "v0.3.2" (--expect-tag), got "v0.4.0"');
    const short = await cli(['check', 'handoff', '--manifest', MANIFEST, '--payload', STABLE, '--expect-sha', '7e4806a']);
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/--expect-sha "7e4806a" is not a full commit sha \(40 hex characters\)/);
    expect(short.stderr).toContain('hint: ');
    expect(short.stderr).not.toMatch(STACK_FRAME);
  });
});

describe('lint of a literal expect_commit_sha', () => {
  it('refuses a short sha at its line and column, accepts a full sha and a ${…} reference', async () => {
    const dir = tempDir();
    const source = readFileSync(join(import.meta.dirname, '../../checklists/demo/demo.yaml'), 'utf8');
    const lines = source.split('\n');
    const at = lines.findIndex((l) => l.includes('expect_commit_sha: ${target.commit}'));
    expect(at).toBeGreaterThan(0);
    lines[at] = lines[at]!.replace('${target.commit}', '7e4806a');
    const file = join(dir, 'demo.yaml');
    writeFileSync(file, lines.join('\n'));
    const bad = await cliInProcess(['lint', file]);
    expect(bad.code, bad.stdout + bad.stderr).toBe(2);
    const col = lines[at]!.indexOf('7e4806a') + 1;
    expect(bad.stdout + bad.stderr).toContain(`${file}:${at + 1}:${col}: step "handoff-candidate-check".with.expect_commit_sha has an invalid value "7e4806a"`);
    expect(bad.stdout + bad.stderr).toContain('hint: write the full 40-character lower-case commit sha, or a ${…} reference such as ${target.commit}');
    lines[at] = lines[at]!.replace('7e4806a', TARGET_SHA);
    writeFileSync(file, lines.join('\n'));
    copyFileSync(join(import.meta.dirname, '../../checklists/demo/demo.yaml'), join(dir, 'unchanged.yaml'));
    copyFileSync(join(import.meta.dirname, '../../checklists/demo/rollback.yaml'), join(dir, 'rollback.yaml')); // the demo's `rollback:` runbook
    const good = await cliInProcess(['lint', file, join(dir, 'unchanged.yaml')]);
    expect(good.code, good.stdout + good.stderr).toBe(0);
  });
});

describe('manifests of the service.v2 era', () => {
  it('the reference manifest is of the service.v3 era; the v0.3.2 manifest of the service.v2 era; a manifest carrying its own policy is read by its keys', () => {
    expect(policyEraOf(parseProducerManifest(readJson(MANIFEST), 'm'))).toBe('service.v3');
    expect(policyEraOf(parseProducerManifest(v2Manifest(), 'm'))).toBe('service.v2');
    const own = { ...readJson(MANIFEST), non_2xx_envelope_policy: { service_v2_stable: V2_STABLE, service_v3_candidate: V3 } };
    expect(policyEraOf(parseProducerManifest(own, 'm'))).toBe('service.v2');
    expect(policyEraOf(parseProducerManifest({ ...own, non_2xx_envelope_policy: { service_v3_stable: V3 } }, 'm'))).toBe('service.v3');
  });

  it('passes a v2-era stable payload (service_v2_stable, no service_v3_stable), strict included', () => {
    const found = checkHandoff(parseProducerManifest(v2Manifest(), 'm'), v2StablePayload(), { strict: true });
    expect(found.violations).toEqual([]);
  });

  it('passes a v2-era candidate payload (expected_service_contract_version service.v3 in candidate mode)', () => {
    const candidate = readJson(CANDIDATE);
    const payload = { ...v2StablePayload(), handoff_mode: 'service-v3-candidate', expected_service_contract_version: 'service.v3', rehearsal_candidate: candidate.rehearsal_candidate, compatibility_expectations: candidate.compatibility_expectations, required_consumer_validation_commands: candidate.required_consumer_validation_commands };
    expect(checkHandoff(parseProducerManifest(v2Manifest(), 'm'), payload).violations).toEqual([]);
  });

  it('holds a v2-era payload to the v2 rules: the v2 entry is required, with its own sets', () => {
    const manifest = parseProducerManifest(v2Manifest(), 'm');
    const v3Shaped = { ...v2StablePayload(), non_2xx_envelope_policy: { service_v3_stable: V3, service_v3_candidate: V3 } };
    expect(checkHandoff(manifest, v3Shaped).violations).toEqual([expect.objectContaining({ rule: 'required-key', path: '$.non_2xx_envelope_policy.service_v2_stable' })]);
    const noLegacy = { ...v2StablePayload(), non_2xx_envelope_policy: { service_v2_stable: { ...V2_STABLE, requires: V3.requires }, service_v3_candidate: V3 } };
    expect(checkHandoff(manifest, noLegacy).violations).toEqual([
      expect.objectContaining({ rule: 'envelope-policy', path: '$.non_2xx_envelope_policy.service_v2_stable.requires', message: expect.stringContaining('(service.v2 policy, the manifest\'s era)') }),
    ]);
    // The candidate entry is service.v3 in either era.
    const badCandidate = { ...v2StablePayload(), non_2xx_envelope_policy: { service_v2_stable: V2_STABLE, service_v3_candidate: V2_STABLE } };
    expect(checkHandoff(manifest, badCandidate).violations.map((v) => v.path)).toEqual([
      '$.non_2xx_envelope_policy.service_v3_candidate.requires',
      '$.non_2xx_envelope_policy.service_v3_candidate.optional',
      '$.non_2xx_envelope_policy.service_v3_candidate.forbids',
    ]);
  });

  it('the v3 rules still refuse a service.v3 payload that carries the v2 entry instead of service_v3_stable', () => {
    const payload = { ...readJson(STABLE), non_2xx_envelope_policy: { service_v2_stable: V2_STABLE, service_v3_candidate: V3 } };
    expect(checkHandoff(parseProducerManifest(readJson(MANIFEST), 'm'), payload).violations).toEqual([expect.objectContaining({ rule: 'required-key', path: '$.non_2xx_envelope_policy.service_v3_stable' })]);
  });

  it('cutover check handoff on v2-era files: exit 0, era service.v2 in --json', async () => {
    const dir = tempDir();
    const manifest = writeJson(dir, 'producer-contract-manifest.json', v2Manifest());
    const payload = writeJson(dir, 'PRODUCER_RELEASE_HANDOFF_LATEST.json', v2StablePayload());
    const run = await cli(['check', 'handoff', '--manifest', manifest, '--payload', payload, '--expect-tag', 'v0.3.2', '--expect-sha', BASELINE_SHA, '--json']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ passed: true, era: 'service.v2', violations: [] });
  });
});
