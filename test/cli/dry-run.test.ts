// `cutover run --dry-run`: nothing executed, nothing written, every step as
// it would run, the GO lock as if every step passed; and lint's checks of
// the new step fields (modes, on_failure, equals, environment_failure).
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { RUNBOOK } from '../session/run-modes-fixture.js';

const BASE_SHA = 'cf331449e1589581a5dcbb3adecd3e9ae4509277';
let dir: string;
const file = (name: string) => join(dir, name);

// A runbook whose steps would leave traces: a dry run must leave none.
const TRACES = RUNBOOK.replace(
  `      - { id: build, kind: command, title: Build, run: [node, -e, "console.log('built')"] }`,
  `      - id: build
        kind: command
        title: Build
        run: [node, -e, "require('fs').writeFileSync('built.txt', 'x')"]
        env: { API_TOKEN: "\${api_token}", MODE: "\${run.mode}" }`,
).replace('sections:\n', `vars:\n  api_token: { type: string, description: the deploy token }\nsections:\n`);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cutover-dry-'));
  writeFileSync(file('rb.yaml'), TRACES);
  writeFileSync(file('answers.yaml'), `answers:
  tests-reviewed: { note: fine }
  record: { rollback_tag: v0.3.2, rollback_sha: ${BASE_SHA} }
  joint: { producer_approver: Alice Producer, consumer_approver: Bob Consumer }
  go: { option: go }
`);
  writeFileSync(file('bad-answers.yaml'), `answers:\n  record: { rollback_tag: v9.9.9, rollback_sha: ${BASE_SHA} }\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const dry = (...args: string[]) => cliInProcess(['run', file('rb.yaml'), '--dry-run', '--operator', 'Olga Operator', '--var', 'api_token=s3cr3t-value-42', ...args], { cwd: dir });

describe('cutover run --dry-run', () => {
  it('executes nothing, writes nothing, shows every step and the GO it would unlock (exit 0)', async () => {
    const r = await dry('--answers', file('answers.yaml'));
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('DRY RUN — nothing is executed and nothing is written (no command, no check, no evidence bundle)');
    expect(lines[lines.length - 1]).toBe('DRY RUN — nothing was executed or written. Exit 0: GO would be unlockable if every step passed.');
    expect(r.stdout).toContain(`would run: node -e 'require('\\''fs'\\'').writeFileSync('\\''built.txt'\\'', '\\''x'\\'')'`);
    expect(r.stdout).toContain(`in ${dir}`);
    expect(r.stdout).toContain('sets API_TOKEN, MODE (values not shown)');
    expect(r.stdout).not.toContain('s3cr3t-value-42');
    expect(r.stdout).toContain('2. – deploy — Deploy to production (command): not in this mode: the step runs only in a cutover run; this run is a rehearsal; recorded as not in this mode, it does not block the GO');
    expect(r.stdout).toContain('## Gates   (on_failure: stop');
    expect(r.stdout).toContain('environment failure if the output shows: "Could not resolve host"');
    expect(r.stdout).toContain('rollback_tag (tag, must equal ${baseline.release_tag} = "v0.3.2")');
    expect(r.stdout).toContain('answer: producer_approver: Alice Producer, consumer_approver: Bob Consumer');
    expect(r.stdout).toContain('GO: would be unlockable');
    // Nothing ran, nothing was written.
    expect(existsSync(file('built.txt'))).toBe(false);
    expect(existsSync(file('evidence'))).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(['answers.yaml', 'bad-answers.yaml', 'rb.yaml']);
  });

  it('says the GO would stay locked (exit 1) when no step could open it', async () => {
    // The only GO is for cutover day: a rehearsal could never open it.
    writeFileSync(file('locked.yaml'), TRACES.replace('{ id: go, label: GO, go: true }', '{ id: go, label: GO, go: true, modes: [cutover] }'));
    const r = await cliInProcess(['run', file('locked.yaml'), '--dry-run', '--operator', 'Olga Operator', '--var', 'api_token=x'], { cwd: dir });
    rmSync(file('locked.yaml'));
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain('GO: would stay LOCKED:');
    expect(r.stdout).toContain('GO is only available in cutover mode; this run is a REHEARSAL');
    // Without answers the plain run would pause at each manual step.
    expect(r.stdout).toContain('answer: none in the answers file (the plain run would pause here, exit 3)');
    expect(r.stdout.trim().split('\n').pop()).toBe('DRY RUN — nothing was executed or written. Exit 1: no GO option is available in this mode even if every step passed.');
    expect(existsSync(file('built.txt'))).toBe(false);
  });

  it('prints the same as one JSON document with --json', async () => {
    const r = await dry('--json', '--answers', file('answers.yaml'));
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { dry_run: boolean; mode: string; steps: { id: string; runs: boolean; command: { env_names: string[] } | null; answer: string | null }[]; go_lock: { unlockable: boolean; option: string }; exit_code: number };
    expect(j).toMatchObject({ dry_run: true, mode: 'rehearsal', go_lock: { unlockable: true, option: 'go' }, exit_code: 0 });
    expect(j.steps.find((s) => s.id === 'deploy')?.runs).toBe(false);
    expect(j.steps.find((s) => s.id === 'build')?.command?.env_names).toEqual(['API_TOKEN', 'MODE']);
    expect(r.stdout).not.toContain('s3cr3t-value-42');
  });

  it('checks the answers against the runbook (equals: included) and refuses bad input with exit 2', async () => {
    const bad = await dry('--answers', file('bad-answers.yaml'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${file('bad-answers.yaml')}:2:11: the answer to "record": Rollback target tag must equal \${baseline.release_tag} = "v0.3.2"; the value given is "v9.9.9"`);
    const noVar = await cliInProcess(['run', file('rb.yaml'), '--dry-run', '--operator', 'Olga Operator'], { cwd: dir });
    expect(noVar.code).toBe(2);
    expect(noVar.stderr).toContain('api_token');
    const withDir = await dry('--evidence-dir', file('ev'));
    expect(withDir.code).toBe(2);
    expect(withDir.stderr).toContain('--dry-run writes nothing, so --evidence-dir has no effect with it');
    expect(existsSync(file('ev'))).toBe(false);
  });
});

