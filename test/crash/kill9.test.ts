// Crash safety with kill -9: the real cutover process is SIGKILLed between
// two journal events (held there exactly by test/fixtures/crash/
// hold-at-fsync.mjs), in the middle of a command, during the sign-off, inside
// a durable file write, and a torn last journal line is left behind. After
// each crash `cutover resume`
// finishes the run with a GO (the command in-process, test/helpers/
// cli-in-process.ts: the crash is the spawned run's; one resume after the
// kill of a running command stays a separate process), every event that was in the journal before the
// kill is still there byte for byte, an attempt cut off by the crash is
// recorded as interrupted (never passed) and a new attempt passes, the
// command's leftover processes do not outlive the resume, and
// `cutover verify` accepts the bundle.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { cliInProcess } from '../helpers/cli-in-process.js';
import {
  bundleIn,
  eventKeys,
  FIXTURES,
  isAlive,
  journalEvents,
  journalLines,
  leftoverPids,
  processesWith,
  readText,
  runCli,
  scratch,
  startCli,
  trackPid,
  uniqueMarker,
  waitWhileRunning,
  type RawEvent,
  type RunningCli,
  type Scratch,
} from './helpers.js';

const HOLD = pathToFileURL(join(FIXTURES, 'crash/hold-at-fsync.mjs')).href;
const CRASH = { runbook: 'crash/runbook.yaml', answers: 'crash/answers.yaml' };
const LONG = { runbook: 'crash/long.yaml', answers: 'crash/long-answers.yaml' };

function runArgs(s: Scratch, answers = s.answers): string[] {
  return ['run', s.runbook, '--plain', '--answers', answers, '--evidence-dir', s.evidence, '--operator', 'Olga Operator'];
}

/**
 * SIGKILLs cutover; returns the journal lines that were on disk (acknowledged)
 * just before. Everything it had printed as done must be in the journal: the
 * screen never runs ahead of the evidence.
 */
async function kill9(cli: RunningCli, bundle: string): Promise<string[]> {
  const acknowledged = journalLines(bundle);
  process.kill(cli.pid, 'SIGKILL');
  const exit = await cli.exited;
  expect(exit.signal).toBe('SIGKILL');
  const journaled = journalEvents(bundle).flatMap((e) => (e.step && e.type !== 'step.started' ? [e.step] : []));
  const shownDone = [...exit.stdout.matchAll(/^✓ ([\w-]+)[: ]/gm)].map((m) => m[1]!);
  for (const step of shownDone) expect(journaled, `"${step}" was shown as done`).toContain(step);
  return acknowledged;
}

/** Attempts that had started but neither finished nor been interrupted. */
function runningAttempts(events: RawEvent[]): { step: string; attempt: number }[] {
  const open = new Map<string, number>();
  for (const e of events) {
    if (e.type === 'step.started') open.set(`${e.step}#${e.attempt}`, e.attempt!);
    if (e.type === 'step.finished' || e.type === 'step.interrupted') open.delete(`${e.step}#${e.attempt}`);
  }
  return [...open].map(([key, attempt]) => ({ step: key.slice(0, key.lastIndexOf('#')), attempt }));
}

interface ManifestStep {
  id: string;
  kind: string;
  status: string;
  attempts?: { n: number; status: string }[];
}

/**
 * Resumes the crashed run to its end and checks everything a crash must not
 * break. `acknowledged` is what was in the journal before the kill.
 */
