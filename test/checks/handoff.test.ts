// The handoff rules on the real MemoryKernel payloads, and a table of
// single mutations of those payloads, each with exactly the findings it
// must produce (rule id + JSON path) — no more, no fewer.
import { describe, expect, it } from 'vitest';
import { checkHandoff, REQUIRED_KEYS } from '../../src/checks/handoff.js';
import { runHandoffCheck } from '../../src/checks/handoff-check.js';
import { parseProducerManifest, type ProducerManifest } from '../../src/checks/manifest.js';
import type { Violation } from '../../src/checks/violation.js';
import { CANDIDATE, MANIFEST, REHEARSAL, STABLE, readJson, tempDir, writeJson } from './helpers.js';

type Payload = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const manifest: ProducerManifest = parseProducerManifest(readJson(MANIFEST), MANIFEST);
const stable = (): Payload => readJson(STABLE);
const candidate = (): Payload => readJson(CANDIDATE);
const ids = (list: Violation[]) => list.map((v) => `${v.rule} ${v.path}`).sort();

const V2_SHA = 'cf331449e1589581a5dcbb3adecd3e9ae4509277';
const POLICY = '$.non_2xx_envelope_policy';

interface Mutation {
  name: string;
  base: () => Payload;
  mutate: (p: Payload) => void;
  violations: string[];
  warnings?: string[];
  strict?: boolean;
}

