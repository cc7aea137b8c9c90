// The shipped runbooks: they lint with the built CLI, carry the schema line
// editors use, encode the domain facts of DESIGN §2 (checked against the
// reference MemoryKernel data where it has them), and `cutover plan` shows
// the real producer and consumer commands and names what this machine lacks.
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { findExecutable } from '../../src/runbook/preflight.js';
import { render, resolvePins } from '../../src/runbook/resolve.js';
import type { DecisionStep, InputStep, NoticeStep, Runbook, SignoffStep, Step } from '../../src/runbook/types.js';
import { PACKAGE_ROOT, runCli } from './cli.js';

const CHECKLISTS = join(PACKAGE_ROOT, 'checklists');
const CUTOVER_DAY = join(CHECKLISTS, 'service-v3-cutover-day.yaml');
const ROLLBACK = join(CHECKLISTS, 'service-v3-rollback.yaml');
// Byte-exact copies of the reference MemoryKernel files live in the demo
// sandbox, so these tests read them from the package itself.
const SANDBOX_PRODUCER = join(CHECKLISTS, 'demo/workspace/producer');
const MANIFEST = join(SANDBOX_PRODUCER, 'contracts/integration/v1/producer-contract-manifest.json');
const PUBLISHED_PAYLOAD = join(SANDBOX_PRODUCER, 'docs/implementation/PRODUCER_RELEASE_HANDOFF_LATEST.json');
/** The project's copy of the reference MemoryKernel files. */
const REFERENCE = join(PACKAGE_ROOT, 'test', 'fixtures', 'memorykernel');
/** DESIGN §2, and the candidate payload's required_consumer_validation_commands. */
const CONSUMER_SUITE = [
  'pnpm run check:memorykernel-handoff:service-v3-candidate',
  'pnpm run check:memorykernel-pin',
  'pnpm run test:memorykernel-contract',
  'pnpm run test:ci',
];

const BASELINE = { release_tag: 'v0.3.2', commit: 'cf331449e1589581a5dcbb3adecd3e9ae4509277', service_contract: 'service.v2', api_contract: 'api.v1', integration_baseline: 'integration/v1' };
const TARGET = { release_tag: 'v0.4.0', commit: '7e4806a34b98e6c06ee33fa9f11499a975e7b922', service_contract: 'service.v3', api_contract: 'api.v1', integration_baseline: 'integration/v1' };
const TRIGGERS = {
  'envelope-shape-mismatch': { severity: 'SEV-1', rollback: true },
  'fallback-regression': { severity: 'SEV-1', rollback: true },
  'payload-field-drift': { severity: 'SEV-2', rollback: false },
  'missing-evidence-artifact': { severity: 'SEV-2', rollback: false },
  'consumer-suite-red-after-repin': { severity: 'SEV-2', rollback: true },
  'critical-incident-no-mitigation': { severity: 'SEV-1', rollback: true },
};

function load(file: string): Runbook {
  return parse(readFileSync(file, 'utf8')) as Runbook;
}

/**
 * The pins as a run without --var resolves them: the shipped runbooks pin
 * their commits through the vars baseline_commit and target_commit, whose
 * defaults are the published pins (a pin is corrected with --var, not by
 * editing the runbook).
 */
function pinsOf(rb: Runbook): { baseline: Runbook['baseline']; target: Runbook['target'] } {
  expect([rb.baseline.commit, rb.target.commit]).toEqual(['${baseline_commit}', '${target_commit}']);
  expect([rb.vars?.baseline_commit?.type, rb.vars?.target_commit?.type]).toEqual(['sha', 'sha']);
  return resolvePins(rb, Object.fromEntries(Object.entries(rb.vars ?? {}).map(([k, v]) => [k, String(v.default ?? '')])));
}

function steps(rb: Runbook): Step[] {
  return rb.sections.flatMap((s) => s.steps);
}

