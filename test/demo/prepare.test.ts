// prepareDemo on the real package files: it copies the demo to a fresh temp
// directory, commits the sandbox producer, passes the demo preflight, the
// sandbox is green as shipped, and the package's own files are never written.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/cli/errors.js';
import { listScenarios, parseJsonPath, prepareDemo } from '../../src/demo/prepare.js';
import { PACKAGE_ROOT, runCli } from '../shipped/cli.js';
import { failed, hashTree, runAutomatedSteps, runSandbox } from './sandbox.js';

const DEMO = join(PACKAGE_ROOT, 'checklists', 'demo');
const git = (cwd: string, ...args: string[]) => spawnSync('git', args, { cwd, encoding: 'utf8' }).stdout.trim();

describe('prepareDemo', () => {
  const packageHashBefore = hashTree(DEMO);
  let tmpRoot: string;
  beforeAll(() => {
    tmpRoot = mkdtempSync(join(tmpdir(), 'cutover-demo-test-'));
  });
  afterAll(() => {
    rmSync(tmpRoot, { recursive: true, force: true });
  });

  it('copies the runbook, the workspace and the answers to a fresh directory and returns the vars', async () => {
    const demo = await prepareDemo({ packageRoot: PACKAGE_ROOT, tmpRoot });
    expect(demo.workDir.startsWith(tmpRoot + sep)).toBe(true);
    expect(demo.runbookPath).toBe(join(demo.workDir, 'demo.yaml'));
    expect(demo.answersPath).toBe(join(demo.workDir, 'answers.yaml'));
    expect(existsSync(demo.runbookPath) && existsSync(demo.answersPath)).toBe(true);
    expect(existsSync(join(demo.workDir, 'scenarios'))).toBe(false);
    expect(demo.scenario).toBeUndefined();
    expect(Object.keys(demo.vars).sort()).toEqual(['consumer_root', 'producer_commit', 'producer_root']);
    expect(demo.vars.producer_root).toBe(join(demo.workDir, 'workspace', 'producer'));
    expect(demo.vars.consumer_root).toBe(join(demo.workDir, 'workspace', 'consumer'));
    // An exact copy: same files, same bytes (the producer copy also has its .git).
    expect(hashTree(demo.vars.producer_root!, ['.git'])).toBe(hashTree(join(DEMO, 'workspace', 'producer')));
    expect(hashTree(demo.vars.consumer_root!)).toBe(hashTree(join(DEMO, 'workspace', 'consumer')));
  });

  it('makes the producer copy a clean git repository whose HEAD is producer_commit', async () => {
    const demo = await prepareDemo({ packageRoot: PACKAGE_ROOT, tmpRoot });
    const producer = demo.vars.producer_root!;
    expect(demo.vars.producer_commit).toMatch(/^[0-9a-f]{40}$/);
    expect(git(producer, 'rev-parse', 'HEAD')).toBe(demo.vars.producer_commit);
    expect(git(producer, 'status', '--porcelain')).toBe('');
    expect(git(producer, 'log', '-1', '--format=%an <%ae>')).toBe('cutover demo <demo@cutover.invalid>');
    expect(existsSync(join(demo.vars.consumer_root!, '.git'))).toBe(false);
  });

  it('gives the same tree the same commit, also without a git identity', async () => {
    const first = await prepareDemo({ packageRoot: PACKAGE_ROOT, tmpRoot });
    const home = mkdtempSync(join(tmpdir(), 'cutover-empty-home-'));
    const saved = { HOME: process.env.HOME, XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME };
    process.env.HOME = home;
    process.env.XDG_CONFIG_HOME = home;
    try {
      const second = await prepareDemo({ packageRoot: PACKAGE_ROOT, tmpRoot });
      expect(second.workDir).not.toBe(first.workDir);
      expect(second.vars.producer_commit).toBe(first.vars.producer_commit);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('passes the demo preflight: `cutover plan` with the prepared vars exits 0', async () => {
    const demo = await prepareDemo({ packageRoot: PACKAGE_ROOT, tmpRoot });
    const vars = Object.entries(demo.vars).flatMap(([k, v]) => ['--var', `${k}=${v}`]);
    const r = runCli(['plan', demo.runbookPath, ...vars]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('ok — every var has a value');
    expect(r.stdout).toContain(`pinned: git HEAD must be ${demo.vars.producer_commit}`);
    expect(r.code).toBe(0);
  });

  it('the sandbox is green as shipped: every command and check step of the demo passes', async () => {
    const demo = await prepareDemo({ packageRoot: PACKAGE_ROOT, tmpRoot });
    const results = await runAutomatedSteps(demo);
    expect(results.size).toBeGreaterThanOrEqual(14);
    expect(failed(results), [...results].map(([id, r]) => `${id}: ${r.output}`).join('\n')).toEqual([]);
  });

  it.each([
    ['producer', 'scripts/verify-service-contract-alignment.mjs', 'Service contract alignment checks passed'],
    ['producer', 'scripts/verify-producer-handoff-payload.mjs', 'Producer handoff payload checks passed'],
    ['producer', 'scripts/verify-release-evidence-bundle.mjs', 'Release evidence bundle checks passed (12 artifacts pinned)'],
    ['producer', 'scripts/run-envelope-smoke.mjs', 'Envelope smoke passed: 6 service.v3 non-2xx samples conform'],
    ['consumer', 'scripts/check-memorykernel-handoff.mjs', 'MemoryKernel handoff payload validation passed'],
    ['consumer', 'scripts/check-memorykernel-pin.mjs', 'MemoryKernel pin validation passed'],
    ['consumer', 'scripts/test-memorykernel-contract.mjs', 'MemoryKernel contract tests passed (10 codes routed'],
    ['consumer', 'scripts/test-deterministic-fallback.mjs', 'Deterministic fallback stays non-blocking'],
    ['consumer', 'scripts/test-ci.mjs', 'CI aggregate passed: 3 jobs green'],
  ])('%s %s passes on the unmodified copy', async (side, script, message) => {
    const demo = await prepareDemo({ packageRoot: PACKAGE_ROOT, tmpRoot });
    const r = runSandbox(join(demo.workDir, 'workspace', side), ['node', script]);
    expect(r.output).toContain(message);
    expect(r.code).toBe(0);
  });

  it('regenerates a candidate payload that the published-payload verifier accepts too', async () => {
    const demo = await prepareDemo({ packageRoot: PACKAGE_ROOT, tmpRoot });
    const producer = demo.vars.producer_root!;
    const gen = runSandbox(producer, ['node', 'scripts/generate-handoff-payload.mjs', '--mode', 'service-v3-candidate', '--out-json', 'out/candidate.json']);
    expect(gen.code).toBe(0);
    const verify = runSandbox(producer, ['node', 'scripts/verify-producer-handoff-payload.mjs', '--payload', 'out/candidate.json']);
    expect(verify.output).toContain('Producer handoff payload checks passed (service-v3-candidate');
    expect(verify.code).toBe(0);
  });

  it('rejects an unknown scenario with an InputError listing the available ones, leaving nothing behind', async () => {
    const before = readdirSync(tmpRoot).length;
    const err = await prepareDemo({ packageRoot: PACKAGE_ROOT, tmpRoot, scenario: 'no-such-scenario' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toContain('unknown demo scenario "no-such-scenario"');
    for (const s of listScenarios(PACKAGE_ROOT)) expect((err as InputError).hint).toContain(s.name);
    expect(readdirSync(tmpRoot).length).toBe(before);
  });

  it('lists the shipped scenarios with one-line descriptions', () => {
    const scenarios = listScenarios(PACKAGE_ROOT);
    expect(scenarios.map((s) => s.name)).toEqual(['drift', 'envelope', 'fallback-regression', 'missing-evidence', 'red-consumer']);
    for (const s of scenarios) expect(s.description).toMatch(/^[^\n]{20,140}$/);
  });

  it('never writes into the package files', () => {
    // Runs last in this file, after every prepare above.
    expect(hashTree(DEMO)).toBe(packageHashBefore);
  });
});

describe('scenario files that do not fit the sandbox are refused', () => {
  let pkg: string;
  let tmpRoot: string;
  beforeAll(() => {
    // A copy of the package's demo, so broken scenarios can be added to it.
    pkg = mkdtempSync(join(tmpdir(), 'cutover-fake-package-'));
    cpSync(DEMO, join(pkg, 'checklists', 'demo'), { recursive: true });
    tmpRoot = mkdtempSync(join(tmpdir(), 'cutover-demo-test-'));
  });
  afterAll(() => {
    rmSync(pkg, { recursive: true, force: true });
    rmSync(tmpRoot, { recursive: true, force: true });
  });

  const expectRefused = async (name: string, body: string, message: string) => {
    writeFileSync(join(pkg, 'checklists', 'demo', 'scenarios', `${name}.yaml`), body);
    const err = await prepareDemo({ packageRoot: pkg, tmpRoot, scenario: name }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toContain(message);
    expect(readdirSync(tmpRoot)).toEqual([]);
  };
  const expectBlock = 'expect: {outcome: NO-GO, trigger: payload-field-drift, failing_steps: [], sandbox: []}\n';

  it('a replace whose text is not in the file', () =>
    expectRefused('stale-replace', `description: x\n${expectBlock}edits:\n  - {file: consumer/src/memorykernel/error-routing.mjs, replace: {from: "no such text", to: y}}\n`, '"no such text" occurs 0 times'));

  it('a json_set path that does not exist', () =>
    expectRefused('stale-path', `description: x\n${expectBlock}edits:\n  - {file: producer/docs/implementation/PRODUCER_RELEASE_HANDOFF_LATEST.json, json_set: {path: "error_code_enum[40]", value: x}}\n`, 'json_set path error_code_enum[40] does not exist'));

  it('a file outside the workspace', () =>
    expectRefused('escape', `description: x\n${expectBlock}edits:\n  - {file: ../../demo.yaml, delete: true}\n`, 'is outside the demo workspace'));

  it('a file that is not there', () =>
    expectRefused('missing-file', `description: x\n${expectBlock}edits:\n  - {file: producer/NOPE.json, delete: true}\n`, 'producer/NOPE.json does not exist'));

  it('a scenario without edits', () => expectRefused('no-edits', `description: x\n${expectBlock}edits: []\n`, 'edits must be a non-empty list'));
});

it('parses json_set paths with keys and indexes', () => {
  expect(parseJsonPath('active_runtime_baseline.commit_sha')).toEqual(['active_runtime_baseline', 'commit_sha']);
  expect(parseJsonPath('error_code_enum[3]')).toEqual(['error_code_enum', 3]);
  expect(parseJsonPath('a.b[0].c')).toEqual(['a', 'b', 0, 'c']);
});