const mutations: Mutation[] = [
  // Programmatic: dropping any one of the 15 required keys is exactly one finding.
  ...REQUIRED_KEYS.map((key): Mutation => ({
    name: `stable without ${key}`,
    base: stable,
    mutate: (p) => delete p[key],
    violations: [`required-key $.${key}`],
  })),
  { name: 'release_tag rolled back to v0.3.2', base: stable, mutate: (p) => (p.release_tag = 'v0.3.2'), violations: ['manifest-drift $.release_tag'] },
  { name: 'commit_sha of the service.v2 baseline', base: stable, mutate: (p) => (p.commit_sha = V2_SHA), violations: ['manifest-drift $.commit_sha'] },
  {
    name: 'commit_sha in upper case',
    base: stable,
    mutate: (p) => (p.commit_sha = p.commit_sha.toUpperCase()),
    violations: ['manifest-drift $.commit_sha'],
    warnings: ['commit-sha-format $.commit_sha'],
  },
  { name: 'api contract api.v2', base: stable, mutate: (p) => (p.expected_api_contract_version = 'api.v2'), violations: ['manifest-drift $.expected_api_contract_version'] },
  { name: 'integration baseline v2', base: stable, mutate: (p) => (p.integration_baseline = 'integration/v2'), violations: ['manifest-drift $.integration_baseline'] },
  { name: 'manifest contract version v2', base: candidate, mutate: (p) => (p.manifest_contract_version = 'producer-contract-manifest.v2'), violations: ['manifest-drift $.manifest_contract_version'] },
  { name: 'error codes reordered', base: stable, mutate: (p) => p.error_code_enum.reverse(), violations: ['error-code-enum $.error_code_enum'] },
  { name: 'error code dropped', base: stable, mutate: (p) => p.error_code_enum.pop(), violations: ['error-code-enum $.error_code_enum'] },
  { name: 'error code duplicated', base: candidate, mutate: (p) => p.error_code_enum.push('internal_error'), violations: ['error-code-enum $.error_code_enum'] },
  { name: 'error code added', base: stable, mutate: (p) => p.error_code_enum.push('rate_limited'), violations: ['error-code-enum $.error_code_enum'] },
  { name: 'error codes as a string', base: stable, mutate: (p) => (p.error_code_enum = 'invalid_json'), violations: ['type $.error_code_enum'] },
  { name: 'runtime baseline sha of service.v2', base: stable, mutate: (p) => (p.active_runtime_baseline.commit_sha = V2_SHA), violations: ['runtime-baseline-drift $.active_runtime_baseline.commit_sha'] },
  { name: 'runtime baseline tag v0.3.2', base: candidate, mutate: (p) => (p.active_runtime_baseline.release_tag = 'v0.3.2'), violations: ['runtime-baseline-drift $.active_runtime_baseline.release_tag'] },
  {
    name: 'runtime baseline service.v2',
    base: stable,
    mutate: (p) => (p.active_runtime_baseline.expected_service_contract_version = 'service.v2'),
    violations: ['runtime-baseline-drift $.active_runtime_baseline.expected_service_contract_version'],
  },
  {
    name: 'runtime baseline api.v2',
    base: stable,
    mutate: (p) => (p.active_runtime_baseline.expected_api_contract_version = 'api.v2'),
    violations: ['runtime-baseline-drift $.active_runtime_baseline.expected_api_contract_version'],
  },
  {
    name: 'runtime baseline without integration_baseline',
    base: stable,
    mutate: (p) => delete p.active_runtime_baseline.integration_baseline,
    violations: ['required-key $.active_runtime_baseline.integration_baseline'],
  },
  {
    name: 'runtime baseline short sha',
    base: stable,
    mutate: (p) => (p.active_runtime_baseline.commit_sha = '7e4806a'),
    violations: ['runtime-baseline-drift $.active_runtime_baseline.commit_sha'],
    warnings: ['commit-sha-format $.active_runtime_baseline.commit_sha'],
  },
  { name: 'runtime baseline as a string', base: stable, mutate: (p) => (p.active_runtime_baseline = 'v0.4.0'), violations: ['type $.active_runtime_baseline'] },
  {
    name: 'stable policy requires legacy_error',
    base: stable,
    mutate: (p) => p.non_2xx_envelope_policy.service_v3_stable.requires.push('legacy_error'),
    violations: [`envelope-policy ${POLICY}.service_v3_stable.requires`],
  },
  {
    name: 'candidate policy forbids only legacy_error',
    base: candidate,
    mutate: (p) => (p.non_2xx_envelope_policy.service_v3_candidate.forbids = ['legacy_error']),
    violations: [`envelope-policy ${POLICY}.service_v3_candidate.forbids`],
  },
  {
    name: 'optional field listed twice',
    base: stable,
    mutate: (p) => p.non_2xx_envelope_policy.service_v3_stable.optional.push('error.details'),
    violations: [`envelope-policy-duplicate ${POLICY}.service_v3_stable.optional[1]`],
  },
  {
    name: 'policy without the candidate entry',
    base: stable,
    mutate: (p) => delete p.non_2xx_envelope_policy.service_v3_candidate,
    violations: [`required-key ${POLICY}.service_v3_candidate`],
  },
  {
    name: 'policy entry without optional',
    base: stable,
    mutate: (p) => delete p.non_2xx_envelope_policy.service_v3_stable.optional,
    violations: [`required-key ${POLICY}.service_v3_stable.optional`],
  },
  { name: 'unknown handoff mode', base: stable, mutate: (p) => (p.handoff_mode = 'rehearsal'), violations: ['handoff-mode $.handoff_mode'] },
  { name: 'stable declaring service.v2', base: stable, mutate: (p) => (p.expected_service_contract_version = 'service.v2'), violations: ['mode-service-version $.expected_service_contract_version'] },
  {
    name: 'stable carrying a rehearsal_candidate block',
    base: stable,
    mutate: (p) => (p.rehearsal_candidate = candidate().rehearsal_candidate),
    violations: ['candidate-only-block $.rehearsal_candidate'],
  },
  {
    name: 'candidate relabelled stable',
    base: candidate,
    mutate: (p) => (p.handoff_mode = 'stable'),
    violations: ['candidate-only-block $.rehearsal_candidate', 'candidate-only-block $.compatibility_expectations', 'candidate-only-block $.required_consumer_validation_commands'],
  },
  {
    name: 'candidate requiring a runtime cutover',
    base: candidate,
    mutate: (p) => (p.rehearsal_candidate.requires_runtime_cutover = true),
    violations: ['runtime-cutover $.rehearsal_candidate.requires_runtime_cutover'],
  },
  {
    name: 'candidate silent on runtime cutover',
    base: candidate,
    mutate: (p) => delete p.rehearsal_candidate.requires_runtime_cutover,
    violations: ['runtime-cutover $.rehearsal_candidate.requires_runtime_cutover'],
  },
  { name: 'candidate without compatibility_expectations', base: candidate, mutate: (p) => delete p.compatibility_expectations, violations: ['required-key $.compatibility_expectations'] },
  {
    name: 'candidate without consumer validation commands',
    base: candidate,
    mutate: (p) => delete p.required_consumer_validation_commands,
    violations: ['required-key $.required_consumer_validation_commands'],
  },
  { name: 'candidate declaring service.v2', base: candidate, mutate: (p) => (p.expected_service_contract_version = 'service.v2'), violations: ['mode-service-version $.expected_service_contract_version'] },
  { name: 'timestamp without T and Z', base: stable, mutate: (p) => (p.handoff_generated_at_utc = '2026-02-08 13:19:53'), violations: [], warnings: ['timestamp-format $.handoff_generated_at_utc'] },
  { name: 'timestamp with an offset', base: stable, mutate: (p) => (p.handoff_generated_at_utc = '2026-02-08T13:19:53+01:00'), violations: [], warnings: ['timestamp-format $.handoff_generated_at_utc'] },
  { name: 'timestamp on 30 February', base: candidate, mutate: (p) => (p.handoff_generated_at_utc = '2026-02-30T07:42:43Z'), violations: [], warnings: ['timestamp-format $.handoff_generated_at_utc'] },
  { name: 'empty verification commands', base: stable, mutate: (p) => (p.verification_commands = []), violations: [], warnings: ['command-list $.verification_commands'] },
  { name: 'blank verification command', base: stable, mutate: (p) => p.verification_commands.push('  '), violations: [], warnings: ['command-list $.verification_commands[8]'] },
  {
    name: 'empty consumer validation commands',
    base: candidate,
    mutate: (p) => (p.required_consumer_validation_commands = []),
    violations: [],
    warnings: ['command-list $.required_consumer_validation_commands'],
  },
  { name: 'legacy_error pasted into the payload', base: stable, mutate: (p) => (p.legacy_error = 'internal_error'), violations: [], warnings: ['forbidden-envelope-field $.legacy_error'] },
  {
    name: 'api_contract_version at the top level, strict',
    base: candidate,
    mutate: (p) => (p.api_contract_version = 'api.v1'),
    violations: ['forbidden-envelope-field $.api_contract_version'],
    strict: true,
  },
  {
    name: 'empty command list, strict',
    base: stable,
    mutate: (p) => (p.verification_commands = []),
    violations: ['command-list $.verification_commands'],
    strict: true,
  },
  // Sets, not lists: the producer compares sorted lists, so order is free.
  { name: 'policy requires reordered (allowed)', base: stable, mutate: (p) => p.non_2xx_envelope_policy.service_v3_stable.requires.reverse(), violations: [] },
  // The producer only reads the keys it names; an extra key is not drift.
  { name: 'extra informational key (allowed)', base: stable, mutate: (p) => (p.notes = 'published after go/no-go'), violations: [] },
];

