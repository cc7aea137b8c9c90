// Signals and pauses of a plain run, on the real process: Ctrl-C (SIGINT)
// cancels the running command, records it and exits 130; SIGTERM and SIGHUP
// (a dropped SSH session) pause with exit 3; a second signal stops at once; a
// missing answer pauses with exit 3 naming the step. Each time `cutover
// resume --answers` finishes the run with a GO and the bundle verifies.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleIn, FIXTURES, isAlive, journalEvents, leftoverPids, processesWith, runCli, scratch, startCli, trackPid, uniqueMarker, waitFor, waitWhileRunning, type RawEvent, type Scratch } from './helpers.js';

const LONG = { runbook: 'crash/long.yaml', answers: 'crash/long-answers.yaml' };

function runArgs(s: Scratch, answers = s.answers): string[] {
  return ['run', s.runbook, '--plain', '--answers', answers, '--evidence-dir', s.evidence, '--operator', 'Olga Operator'];
}

/** Starts a run whose `long` command is slow this time; resolves once the command runs. */
async function startSlowRun(s: Scratch, opts: { stubborn?: boolean } = {}) {
  writeFileSync(join(s.dir, 'slow'), '');
  if (opts.stubborn) writeFileSync(join(s.dir, 'stubborn'), '');
  const cli = startCli(runArgs(s), { cwd: s.dir });
  const pids = await waitWhileRunning(cli, 'the command to write its pids', () => leftoverPids(s.dir));
  pids.forEach(trackPid);
  const bundle = bundleIn(s.evidence)!;
  await waitWhileRunning(cli, 'cutover to record the command pid', () => existsSync(join(bundle, 'steps/long/attempt-1/pid')));
  return { cli, pids, bundle };
}

/** Resumes to a GO; `long` must have passed on attempt `passedOn`. */
async function resumeToGo(s: Scratch, bundle: string, passedOn: number): Promise<RawEvent[]> {
  const resumed = await runCli(['resume', bundle, '--plain', '--answers', s.answers], { cwd: s.dir });
  expect(resumed.code, `resume failed:\n${resumed.stdout}\n${resumed.stderr}`).toBe(0);
  expect(resumed.stdout).toContain('Outcome: GO');
  const verified = await runCli(['verify', bundle], { cwd: s.dir });
  expect(verified.code, verified.stdout + verified.stderr).toBe(0);
  const events = journalEvents(bundle);
  expect(events.filter((e) => e.type === 'run.closed')).toEqual([expect.objectContaining({ outcome: 'GO' })]);
  const finished = events.filter((e) => e.type === 'step.finished' && e.step === 'long');
  expect(finished.at(-1)).toMatchObject({ attempt: passedOn, result: { outcome: 'exited', exit_code: 0 } });
  return events;
}

