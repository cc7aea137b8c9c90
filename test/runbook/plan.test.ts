// `cutover plan`: the resolved plan and the preflight, run through the real
// CLI against runbooks written into temp dirs, with a PATH we control.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findExecutable } from '../../src/runbook/preflight.js';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { CRASH, ensureBuilt, ROOT, runCli, type CliResult } from './run-cli.js';

let dir: string;
let bin: string;
/** Only our bin dir and the system's: no rg, no cargo. */
let PATH: string;

const HEADER = `format: cutover-runbook/v1
id: plan-test
title: Plan test
version: "1.0"
modes: [rehearsal]
baseline: { release_tag: v0.3.2, commit: ${'c'.repeat(40)} }
target: { release_tag: v0.4.0, commit: ${'d'.repeat(40)} }
roles:
  - { id: captain, title: Release captain, side: joint }
  - { id: pa, title: Producer approver, side: producer }
  - { id: ca, title: Consumer approver, side: consumer }
`;
const DECIDE = `      - id: joint-signoff
        kind: signoff
        title: Joint sign-off
        roles: [pa, ca]
        statement: We approve the target
      - id: decide
        kind: decision
        title: Decide
        options:
          - { id: go, label: GO, go: true, requires_steps: all }
          - { id: nogo, label: NO-GO, go: false, remediation: true }
`;

/** Writes a runbook with `head` (vars, tools, ...) and `steps` into the temp dir. */
function runbook(name: string, head: string, steps: string): string {
  const file = join(dir, name);
  writeFileSync(file, `${HEADER}${head}sections:\n  - id: main\n    title: Main\n    steps:\n${steps}${DECIDE}`);
  return file;
}

// In-process (the command's main, as the entry point runs it); the usage errors below spawn the real CLI.
const plan = (args: string[], env: NodeJS.ProcessEnv = {}) => cliInProcess(['plan', ...args], { env: { PATH, ...env } });

function expectNoCrash(r: CliResult) {
  expect(r.signal).toBeNull();
  expect(r.stderr).not.toMatch(CRASH);
  expect(r.stdout).not.toMatch(CRASH);
}