describe('checkHandoff on the real MemoryKernel files', () => {
  it('passes the published stable payload with no warnings, even strict', () => {
    expect(checkHandoff(manifest, stable(), { strict: true })).toEqual({ violations: [], warnings: [] });
  });

  it('passes the generated service-v3-candidate payload with no warnings, even strict', () => {
    expect(checkHandoff(manifest, candidate(), { strict: true })).toEqual({ violations: [], warnings: [] });
  });

  it('fails the older rehearsal payload and names the drift', () => {
    const { violations } = checkHandoff(manifest, readJson(REHEARSAL));
    const format = violations.find((v) => v.rule === 'payload-format');
    expect(format?.actual).toBe('service-v3-rehearsal-handoff.v1');
    expect(format?.message).toContain('"v0.3.2"/"service.v2" drifted from the manifest\'s "v0.4.0"/"service.v3"');
    expect(ids(violations)).toEqual(
      [
        'payload-format $.payload_contract_version',
        ...REQUIRED_KEYS.filter((k) => k !== 'non_2xx_envelope_policy').map((k) => `required-key $.${k}`),
        `required-key ${POLICY}.service_v3_stable`,
      ].sort(),
    );
  });
});

describe('checkHandoff: single mutations of the real payloads', () => {
  it('has at least 30 mutations', () => {
    expect(mutations.length).toBeGreaterThanOrEqual(30);
  });

  it.each(mutations.map((m) => [m.name, m] as const))('%s', (_name, m) => {
    const payload = m.base();
    m.mutate(payload);
    const findings = checkHandoff(manifest, payload, { strict: m.strict ?? false });
    expect(ids(findings.violations)).toEqual([...m.violations].sort());
    expect(ids(findings.warnings)).toEqual([...(m.warnings ?? [])].sort());
    for (const v of [...findings.violations, ...findings.warnings]) {
      expect(v.message).not.toMatch(/\n/);
      expect(v.message.length).toBeGreaterThan(5);
    }
  });
});