function step<K extends Step['kind']>(rb: Runbook, id: string, kind: K): Extract<Step, { kind: K }> {
  const s = steps(rb).find((x) => x.id === id);
  if (!s) throw new Error(`${rb.id} has no step ${id}`);
  expect(s.kind).toBe(kind);
  return s as Extract<Step, { kind: K }>;
}

/** Every YAML file under checklists/ that is a runbook (answers and scenarios are not). */
function shippedRunbooks(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, e.name);
      if (e.isDirectory() && e.name !== 'workspace') walk(full);
      else if (e.isFile() && e.name.endsWith('.yaml') && (parse(readFileSync(full, 'utf8')) as { format?: string })?.format === 'cutover-runbook/v1') out.push(full);
    }
  };
  walk(CHECKLISTS);
  return out.sort();
}

describe('shipped runbooks', () => {
  const runbooks = shippedRunbooks();

  it('are the cutover day, the rollback protocol and the demo', () => {
    expect(runbooks.map((f) => relative(CHECKLISTS, f))).toEqual(['demo/demo.yaml', 'demo/rollback.yaml', 'service-v3-cutover-day.yaml', 'service-v3-rollback.yaml']);
  });

  it('all pass `cutover lint`', () => {
    const r = runCli(['lint', ...runbooks]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const f of runbooks) expect(r.stdout).toContain(`${f}: ok`);
  });

  it.each(runbooks.map((f) => [relative(CHECKLISTS, f), f]))('%s starts with the yaml-language-server line pointing at the shipped schema', (_name, file) => {
    const first = readFileSync(file, 'utf8').split('\n')[0]!;
    const m = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
    expect(m, first).not.toBeNull();
    expect(resolve(dirname(file), m![1]!)).toBe(join(PACKAGE_ROOT, 'schema', 'runbook.schema.json'));
  });
});