describe('signals during a plain run', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 3],
    ['SIGHUP', 3],
  ] as const)('%s while a command runs: it is cancelled and recorded, the run pauses (exit %i), resume completes', async (signal, code) => {
    const mark = uniqueMarker();
    const s = scratch(LONG, { MARK: mark });
    const { cli, pids, bundle } = await startSlowRun(s);
    process.kill(cli.pid, signal);
    const exit = await cli.exited;
    expect(exit.code, exit.stdout + exit.stderr).toBe(code);
    expect(exit.stdout).toContain(`${signal} received`);
    expect(exit.stdout).toMatch(/PAUSED/);
    expect(exit.stderr).not.toMatch(/\n\s+at /); // no stack trace

    // The command's whole group was stopped before cutover exited.
    expect(pids.filter(isAlive)).toEqual([]);
    expect(processesWith(`30.${mark}`)).toEqual([]);

    const events = journalEvents(bundle);
    const end = events.at(-1)!;
    expect(end).toMatchObject({ type: 'run.paused', reason: expect.stringContaining(signal) });
    const stopped = events.at(-2)!;
    if (stopped.type === 'step.finished') expect(stopped).toMatchObject({ step: 'long', attempt: 1, result: { outcome: 'cancelled' } });
    else expect(stopped).toMatchObject({ type: 'step.interrupted', step: 'long', attempt: 1 });
    expect(existsSync(join(bundle, 'steps/long/attempt-1/pid'))).toBe(false);

    // The stopped attempt never counts as passed; a new one ran and passed.
    await resumeToGo(s, bundle, 2);
  });

  it('a second SIGINT stops at once, even when the command ignores SIGTERM; resume completes', async () => {
    const mark = uniqueMarker();
    const s = scratch(LONG, { MARK: mark });
    const { cli, pids, bundle } = await startSlowRun(s, { stubborn: true });
    process.kill(cli.pid, 'SIGINT');
    await waitWhileRunning(cli, 'cutover to acknowledge the first SIGINT', () => cli.stdout().includes('SIGINT received'));
    process.kill(cli.pid, 'SIGINT');
    const exit = await cli.exited;
    expect(exit.code).toBe(130);
    // It did not wait out the 3 s SIGTERM grace of the first Ctrl-C: the
    // stubborn step was never reported as cancelled, nor the run as paused.
    expect(cli.stdout()).not.toMatch(/cancelled|PAUSED/);
    // Under the 30 s its sleeper would live on its own (a busy machine is slow, not wrong).
    await waitFor('the stubborn command to be killed', () => pids.every((p) => !isAlive(p)), 15_000);
    expect(processesWith(`30.${mark}`)).toEqual([]);

    const events = await resumeToGo(s, bundle, 2);
    // Stopped mid-attempt: attempt 1 has no result and is marked interrupted on resume.
    expect(events.some((e) => e.type === 'step.finished' && e.step === 'long' && e.attempt === 1)).toBe(false);
    expect(events.find((e) => e.type === 'step.interrupted')).toMatchObject({ step: 'long', attempt: 1 });
  });

  it('a missing answer pauses with exit 3 naming the step; resume --answers with every answer completes', async () => {
    const s = scratch(LONG, { MARK: uniqueMarker() });
    const paused = await runCli(runArgs(s, join(FIXTURES, 'crash/long-answers-unsigned.yaml')), { cwd: s.dir });
    expect(paused.code, paused.stdout + paused.stderr).toBe(3);
    expect(paused.stdout).toContain('"sign"');
    expect(paused.stdout).toMatch(/waiting for an answer/);
    expect(paused.stdout).toContain('cutover resume');
    const bundle = bundleIn(s.evidence)!;
    const events = journalEvents(bundle);
    expect(events.at(-1)).toMatchObject({ type: 'run.paused', waiting_for: 'sign' });
    expect(events.some((e) => e.type === 'signoff.recorded' || e.type === 'decision.recorded')).toBe(false);

    const after = await resumeToGo(s, bundle, 1);
    expect(after.filter((e) => e.type === 'signoff.recorded').map((e) => e.role)).toEqual(['pa', 'ca']);
  });

  it('a sign-off answer naming only one of two signers pauses with exit 3 naming the missing role', async () => {
    const s = scratch(LONG, { MARK: uniqueMarker() });
    // Signing "pa" alone can never complete the step: the driver must pause, not sign it again and
    // again (a loop would be killed by startCli's 60 s guard and fail on the signal).
    const paused = await runCli(runArgs(s, join(FIXTURES, 'crash/long-answers-half-signed.yaml')), { cwd: s.dir });
    expect(paused.signal).toBeNull();
    expect(paused.code, paused.stdout + paused.stderr).toBe(3);
    expect(paused.stdout).toMatch(/"sign".*\bca\b/);
    const bundle = bundleIn(s.evidence)!;
    const events = journalEvents(bundle);
    expect(events.at(-1)).toMatchObject({ type: 'run.paused', waiting_for: 'sign' });
    expect(events.filter((e) => e.type === 'signoff.recorded').length).toBeLessThanOrEqual(1);

    const after = await resumeToGo(s, bundle, 1);
    expect(after.filter((e) => e.type === 'decision.recorded')).toEqual([expect.objectContaining({ option: 'go' })]);
  });
});