describe('lint: modes, on_failure, equals, environment_failure', () => {
  it('names each mistake with its line and column', async () => {
    const bad = RUNBOOK.replace('modes: [rehearsal, cutover]\n', 'modes: [rehearsal]\n')
      .replace('        modes: [cutover]\n', '        modes: [cutover]\n        requires: [build]\n')
      .replace('    on_failure: stop\n', '    on_failure: halt\n')
      .replace('      - { id: test, kind: command, title: Tests,', '      - { id: test, kind: command, title: Tests, requires: [deploy],')
      .replace('equals: "${baseline.commit}"', 'equals: "${nowhere.sha}"')
      .replace('        kind: decision\n', '        kind: decision\n        modes: [rehearsal]\n');
    writeFileSync(file('bad.yaml'), bad);
    const r = await cliInProcess(['lint', file('bad.yaml')], { cwd: dir });
    rmSync(file('bad.yaml'));
    expect(r.code).toBe(2);
    const out = r.stderr + r.stdout;
    expect(out).toMatch(/bad\.yaml:\d+:\d+: .*on_failure.* is "halt".*"continue", "stop"/);
    expect(out).toMatch(/bad\.yaml:\d+:\d+: step "deploy" runs only in cutover, a mode this runbook is never run in \(modes: rehearsal\)/);
    expect(out).toMatch(/bad\.yaml:\d+:\d+: step "test" requires "deploy", which does not run in rehearsal \(its modes: cutover\)/);
    expect(out).toMatch(/bad\.yaml:\d+:\d+: \$\{nowhere\.sha\} refers to unknown step "nowhere"/);
    expect(out).toMatch(/bad\.yaml:\d+:\d+: the decision "go" has modes: a decision is part of every run/);
    expect(out).not.toMatch(/\n\s+at /);
  });

  it('accepts an equals: naming another field of the same input and an earlier input', async () => {
    const ok = RUNBOOK.replace('          - { id: rollback_sha, label: Rollback target commit, type: sha, equals: "${baseline.commit}" }', '          - { id: rollback_sha, label: Rollback target commit, type: sha, equals: "${baseline.commit}" }\n          - { id: tag_again, label: Tag again, type: tag, equals: "${record.rollback_tag}" }');
    writeFileSync(file('ok.yaml'), ok);
    const r = await cliInProcess(['lint', file('ok.yaml')], { cwd: dir });
    rmSync(file('ok.yaml'));
    expect(r.code, r.stderr).toBe(0);
  });
});