describe('service-v3-cutover-day.yaml encodes the cutover day', () => {
  const rb = load(CUTOVER_DAY);

  it('pins the service.v2 baseline and the service.v3 target of the published manifest', () => {
    expect(pinsOf(rb).baseline).toEqual(BASELINE);
    expect(pinsOf(rb).target).toEqual(TARGET);
    const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
    const target = pinsOf(rb).target;
    expect([target.release_tag, target.commit, target.service_contract, target.api_contract, target.integration_baseline]).toEqual([
      manifest.release_tag, manifest.commit_sha, manifest.expected_service_contract_version, manifest.expected_api_contract_version, manifest.integration_baseline,
    ]);
    expect(rb.modes).toEqual(['rehearsal', 'cutover']);
    expect(rb.rollback).toBe('service-v3-rollback.yaml');
  });

  it('declares the roles with their sides, the checkout vars and the tools the producer scripts need', () => {
    const sides = Object.fromEntries(rb.roles.map((r) => [r.id, r.side]));
    expect(sides).toEqual({
      release_captain: 'joint',
      producer_approver: 'producer',
      consumer_approver: 'consumer',
      producer_incident_commander: 'producer',
      consumer_incident_commander: 'consumer',
      producer_rollback_owner: 'producer',
      consumer_rollback_owner: 'consumer',
      decision_log_owner: 'joint',
    });
    expect(rb.vars?.producer_root?.type).toBe('path');
    expect(rb.vars?.consumer_root?.type).toBe('path');
    expect(rb.tools).toEqual(expect.arrayContaining(['python3', 'rg', 'jq', 'cargo', 'pnpm']));
  });

  it('carries the rollback trigger matrix', () => {
    const got = Object.fromEntries((rb.triggers ?? []).map((t) => [t.id, { severity: t.severity, rollback: t.rollback }]));
    expect(got).toEqual(TRIGGERS);
    expect(rb.triggers!.find((t) => t.id === 'envelope-shape-mismatch')!.action).toMatch(/service\.v2 baseline/);
    expect(rb.triggers!.find((t) => t.id === 'fallback-regression')!.action).toMatch(/joint incident bridge/);
  });

  it('has the sections of the cutover-day flow in order', () => {
    expect(rb.sections.map((s) => s.id)).toEqual(['preconditions', 'producer-gates', 'handoff-payload', 'envelope-policy', 'consumer-impact', 'consumer-suite', 'consumer-readiness', 'decision']);
    const meeting = step(rb, 'go-no-go-meeting', 'input') as InputStep;
    expect(meeting.fields.map((f) => f.id)).toContain('incident_channel');
    expect(step(rb, 'handoff-published-check', 'check').with).toMatchObject({ manifest: 'contracts/integration/v1/producer-contract-manifest.json' });
    expect(step(rb, 'envelope-candidate-check', 'check').with).toMatchObject({ contract: 'v3' });
    step(rb, 'envelope-policy-unchanged', 'confirm');
    step(rb, 'consumer-fallback-non-blocking', 'confirm');
    step(rb, 'consumer-readiness', 'confirm');
  });

  it('asks for the five fields of the payload consumer impact statement template and publishes them', () => {
    const template = JSON.parse(readFileSync(PUBLISHED_PAYLOAD, 'utf8')).consumer_impact_statement_template;
    const input = step(rb, 'consumer-impact-statement', 'input') as InputStep;
    expect(input.fields.map((f) => f.id)).toEqual(Object.keys(template));
    const notice = step(rb, 'consumer-impact-notice', 'notice') as NoticeStep;
    for (const field of Object.keys(template)) expect(notice.template).toContain(`\${consumer-impact-statement.${field}}`);
  });

  it('records the decision, the distinct joint sign-off and the three decision values', () => {
    const record = step(rb, 'decision-record', 'input') as InputStep;
    expect(record.fields.map((f) => [f.id, f.type])).toEqual([
      ['decided_at', 'timestamp'], ['producer_approver', 'text'], ['consumer_approver', 'text'],
      ['evidence_links', 'text'], ['accepted_risks', 'text'], ['rollback_target_tag', 'tag'], ['rollback_target_sha', 'sha'],
    ]);
    const signoff = step(rb, 'joint-signoff', 'signoff') as SignoffStep;
    expect(signoff).toMatchObject({ roles: ['producer_approver', 'consumer_approver'], distinct: true, exclude_operator: true });
    const decision = step(rb, 'go-no-go', 'decision') as DecisionStep;
    expect(decision.options.map((o) => o.label)).toEqual(['GO (rehearsal continuation)', 'GO (runtime cutover)', 'NO-GO']);
    expect(decision.options[1]).toMatchObject({ go: true, modes: ['cutover'], requires_steps: 'all', requires_signoffs: ['joint-signoff'] });
    expect(decision.options[2]).toMatchObject({ go: false, remediation: true });
    expect(decision.options[0]!.go).toBe(true);
  });
});

