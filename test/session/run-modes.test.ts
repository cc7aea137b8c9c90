// Run modes and step semantics, through the CLI's commands (in-process) on temp files: step
// `modes` (not in this mode: journaled, never blocks the GO), section
// `on_failure: stop` (later steps not run, naming the failed step; they run
// once it passes on resume --retry), `environment_failure` patterns and
// missing tools (an environment failure that still blocks the GO), input
// `equals:` (refused at entry, never recorded; verify refuses a journal that
// records one), and every bundle verifies.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JournalEvent } from '../../src/engine/events.js';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { rechain, resummarize, writeJournal } from '../evidence/forge.js';
import { RUNBOOK } from './run-modes-fixture.js';

const BASE_SHA = 'cf331449e1589581a5dcbb3adecd3e9ae4509277';
const OPERATOR = 'Olga Operator';


const answers = (tag = 'v0.3.2') => `answers:
  tests-reviewed: { note: fine }
  record: { rollback_tag: ${tag}, rollback_sha: ${BASE_SHA} }
  joint: { producer_approver: Alice Producer, consumer_approver: Bob Consumer }
  go: { option: go }
`;

let dir: string;
const file = (name: string) => join(dir, name);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cutover-modes-'));
  writeFileSync(file('rb.yaml'), RUNBOOK);
  writeFileSync(file('answers.yaml'), answers());
  writeFileSync(file('bad-answers.yaml'), answers('v9.9.9'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function bundleIn(evidence: string): string {
  const [name] = readdirSync(evidence);
  return join(evidence, name!);
}

function eventsOf(bundle: string): JournalEvent[] {
  return readFileSync(join(bundle, 'journal.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as JournalEvent);
}

function run(args: string[], env: Record<string, string | undefined> = {}) {
  return cliInProcess(['run', file('rb.yaml'), '--plain', '--operator', OPERATOR, ...args], { cwd: dir, env });
}

async function verifyOk(bundle: string): Promise<void> {
  const v = await cliInProcess(['verify', bundle]);
  expect(v.code, v.stdout + v.stderr).toBe(0);
}

describe('step modes: not in this mode', () => {
  it('a rehearsal journals the cutover-only step as not in this mode, never runs it, and still reaches GO', async () => {
    const evidence = file('ev-rehearsal');
    const r = await run(['--answers', file('answers.yaml'), '--evidence-dir', evidence]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('not in this mode (rehearsal; recorded, they do not block the GO): deploy (runs only in cutover)');
    expect(r.stdout).toContain('Outcome: GO (REHEARSAL)');
    expect(r.stdout).toContain('1 not in this mode');
    expect(existsSync(file('deployed.txt'))).toBe(false);
    const bundle = bundleIn(evidence);
    const events = eventsOf(bundle);
    const notRun = events.filter((e) => e.type === 'step.not_run');
    expect(notRun).toEqual([expect.objectContaining({ step: 'deploy', cause: 'mode', why: 'not in this mode: the step runs only in a cutover run; this run is a rehearsal', by: OPERATOR })]);
    // Right after run.started, and never started.
    expect(events[1]?.type).toBe('step.not_run');
    expect(events.some((e) => e.type === 'step.started' && e.step === 'deploy')).toBe(false);
    const manifest = JSON.parse(readFileSync(join(bundle, 'manifest.json'), 'utf8')) as { outcome: string; steps: { id: string; status: string; not_run_reason?: string }[] };
    expect(manifest.outcome).toBe('GO');
    expect(manifest.steps.find((s) => s.id === 'deploy')).toMatchObject({ status: 'not-in-mode', not_run_reason: expect.stringContaining('not in this mode') });
    expect(readFileSync(join(bundle, 'decision-record.md'), 'utf8')).toMatch(/\| – \| Deploy to production \(`deploy`\) \| command \| not in this mode: the step runs only in a cutover run; this run is a rehearsal \|/);
    // A passing attempt whose output shows an environment_failure pattern stays a pass.
    expect(r.stdout).toContain('✓ fetch passed');
    await verifyOk(bundle);
  });

  it('a cutover run runs the step', async () => {
    const evidence = file('ev-cutover');
    const r = await run(['--mode', 'cutover', '--answers', file('answers.yaml'), '--evidence-dir', evidence]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('✓ deploy passed');
    expect(readFileSync(file('deployed.txt'), 'utf8')).toBe('yes');
    rmSync(file('deployed.txt'));
    expect(eventsOf(bundleIn(evidence)).some((e) => e.type === 'step.not_run')).toBe(false);
  });
});

describe('on_failure: stop and environment failures', () => {
  it('stops the section after an environment failure, keeps the GO locked, and goes on once resume --retry passes', async () => {
    const evidence = file('ev-stop');
    writeFileSync(file('offline'), '');
    const r = await run(['--answers', file('answers.yaml'), '--evidence-dir', evidence]);
    rmSync(file('offline'));
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const failure = 'environment failure (could not run here): the output matches an environment_failure pattern (stderr shows "Could not resolve host") — exit code 6, expected 0';
    expect(r.stdout).toContain(`✗ fetch ENVIRONMENT FAILURE (could not run here; not the gate's verdict, and it still blocks the GO)`);
    expect(r.stdout).toContain(failure);
    const held = 'not run: "Fetch dependencies" (fetch) failed and section "Gates" stops at a failure (on_failure: stop)';
    expect(r.stdout).toContain(`↷ test: Tests — ${held}`);
    expect(r.stdout).toContain(`↷ tests-reviewed: Tests reviewed — ${held}`);
    // The lock gives the environment failure and each step not run, in words.
    expect(r.stdout).toContain(`required step "Fetch dependencies" (fetch) failed on attempt 1: ${failure}`);
    expect(r.stdout).toContain(`required step "Tests" (test) was ${held}`);
    const bundle = bundleIn(evidence);
    const events = eventsOf(bundle);
    expect(events.filter((e) => e.type === 'step.not_run').map((e) => e.type === 'step.not_run' && [e.step, e.cause, e.failed_step])).toEqual([
      ['deploy', 'mode', undefined],
      ['test', 'section-stopped', 'fetch'],
      ['tests-reviewed', 'section-stopped', 'fetch'],
    ]);
    expect(events.some((e) => (e.type === 'step.started' || e.type === 'step.confirmed') && e.step !== 'build' && e.step !== 'fetch')).toBe(false);
    // The steps of the next section still ran (the run moves on).
    expect(events.some((e) => e.type === 'input.recorded' && e.step === 'record')).toBe(true);
    const record = readFileSync(join(bundle, 'decision-record.md'), 'utf8');
    expect(record).toContain(failure);
    expect(record).toContain(held);
    await verifyOk(bundle);

    // A held step cannot be retried before the step that holds it: refused, nothing written.
    const journalBefore = readFileSync(join(bundle, 'journal.ndjson'), 'utf8');
    const held2 = await cliInProcess(['resume', bundle, '--plain', '--operator', OPERATOR, '--retry', 'test'], { cwd: dir });
    expect(held2.code).toBe(2);
    expect(held2.stderr).toContain('--retry test: it is not run while "fetch" has failed (its section stops at a failure, on_failure: stop); retry "fetch" first (--retry fetch)');
    expect(readFileSync(join(bundle, 'journal.ndjson'), 'utf8')).toBe(journalBefore);

    const again = await cliInProcess(['resume', bundle, '--plain', '--operator', OPERATOR, '--retry', 'fetch', '--answers', file('answers.yaml')], { cwd: dir });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toContain('✓ fetch passed');
    expect(again.stdout).toContain('✓ test passed');
    expect(again.stdout).toContain('✓ tests-reviewed');
    expect(again.stdout).toContain('Decision: GO');
    await verifyOk(bundle);
  });

  it('names a declared tool missing from PATH in the failure, as an environment failure', async () => {
    const rb = `format: cutover-runbook/v1
id: tools-demo
title: Tools demo
version: 1.0.0
modes: [rehearsal]
baseline: { release_tag: v1, commit: ${BASE_SHA} }
target: { release_tag: v2, commit: 7e4806a34b98e6c06ee33fa9f11499a975e7b922 }
roles: [{ id: captain, title: Captain, side: joint }]
tools: [no-such-tool-cutover-test]
sections:
  - id: s
    title: S
    steps:
      - { id: suite, kind: command, title: Suite, run: [node, -e, "console.error('pattern not found'); process.exit(1)"] }
`;
    writeFileSync(file('tools.yaml'), rb);
    const evidence = file('ev-tools');
    const r = await cliInProcess(['run', file('tools.yaml'), '--plain', '--operator', OPERATOR, '--evidence-dir', evidence], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain('preflight: required tool "no-such-tool-cutover-test" is not on PATH');
    expect(r.stdout).toContain('✗ suite ENVIRONMENT FAILURE');
    expect(r.stdout).toContain('environment failure (could not run here): "no-such-tool-cutover-test" was not found on PATH when the step started');
    const started = eventsOf(bundleIn(evidence)).find((e) => e.type === 'step.started');
    expect(started?.type === 'step.started' && started.missing_tools).toEqual(['no-such-tool-cutover-test']);
    await verifyOk(bundleIn(evidence));
  });
});

describe('equals: on inputs', () => {
  it('refuses an answers file whose rollback tag is not the baseline tag, before anything is written', async () => {
    const evidence = file('ev-bad');
    const r = await run(['--answers', file('bad-answers.yaml'), '--evidence-dir', evidence]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file('bad-answers.yaml')}:3:11: the answer to "record": Rollback target tag must equal \${baseline.release_tag} = "v0.3.2"; the value given is "v9.9.9"`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(evidence)).toBe(false);
  });

  it('refuses the mismatch at entry on resume too: the input is never recorded', async () => {
    const evidence = file('ev-resume-bad');
    const first = await run(['--evidence-dir', evidence]);
    expect(first.code, first.stdout + first.stderr).toBe(3);
    const bundle = bundleIn(evidence);
    // The runbook copy in the bundle is what resume reads its answers against; the pins come from the run.
    const r = await cliInProcess(['resume', bundle, '--plain', '--operator', OPERATOR, '--answers', file('bad-answers.yaml')], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Rollback target tag must equal ${baseline.release_tag} = "v0.3.2"; the value given is "v9.9.9"');
    expect(eventsOf(bundle).some((e) => e.type === 'input.recorded')).toBe(false);
    await verifyOk(bundle);
  });

  it('verify refuses a journal that records a rollback tag other than the baseline', async () => {
    const bundle = bundleIn(file('ev-rehearsal'));
    const forged = join(dir, 'forged');
    cpSync(bundle, forged, { recursive: true });
    const events = eventsOf(forged).map((e) => (e.type === 'input.recorded' ? { ...e, values: { ...e.values, rollback_tag: 'v9.9.9' } } : e));
    writeJournal(forged, rechain(events));
    await resummarize(forged);
    const v = await cliInProcess(['verify', forged]);
    expect(v.code).toBe(1);
    expect(v.stdout + v.stderr).toContain('"record" records rollback_tag = "v9.9.9", which the run refuses: Rollback target tag must equal ${baseline.release_tag} = "v0.3.2"');
  });

  it('verify refuses a step.not_run the session could not have written', async () => {
    const bundle = bundleIn(file('ev-cutover'));
    const forged = join(dir, 'forged-not-run');
    cpSync(bundle, forged, { recursive: true });
    const events = eventsOf(forged);
    // Claim the cutover run left "build" (a step of every mode) out as not in this mode.
    const at = events[0]!.at;
    events.splice(1, 0, { seq: 0, at, prev: '', hash: '', type: 'step.not_run', step: 'build', cause: 'mode', why: 'not in this mode: the step runs only in a cutover run; this run is a rehearsal', by: OPERATOR } as JournalEvent);
    writeJournal(forged, rechain(events));
    await resummarize(forged);
    const v = await cliInProcess(['verify', forged]);
    expect(v.code).toBe(1);
    expect(v.stdout + v.stderr).toContain('"build" is recorded as not run (mode), but at this point it runs in this run');
  });
});