beforeAll(async () => {
  await ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'cutover-plan-'));
  bin = join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'fake-tool'), '#!/bin/sh\nexit 0\n');
  chmodSync(join(bin, 'fake-tool'), 0o755);
  PATH = `${bin}:/usr/bin:/bin`;
  mkdirSync(join(dir, 'checkout', 'scripts'), { recursive: true });
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cutover plan', () => {
  it('exits 0 and shows each step with its substituted command when the preflight passes', async () => {
    const file = runbook('ok.yaml', `vars:\n  root: { type: path, description: the checkout }\n  msg: { type: string, description: a message, default: "hello world" }\ntools: [fake-tool, sh]\n`, `      - id: build
        kind: command
        title: Build
        run: fake-tool --msg \${msg} --pin \${target.commit}
        cwd: \${root}
        timeout: 5m
`);
    const r = await plan([file, '--var', `root=${join(dir, 'checkout')}`]);
    expectNoCrash(r);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`$ fake-tool --msg 'hello world' --pin ${'d'.repeat(40)}`);
    expect(r.stdout).toContain(`cwd ${join(dir, 'checkout')}, timeout 5m`);
    expect(r.stdout).toContain('Preflight:\n  ok');
  });

  it('exits 1 and names a required tool that is not on PATH', async () => {
    const file = runbook('tool.yaml', 'tools: [fake-tool, cutover-no-such-tool]\n', '');
    const r = await plan([file]);
    expectNoCrash(r);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('✗ required tool "cutover-no-such-tool" is not on PATH');
    expect(r.stdout).not.toContain('"fake-tool"');
    expect(r.stdout).toContain('preflight failed: 1 problem(s)');
  });

  it('exits 1 and names a step whose program is not on PATH', async () => {
    const file = runbook('exe.yaml', '', `      - id: lint
        kind: command
        title: Lint
        run: [cutover-no-such-linter, --all]
      - id: piped
        kind: command
        title: Piped
        shell: true
        run: cutover-no-such-filter < in.txt | sort
`);
    const r = await plan([file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('✗ [lint] "cutover-no-such-linter" is not found on PATH or not executable');
    expect(r.stdout).toContain('✗ [piped] "cutover-no-such-filter" is not found on PATH or not executable');
  });

  it('exits 1 when a working directory does not exist, naming the step and the directory', async () => {
    const file = runbook('cwd.yaml', 'vars:\n  root: { type: path, description: the checkout }\n', `      - id: build
        kind: command
        title: Build
        run: [fake-tool]
        cwd: \${root}/nope
`);
    const r = await plan([file, '--var', `root=${join(dir, 'checkout')}`]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`✗ [build] working directory ${join(dir, 'checkout', 'nope')} does not exist`);
  });

  it('finds a relative ./script in the step cwd and insists that it is executable', async () => {
    const script = join(dir, 'checkout', 'scripts', 'x.sh');
    writeFileSync(script, '#!/bin/sh\necho hi\n');
    chmodSync(script, 0o644);
    const file = runbook('script.yaml', 'vars:\n  root: { type: path, description: the checkout }\n', `      - id: smoke
        kind: command
        title: Smoke
        run: ./scripts/x.sh --fast
        cwd: \${root}
`);
    const args = [file, '--var', `root=${join(dir, 'checkout')}`];
    const notExecutable = await plan(args);
    expect(notExecutable.code).toBe(1);
    expect(notExecutable.stdout).toContain(`✗ [smoke] "./scripts/x.sh" is not found in ${join(dir, 'checkout')} or not executable`);
    expect(notExecutable.stdout).toContain('chmod +x');
    chmodSync(script, 0o755);
    const executable = await plan(args);
    expect(executable.code).toBe(0);
  });

  it('exits 2 for a var without a value and an undeclared --var (bad input, as in run), naming both', async () => {
    const file = runbook('vars.yaml', 'vars:\n  root: { type: path, description: the checkout, env: CUTOVER_TEST_ROOT }\n', `      - id: build
        kind: command
        title: Build
        run: [fake-tool]
        cwd: \${root}
`);
    const r = await plan([file, '--var', 'rooot=/tmp']);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('✗ --var rooot is not declared by runbook "plan-test"');
    expect(r.stdout).toContain('fix: declared vars are: root');
    expect(r.stdout).toContain('✗ var root (the checkout) has no value');
    expect(r.stdout).toContain('fix: pass --var root=... or set CUTOVER_TEST_ROOT in the environment');
    // The cwd of a step using the missing var is not reported as well.
    expect(r.stdout).not.toContain('does not exist');
    const fromEnv = await plan([file], { CUTOVER_TEST_ROOT: join(dir, 'checkout') });
    expect(fromEnv.code).toBe(0);
  });

  it('exits 1 when the program is an optional var left empty', async () => {
    const file = runbook('empty-program.yaml', 'vars:\n  tool: { type: string, description: the tool, required: false }\n', `      - id: run-tool
        kind: command
        title: Run the tool
        run: \${tool} --version
`);
    const r = await plan([file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('✗ [run-tool] the command has no program: its first word is empty after substitution');
  });

  it('prints the plan and the preflight as JSON with --json', async () => {
    const file = runbook('json.yaml', 'vars:\n  root: { type: path, description: the checkout }\nsecrets: [CUTOVER_TEST_SECRET]\n', `      - id: build
        kind: command
        title: Build
        owner: captain
        run: fake-tool "\${root}/a b"
        cwd: \${root}
        expect_exit: [0, 2]
        due: { after: start, within: 15m }
      - id: digests
        kind: check
        title: Digests
        check: artifact-digest
        with: { root: "\${root}", from: digests.json }
`);
    const r = await plan([file, '--json', '--var', `root=${join(dir, 'checkout')}`]);
    expectNoCrash(r);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['runbook', 'baseline', 'target', 'vars', 'steps', 'release_tags', 'preflight']);
    expect(out.runbook).toEqual({ id: 'plan-test', title: 'Plan test', version: '1.0', modes: ['rehearsal'] });
    expect(out.target).toEqual({ release_tag: 'v0.4.0', commit: 'd'.repeat(40) });
    expect(out.vars).toEqual({ root: join(dir, 'checkout') });
    expect(out.steps.map((s: { id: string; kind: string }) => [s.id, s.kind])).toEqual([['build', 'command'], ['digests', 'check'], ['joint-signoff', 'signoff'], ['decide', 'decision']]);
    expect(out.steps[0]).toMatchObject({
      section: 'main',
      owner: 'captain',
      required: true,
      due: { after: 'start', within: '15m' },
      command: { argv: ['fake-tool', `${join(dir, 'checkout')}/a b`], shell: null, cwd: join(dir, 'checkout'), timeout_ms: null, expect_exit: [0, 2], pin_commit: null },
      check: null,
    });
    expect(out.steps[1].check).toEqual({ name: 'artifact-digest', params: { root: join(dir, 'checkout'), from: 'digests.json' }, cwd: dir });
    expect(out.preflight.ok).toBe(true);
    expect(out.preflight.problems).toEqual([]);
    expect(out.preflight.warnings).toEqual(expect.arrayContaining([
      { message: 'secret CUTOVER_TEST_SECRET is not set in the environment', hint: expect.any(String) },
      { step: 'digests', message: `from ${join(dir, 'digests.json')} does not exist yet`, hint: expect.any(String) },
    ]));
  });

  it('does not warn that a secret is unset when a var of that name gives it a value, and never shows the value', async () => {
    const file = runbook('secret-var.yaml', 'vars:\n  DEPLOY_TOKEN: { type: string, description: the deploy token }\nsecrets: [DEPLOY_TOKEN]\n', `      - id: deploy
        kind: command
        title: Deploy
        run: [fake-tool, "\${DEPLOY_TOKEN}"]
`);
    const given = await plan([file, '--json', '--var', 'DEPLOY_TOKEN=tok-0123456789']);
    expectNoCrash(given);
    expect(given.code).toBe(0);
    expect(given.stdout).not.toContain('tok-0123456789');
    expect(JSON.parse(given.stdout).preflight.warnings).toEqual([]);
    const fromEnv = await plan([file, '--json'], { DEPLOY_TOKEN: 'tok-0123456789' });
    expect(fromEnv.code).toBe(2); // the var itself has no value (it declares no env:): bad input, as in run
    expect(JSON.parse(fromEnv.stdout).preflight.warnings).toEqual([]);
  });

  it('exits 2 with the lint diagnostics for an invalid runbook', async () => {
    const r = await plan([join(ROOT, 'test/fixtures/malformed/dangling-requires.yaml')]);
    expectNoCrash(r);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('dangling-requires.yaml:29:13: step "second" requires unknown step "helo"');
    expect(r.stderr).toContain('is not a valid runbook');
  });

  it.each([
    [['plan'], 'plan: give exactly one runbook'],
    [['plan', 'a.yaml', 'b.yaml'], 'plan: give exactly one runbook'],
    [['plan', join(ROOT, 'test/runbook/fixtures/ok.yaml'), '--var', 'no-equals-sign'], '--var "no-equals-sign" is not of the form KEY=VALUE'],
    [['plan', '--frobnicate'], 'plan: unknown flag --frobnicate'],
    [['plan', '--jsn'], 'hint: did you mean "--json"?'],
    [['plan', '/no/such/runbook.yaml'], '/no/such/runbook.yaml: runbook not found (no such file)'],
  ])('exits 2 for %j', async (args, message) => {
    const r = await runCli(args, { env: { PATH } });
    expectNoCrash(r);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain('hint:');
  });
});

describe('findExecutable', () => {
  it('searches PATH for bare names and the cwd for relative paths', () => {
    expect(findExecutable('fake-tool', '/', { PATH })).toBe(join(bin, 'fake-tool'));
    expect(findExecutable('cutover-no-such-tool', '/', { PATH })).toBeUndefined();
    expect(findExecutable('./bin/fake-tool', dir, { PATH: '' })).toBe(join(bin, 'fake-tool'));
    expect(findExecutable(join(bin, 'fake-tool'), '/', { PATH: '' })).toBe(join(bin, 'fake-tool'));
    // a directory on PATH named like the program is not the program
    expect(findExecutable('bin', dir, { PATH: dir })).toBeUndefined();
    expect(readFileSync(join(bin, 'fake-tool'), 'utf8')).toContain('exit 0');
  });
});