describe('service-v3-rollback.yaml encodes the rollback communication protocol', () => {
  const rb = load(ROLLBACK);

  it('rolls back to the last approved service.v2 release from the service.v3 target', () => {
    expect(pinsOf(rb).baseline).toEqual(BASELINE);
    expect(pinsOf(rb).target).toEqual(TARGET);
  });

  it('identifies the trigger by the ids of the cutover-day matrix', () => {
    const input = step(rb, 'trigger-identification', 'input') as InputStep;
    expect(input.fields.map((f) => f.id)).toEqual(['incident_id', 'trigger_type', 'severity', 'contract_mode', 'identified_at']);
    const cutoverTriggers = (load(CUTOVER_DAY).triggers ?? []).map((t) => t.id);
    expect(input.fields.find((f) => f.id === 'trigger_type')!.options).toEqual(cutoverTriggers);
    expect(rb.triggers).toEqual(load(CUTOVER_DAY).triggers);
  });

  it('puts the four deadlines on the right anchors', () => {
    const due = Object.fromEntries(steps(rb).filter((s) => s.due).map((s) => [s.id, s.due]));
    expect(due).toEqual({
      'initial-incident-notice': { after: 'trigger', within: '15m' },
      'producer-rollback-recommendation': { after: 'trigger', within: '30m' },
      'consumer-repin-confirmed': { after: 'rollback-executed', within: '30m' },
      'joint-incident-summary': { after: 'trigger', within: '24h' },
    });
  });

  it('renders an incident notice with the current release and the rollback target', () => {
    const notice = step(rb, 'initial-incident-notice', 'notice') as NoticeStep;
    const text = render(notice.template, {
      vars: { incident_channel: '#mk-incident' },
      run: { mode: 'rehearsal' },
      ...pinsOf(rb),
      inputs: {
        'trigger-identification': { incident_id: 'INC-42', trigger_type: 'envelope-shape-mismatch', severity: 'SEV-1', contract_mode: 'service.v3 runtime', identified_at: '2026-02-22T14:03:00Z' },
        'incident-assessment': { current_tag: 'v0.4.0', current_sha: TARGET.commit, rollback_tag: 'v0.3.2', rollback_sha: BASELINE.commit, impact_summary: 'Draft enrichment errors', immediate_actions: 'baseline frozen', next_update_eta: '2026-02-22T14:45:00Z' },
      },
    });
    expect(text).not.toContain('${');
    for (const needle of ['INC-42', 'envelope-shape-mismatch', 'service.v3 runtime', 'Draft enrichment errors', 'baseline frozen', '2026-02-22T14:45:00Z']) expect(text).toContain(needle);
    expect(text).toContain(`Current: v0.4.0 / ${TARGET.commit} (service.v3)`);
    expect(text).toContain(`Rollback target: v0.3.2 / ${BASELINE.commit} (service.v2 / api.v1 / integration/v1)`);
  });

  it('proves the baseline on both sides and closes with the final record, the owners sign-off and a decision', () => {
    expect(rb.sections.map((s) => s.id)).toEqual(['trigger', 'notification', 'rollback-execution', 'producer-reversal-evidence', 'consumer-reversal-evidence', 'final-record']);
    const producer = rb.sections.find((s) => s.id === 'producer-reversal-evidence')!.steps;
    for (const s of producer) expect(s).toMatchObject({ kind: 'command', cwd: '${producer_root}', pin_commit: '${baseline.commit}' });
    const record = step(rb, 'rollback-record', 'input') as InputStep;
    expect(record.fields.map((f) => f.id)).toEqual(expect.arrayContaining(['completed_at', 'producer_owner_approval', 'consumer_owner_approval', 'residual_risk']));
    expect(step(rb, 'rollback-owners-signoff', 'signoff')).toMatchObject({ roles: ['producer_rollback_owner', 'consumer_rollback_owner'], distinct: true });
    const decision = step(rb, 'rollback-decision', 'decision') as DecisionStep;
    expect(decision.options.map((o) => [o.go, o.remediation ?? false])).toEqual([[true, false], [false, true]]);
  });

  it('is a rollback runbook; the notice fields are held to the pins and the ETA to the future; the re-pin is a consumer sign-off', () => {
    expect(rb.kind).toBe('rollback');
    const assessment = step(rb, 'incident-assessment', 'input') as InputStep;
    const field = (id: string) => assessment.fields.find((f) => f.id === id)!;
    expect([field('current_tag').equals, field('current_sha').equals, field('rollback_tag').equals, field('rollback_sha').equals]).toEqual(['${target.release_tag}', '${target.commit}', '${baseline.release_tag}', '${baseline.commit}']);
    expect(field('next_update_eta')).toMatchObject({ type: 'timestamp', future: true });
    expect(step(rb, 'consumer-repin-confirmed', 'signoff')).toMatchObject({ roles: ['consumer_rollback_owner'] });
    const consumer = rb.sections.find((s) => s.id === 'consumer-reversal-evidence')!.steps.map((s) => s.id);
    expect(consumer).toEqual(expect.arrayContaining(['consumer-baseline-handoff', 'consumer-baseline-pin', 'consumer-baseline-contract', 'consumer-baseline-ci']));
    expect(step(rb, 'consumer-baseline-handoff', 'command')).toMatchObject({ expect: { stdout_not_contains: ['validation skipped'] } });
    expect(steps(rb).some((s) => s.id === 'joint-incident-summary' && s.kind === 'notice')).toBe(true);
  });
});