async function resumeAndCheck(s: Scratch, bundle: string, acknowledged: string[], how: 'in-process' | 'spawned' = 'in-process'): Promise<RawEvent[]> {
  const onDisk = journalEvents(bundle);
  const cutOff = runningAttempts(onDisk);
  const cutover = (args: string[]) => (how === 'spawned' ? runCli(args, { cwd: s.dir }) : cliInProcess(args, { cwd: s.dir }));

  const resumed = await cutover(['resume', bundle, '--plain', '--answers', s.answers]);
  expect(resumed.code, `resume failed:\n${resumed.stdout}\n${resumed.stderr}`).toBe(0);
  expect(resumed.stdout).toContain('Outcome: GO');

  // Nothing acknowledged is lost or changed: same lines, same places.
  const after = journalLines(bundle);
  expect(eventKeys(after.slice(0, acknowledged.length))).toEqual(eventKeys(acknowledged));
  expect(after.slice(0, acknowledged.length)).toEqual(acknowledged);
  const events = after.map((l) => JSON.parse(l) as RawEvent);
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));

  // The resume starts right after what was on disk: interrupted attempts first, then run.resumed —
  // unless the run had closed, when only the closing summaries were left to write.
  const added = events.slice(onDisk.length);
  const wasClosed = onDisk.some((e) => e.type === 'run.closed');
  if (wasClosed) expect(added).toEqual([]);
  else expect(added.slice(0, cutOff.length + 1).map((e) => e.type)).toEqual([...cutOff.map(() => 'step.interrupted'), 'run.resumed']);

  for (const { step, attempt } of cutOff) {
    expect(events.filter((e) => e.type === 'step.interrupted' && e.step === step).map((e) => e.attempt)).toEqual([attempt]);
    // The cut-off attempt never gets a result, so it can never count as passed…
    expect(events.some((e) => e.type === 'step.finished' && e.step === step && e.attempt === attempt)).toBe(false);
    // …and a new attempt ran and passed.
    const finished = events.filter((e) => e.type === 'step.finished' && e.step === step);
    expect(finished.map((e) => e.attempt)).toEqual([attempt + 1]);
    expect(finished[0]!.result).toMatchObject({ outcome: 'exited', exit_code: 0 });
  }

  const closed = events.filter((e) => e.type === 'run.closed');
  expect(closed).toHaveLength(1);
  expect(closed[0]).toMatchObject({ outcome: 'GO' });

  const manifest = JSON.parse(readFileSync(join(bundle, 'manifest.json'), 'utf8')) as { outcome: string; steps: ManifestStep[] };
  expect(manifest.outcome).toBe('GO');
  // Every step passed; the decision step reads as the decision it recorded.
  for (const st of manifest.steps) expect(st.status, `step ${st.id}`).toBe(st.kind === 'decision' ? 'decided' : 'passed');
  for (const { step, attempt } of cutOff) {
    const attempts = manifest.steps.find((st) => st.id === step)!.attempts!;
    expect(attempts.map((a) => [a.n, a.status])).toEqual([
      [attempt, 'interrupted'],
      [attempt + 1, 'passed'],
    ]);
  }

  // The bundle is released: no lock, no pid file of a command left behind.
  expect(existsSync(join(bundle, '.lock'))).toBe(false);
  for (const e of events.filter((ev) => ev.type === 'step.started')) {
    expect(existsSync(join(bundle, 'steps', e.step!, `attempt-${e.attempt}`, 'pid'))).toBe(false);
  }

  const verified = await cutover(['verify', bundle]);
  expect(verified.code, verified.stdout + verified.stderr).toBe(0);

  if (wasClosed) {
    // Now the closed run is complete: resuming again is refused and changes nothing.
    const manifestText = readFileSync(join(bundle, 'manifest.json'), 'utf8');
    const again = await cutover(['resume', bundle, '--plain', '--answers', s.answers]);
    expect(again.code, again.stdout + again.stderr).toBe(2);
    expect(again.stderr).toContain('closed');
    expect(journalLines(bundle)).toEqual(after);
    expect(readFileSync(join(bundle, 'manifest.json'), 'utf8')).toBe(manifestText);
  }
  return events;
}

// The journal of a full run of crash/runbook.yaml, line by line.
const KILL_POINTS: [number, string][] = [
  [1, 'run.started'],
  [2, 'the confirmation'],
  [4, 'step.started, before the command is launched'],
  [5, 'the first command finished'],
  [6, 'the second command started'],
  [8, 'notice.sent'],
  [9, 'the first of two signatures (during the sign-off)'],
  [10, 'the second signature'],
  [11, 'decision.recorded'],
  [12, 'run.closed, before the summaries are written'],
];

/** The hold file is complete: it exists from its creation, but is written in a second step (a read in between sees it empty). */
function isHeld(held: string): boolean {
  return existsSync(held) && readText(held).endsWith('\n');
}