describe('checkHandoff reports every violation at once', () => {
  it('lists all drifts of a payload broken in five places', () => {
    const p = stable();
    p.release_tag = 'v0.3.2';
    p.commit_sha = V2_SHA;
    p.active_runtime_baseline.commit_sha = V2_SHA;
    p.error_code_enum = p.error_code_enum.slice(1);
    delete p.changelog_path;
    const { violations } = checkHandoff(manifest, p);
    expect(ids(violations)).toEqual(
      ['manifest-drift $.release_tag', 'manifest-drift $.commit_sha', 'runtime-baseline-drift $.active_runtime_baseline.commit_sha', 'error-code-enum $.error_code_enum', 'required-key $.changelog_path'].sort(),
    );
  });

  it('says expected, actual and where they come from', () => {
    const p = stable();
    p.active_runtime_baseline.commit_sha = V2_SHA;
    const [v] = checkHandoff(manifest, p).violations;
    expect(v).toMatchObject({ expected: manifest.commit_sha, actual: V2_SHA });
    expect(v!.message).toBe(`expected "${manifest.commit_sha}" (manifest), got "${V2_SHA}"`);
  });

  it('explains an error-code enum drift code by code', () => {
    const p = stable();
    p.error_code_enum = [...p.error_code_enum.slice(1), 'rate_limited', 'rate_limited'];
    const [v] = checkHandoff(manifest, p).violations;
    expect(v!.message).toContain('missing "invalid_json"');
    expect(v!.message).toContain('unexpected "rate_limited"');
    expect(v!.message).toContain('duplicated "rate_limited"');
  });

  it('refuses a payload that is not an object', () => {
    expect(ids(checkHandoff(manifest, ['not', 'a', 'payload']).violations)).toEqual(['type $']);
  });
});

describe('runHandoffCheck reads the files', () => {
  it('reports a duplicate key JSON.parse would hide, with its line', async () => {
    const dir = tempDir();
    const text = JSON.stringify(stable(), null, 2).replace('"release_tag": "v0.4.0",', '"release_tag": "v0.3.2",\n  "release_tag": "v0.4.0",');
    const payload = `${dir}/dup.json`;
    await import('node:fs').then((fs) => fs.writeFileSync(payload, text));
    const result = await runHandoffCheck({ manifest: MANIFEST, payload });
    expect(result.passed).toBe(true);
    expect(result.warnings).toEqual([expect.objectContaining({ rule: 'duplicate-key', path: '$.release_tag', line: 5 })]);
    const strict = await runHandoffCheck({ manifest: MANIFEST, payload, strict: true });
    expect(strict.passed).toBe(false);
    expect(ids(strict.violations)).toEqual(['duplicate-key $.release_tag']);
  });

  it('refuses a manifest that is not one (swapped flags)', async () => {
    await expect(runHandoffCheck({ manifest: STABLE, payload: MANIFEST })).rejects.toThrow(/contract manifest ".*PRODUCER_RELEASE_HANDOFF_LATEST.json" is not a producer contract manifest: it is a handoff payload .* swapped\?/);
    await expect(runHandoffCheck({ manifest: STABLE.replace('PRODUCER_RELEASE_HANDOFF_LATEST', 'RELEASE_EVIDENCE_BUNDLE_LATEST'), payload: STABLE })).rejects.toThrow(/is not a producer contract manifest: missing "manifest_contract_version"/);
  });

  it('resolves relative paths against cwd', async () => {
    const dir = tempDir();
    writeJson(dir, 'manifest.json', readJson(MANIFEST));
    writeJson(dir, 'payload.json', candidate());
    const result = await runHandoffCheck({ manifest: 'manifest.json', payload: 'payload.json', cwd: dir });
    expect(result).toMatchObject({ passed: true, mode: 'service-v3-candidate', payload: 'payload.json' });
  });
});