describe('cutover plan on the cutover day', () => {
  // A path with a space: a var value must stay one argv word.
  const producer = '/srv/cutover test/MemoryKernel';
  let consumer: string;
  let bin: string;
  const linked: string[] = [];

  beforeAll(() => {
    consumer = mkdtempSync(join(tmpdir(), 'cutover-consumer-'));
    // A PATH with the tools that exist here except rg and pnpm, so the test
    // means the same on a machine that has them installed.
    bin = mkdtempSync(join(tmpdir(), 'cutover-bin-'));
    for (const tool of ['git', 'python3', 'jq', 'cargo']) {
      const found = findExecutable(tool, PACKAGE_ROOT);
      if (found) {
        symlinkSync(found, join(bin, tool));
        linked.push(tool);
      }
    }
  });
  afterAll(() => {
    rmSync(consumer, { recursive: true, force: true });
    rmSync(bin, { recursive: true, force: true });
  });

  const vars = () => ['--var', `producer_root=${producer}`, '--var', `consumer_root=${consumer}`, '--var', `envelope_sample=${join(consumer, 'non-2xx.json')}`];

  it('resolves the real producer suite on the target commit and the real consumer suite', () => {
    const r = runCli(['plan', CUTOVER_DAY, ...vars(), '--json'], { env: { ...process.env, PATH: bin } });
    const plan = JSON.parse(r.stdout) as { steps: { id: string; command: { argv: string[]; cwd: string; pin_commit: string | null } | null }[] };
    const commands = plan.steps.filter((s) => s.command).map((s) => s.command!);
    const producerArgv = commands.filter((c) => c.cwd === producer && c.pin_commit === TARGET.commit).map((c) => c.argv);
    // The producer's own list of verification commands, with its author's checkout path replaced by ours.
    const published = JSON.parse(readFileSync(PUBLISHED_PAYLOAD, 'utf8'));
    for (const cmd of published.verification_commands as string[]) {
      const argv = cmd.split(' ').map((w) => (w === '/Users/d/Projects/MemoryKernel' ? producer : w));
      expect(producerArgv).toContainEqual(argv);
    }
    expect(producerArgv).toContainEqual(['./scripts/verify_producer_contract_manifest.sh', '--memorykernel-root', producer]);
    expect(producerArgv).toContainEqual(['./scripts/verify_producer_handoff_payload.sh', '--memorykernel-root', producer]);
    const consumerArgv = commands.filter((c) => c.cwd === consumer).map((c) => c.argv);
    expect(consumerArgv).toEqual(CONSUMER_SUITE.map((c) => c.split(' ')));
    expect(r.code).toBe(1);
  });

  it('shows the commands and exits 1 naming rg, pnpm and the missing producer checkout', () => {
    const r = runCli(['plan', CUTOVER_DAY, ...vars()], { env: { ...process.env, PATH: bin } });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('$ cargo clippy --workspace --all-targets --all-features -- -D warnings');
    expect(r.stdout).toContain(`$ ./scripts/run_trilogy_compliance_suite.sh --memorykernel-root '${producer}' --skip-baseline`);
    expect(r.stdout).toContain('$ pnpm run check:memorykernel-handoff:service-v3-candidate');
    expect(r.stdout).toContain(`pinned: git HEAD must be ${TARGET.commit}`);
    expect(r.stdout).toContain('required tool "rg" is not on PATH');
    expect(r.stdout).toContain('required tool "pnpm" is not on PATH');
    expect(r.stdout).toContain(`working directory ${producer} does not exist`);
    for (const tool of linked) expect(r.stdout).not.toContain(`required tool "${tool}"`);
  });

  it('refuses the plan (exit 2, as run does) when a checkout var is missing, naming the var', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: bin };
    delete env.MEMORYKERNEL_ROOT; // the var's environment source
    const r = runCli(['plan', CUTOVER_DAY, '--var', `consumer_root=${consumer}`, '--var', 'envelope_sample=x.json'], { env });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/var producer_root .* has no value/);
  });

  it('plans the rollback with the producer reversal evidence pinned to the baseline commit', () => {
    mkdirSync(join(consumer, 'p'), { recursive: true });
    const r = runCli(['plan', ROLLBACK, '--var', `producer_root=${join(consumer, 'p')}`, '--var', `consumer_root=${consumer}`, '--var', 'incident_channel=#mk-incident', '--json'], { env: { ...process.env, PATH: bin } });
    const plan = JSON.parse(r.stdout) as { steps: { id: string; command: { argv: string[]; pin_commit: string | null } | null }[] };
    const pinned = plan.steps.filter((s) => s.command?.pin_commit === BASELINE.commit).map((s) => s.command!.argv[0]);
    expect(pinned).toEqual(['git', './scripts/verify_service_contract_alignment.sh', './scripts/verify_contract_parity.sh', './scripts/verify_trilogy_compatibility_artifacts.sh', './scripts/run_trilogy_smoke.sh']);
    expect(r.stdout).not.toContain('"pin_commit": "7e4806a34b98e6c06ee33fa9f11499a975e7b922"');
  });
});