describe('cutover killed with SIGKILL', () => {
  it('the kill points cover the whole journal of the crash runbook', async () => {
    const s = scratch(CRASH);
    const r = await runCli(runArgs(s), { cwd: s.dir });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const types = journalEvents(bundleIn(s.evidence)!).map((e) => e.type);
    expect(types).toEqual([
      'run.started',
      'step.confirmed',
      'input.recorded',
      'step.started',
      'step.finished',
      'step.started',
      'step.finished',
      'notice.sent',
      'signoff.recorded',
      'signoff.recorded',
      'decision.recorded',
      'run.closed',
    ]);
    expect(Math.max(...KILL_POINTS.map(([n]) => n))).toBe(types.length);
  });

  it.each(KILL_POINTS)('between events: right after journal line %i (%s), resume completes with nothing lost', async (n) => {
    const s = scratch(CRASH);
    const held = join(s.dir, 'held');
    const cli = startCli(runArgs(s), { cwd: s.dir, nodeArgs: ['--import', HOLD], env: { CUTOVER_TEST_HOLD_AT: String(n), CUTOVER_TEST_HOLD_FILE: held } });
    await waitWhileRunning(cli, `cutover to hold after journal line ${n}`, () => isHeld(held));
    const bundle = bundleIn(s.evidence)!;
    const acknowledged = await kill9(cli, bundle);
    expect(acknowledged).toHaveLength(n);
    await resumeAndCheck(s, bundle, acknowledged);
  });

  it.each([
    ['notices/notice.md', 'the notice, before notice.sent'],
    ['manifest.json', 'the closing manifest, after run.closed'],
  ])('inside a durable write of %s (%s): the half-done temp file does not spoil the bundle', async (file) => {
    const s = scratch(CRASH);
    const held = join(s.dir, 'held');
    const cli = startCli(runArgs(s), { cwd: s.dir, nodeArgs: ['--import', HOLD], env: { CUTOVER_TEST_HOLD_TEMP: file, CUTOVER_TEST_HOLD_FILE: held } });
    await waitWhileRunning(cli, `cutover to hold in the write of ${file}`, () => isHeld(held));
    const bundle = bundleIn(s.evidence)!;
    // The premise: the temp file is on disk, the file itself not (yet) in place.
    const temp = readText(held).trim();
    expect(temp.startsWith(join(bundle, '.tmp/')) && temp.endsWith(`-${file.split('/').pop()}`), temp).toBe(true);
    expect(existsSync(temp)).toBe(true);
    const acknowledged = await kill9(cli, bundle);
    await resumeAndCheck(s, bundle, acknowledged);
    expect(existsSync(temp)).toBe(false);
  });

  it.each([
    ['slow-out', 'stdout.log'],
    ['slow-err', 'stderr.log'],
  ])('while %s runs: the attempt is recorded as interrupted and a new attempt passes', async (step, log) => {
    const s = scratch(CRASH);
    const cli = startCli(runArgs(s), { cwd: s.dir });
    const bundle = await waitWhileRunning(cli, 'the bundle', () => bundleIn(s.evidence));
    await waitWhileRunning(cli, `${step} to have printed "start"`, () => readText(join(bundle, 'steps', step, 'attempt-1', log)).includes('start'));
    const acknowledged = await kill9(cli, bundle);
    // The premise: the kill landed while the command ran (it takes 0.3 s).
    expect(JSON.parse(acknowledged.at(-1)!)).toMatchObject({ type: 'step.started', step, attempt: 1 });
    expect(cli.stdout()).toContain(`▶ ${step}`);
    expect(cli.stdout()).not.toContain(`✓ ${step}`);
    const events = await resumeAndCheck(s, bundle, acknowledged);
    expect(events.find((e) => e.type === 'step.interrupted')).toMatchObject({ step, attempt: 1 });
  });

  it('the command running at the kill does not survive the resume (its whole process group is killed)', async () => {
    const mark = uniqueMarker();
    const s = scratch(LONG, { MARK: mark });
    writeFileSync(join(s.dir, 'slow'), '');
    const cli = startCli(runArgs(s), { cwd: s.dir });
    const pids = await waitWhileRunning(cli, 'the command to write its pids', () => leftoverPids(s.dir));
    pids.forEach(trackPid);
    const bundle = bundleIn(s.evidence)!;
    // Its content, not the file's creation: the kill must land after cutover recorded the pid.
    await waitWhileRunning(cli, 'cutover to record the command pid', () => /^\d+\n$/.test(readText(join(bundle, 'steps/long/attempt-1/pid'))));
    const acknowledged = await kill9(cli, bundle);

    // The premise: the shell and its background sleeper outlive cutover's death.
    expect(pids.filter(isAlive)).toEqual(pids);
    expect(processesWith(`30.${mark}`).map((p) => p.pid).sort()).toEqual([...pids].sort());

    const events = await resumeAndCheck(s, bundle, acknowledged, 'spawned');
    const interrupted = events.find((e) => e.type === 'step.interrupted');
    expect(interrupted).toMatchObject({ step: 'long', attempt: 1, reason: expect.stringContaining('killed') });
    // SIGKILL is delivered and the orphans reaped by init asynchronously: wait for them to be gone (a loaded machine takes a moment).
    // If they stay, the recorded reason says why the resume did not kill them.
    await vi.waitFor(() => expect(pids.filter(isAlive), `still alive after the resume, which recorded: ${String(interrupted?.reason)}`).toEqual([]), { timeout: 15_000, interval: 100 });
    expect(processesWith(`30.${mark}`)).toEqual([]);
  });

  it('a torn last journal line is cut off on resume, and the run completes and verifies', async () => {
    const s = scratch(CRASH);
    const paused = await runCli(runArgs(s, join(FIXTURES, 'crash/answers-undecided.yaml')), { cwd: s.dir });
    expect(paused.code, paused.stdout + paused.stderr).toBe(3);
    expect(paused.stdout).toContain('"decide"');
    const bundle = bundleIn(s.evidence)!;
    const acknowledged = journalLines(bundle);
    const last = JSON.parse(acknowledged.at(-1)!) as RawEvent;
    expect(last).toMatchObject({ type: 'run.paused', waiting_for: 'decide' });

    // Half an event, as a crash in the middle of write() would leave it.
    const torn = `{"seq":${last.seq + 1},"at":"2026-11-21T10:00:00.000Z","type":"decision.recorded","step":"decide","opt`;
    appendFileSync(join(bundle, 'journal.ndjson'), torn);

    const events = await resumeAndCheck(s, bundle, acknowledged);
    expect(events.find((e) => e.type === 'run.resumed')).toMatchObject({ repaired_tail_bytes: Buffer.byteLength(torn) });
    const text = readFileSync(join(bundle, 'journal.ndjson'), 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(text.includes(torn)).toBe(false);
  });
});