// Keeps the sandbox honest about its data: its contract files are the real ones.
describe('the demo sandbox data', () => {
  it.each([
    ['producer-contract-manifest.json', MANIFEST],
    ['PRODUCER_RELEASE_HANDOFF_LATEST.json', PUBLISHED_PAYLOAD],
    ['service-contract-source-of-truth.json', join(SANDBOX_PRODUCER, 'contracts/integration/v1/service-contract-source-of-truth.json')],
    ['error-envelope.schema.json', join(SANDBOX_PRODUCER, 'contracts/integration/v1/schemas/error-envelope.schema.json')],
  ])('%s is the reference file, byte for byte', (name, copy) => {
    expect(readFileSync(copy, 'utf8')).toBe(readFileSync(join(REFERENCE, name), 'utf8'));
  });

  it('the consumer suite is the candidate payload\'s required consumer validation commands', () => {
    const candidate = JSON.parse(readFileSync(join(REFERENCE, 'PRODUCER_HANDOFF_SERVICE_V3_CANDIDATE.generated.json'), 'utf8'));
    expect(candidate.required_consumer_validation_commands).toEqual(CONSUMER_SUITE);
  });
});

describe('docs/runbook-format.md', () => {
  const doc = readFileSync(join(PACKAGE_ROOT, 'docs', 'runbook-format.md'), 'utf8');
  const blocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);

  it('its complete example is a runbook that lints', () => {
    const example = blocks.find((b) => b.includes('format: cutover-runbook/v1'));
    expect(example).toBeDefined();
    const dir = mkdtempSync(join(tmpdir(), 'cutover-doc-example-'));
    try {
      const file = join(dir, 'example.yaml');
      writeFileSync(file, example!);
      const r = runCli(['lint', file]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every YAML example parses', () => {
    expect(blocks.length).toBeGreaterThan(15);
    for (const b of blocks) expect(() => parse(b), b).not.toThrow();
  });

  it('documents every header field and step kind of the schema', () => {
    const schema = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'schema', 'runbook.schema.json'), 'utf8'));
    for (const field of Object.keys(schema.properties).filter((k) => k !== '$schema')) expect(doc).toContain(`| \`${field}\` |`);
    for (const kind of schema.$defs.stepCommon.properties.kind.enum as string[]) expect(doc).toContain(`### \`${kind}\``);
    for (const check of schema.$defs.checkStep.properties.check.enum as string[]) expect(doc).toContain(`| \`${check}\` |`);
  });
});
