// Hostile commands in one full plain run (test/fixtures/hostile/hostile.yaml):
// a missing program, a file without the execute bit, a command that sleeps
// past its timeout, one that also ignores SIGTERM, one that leaves a child
// running, and output that is not text (invalid UTF-8, one 10 MiB line,
// terminal escapes). What the journal and bundle record is checked step by
// step; the run ends NO-GO (exit 1), verifies, and leaves no process behind.
import { createHash } from 'node:crypto';
import { chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleIn, copyFixture, journalEvents, killProcessesWith, processesWith, runCli, scratch, uniqueMarker, type CliExit, type RawEvent } from '../crash/helpers.js';

/** Lone continuation bytes, overlong and truncated sequences, an encoded surrogate, NUL, a trailing lead byte. */
const INVALID_UTF8 = Buffer.from('ff fe 41 c3 28 a0 a1 e2 82 28 f0 90 28 bc ed a0 80 c0 af 00 0a 66 6f 6f e2 82'.replaceAll(' ', ''), 'hex');
const LONG_LINE = Buffer.from(`${'a'.repeat(10 * 1024 * 1024)}END`);
const ESCAPES = Buffer.from('\x1b[2J\x1b[H\x1b[31mRED\x1b[0m\x1b]0;pwned\x07\x1b[?1049h\r\nafter\n', 'latin1');

interface StreamRecord {
  file: string;
  bytes: number;
  sha256: string;
}

interface AttemptResult {
  outcome: string;
  exit_code: number | null;
  signal: string | null;
  error?: string;
  warnings?: string[];
  stdout: StreamRecord;
  stderr: StreamRecord;
  combined: StreamRecord;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let mark: string;
let bundle: string;
let run: CliExit;
let events: RawEvent[];
let dir: string;

beforeAll(async () => {
  mark = uniqueMarker();
  const s = scratch({ runbook: 'hostile/hostile.yaml', answers: 'hostile/hostile-answers.yaml' }, { NODE: process.execPath, MARK: mark, HEX: INVALID_UTF8.toString('hex') }, 'file');
  dir = s.dir;
  copyFixture('hostile/not-executable.sh', join(s.dir, 'not-executable.sh'));
  chmodSync(join(s.dir, 'not-executable.sh'), 0o644);
  run = await runCli(['run', s.runbook, '--plain', '--answers', s.answers, '--evidence-dir', s.evidence, '--operator', 'Olga Operator'], { cwd: s.dir });
  bundle = bundleIn(s.evidence)!;
  events = journalEvents(bundle);
});

// Should a step's process escape after all, it must not outlive the test file.
afterAll(() => killProcessesWith(`100.${mark}`));

function result(step: string): AttemptResult {
  const finished = events.filter((e) => e.type === 'step.finished' && e.step === step);
  expect(finished, `one step.finished for ${step}`).toHaveLength(1);
  return finished[0]!.result as AttemptResult;
}

/** The log file's bytes, after checking they match the size and digest the journal recorded. */
function logOf(rec: StreamRecord): Buffer {
  const bytes = readFileSync(join(bundle, rec.file));
  expect(bytes.length).toBe(rec.bytes);
  expect(sha256(bytes)).toBe(rec.sha256);
  return bytes;
}

function manifestStatus(step: string): string {
  const manifest = JSON.parse(readFileSync(join(bundle, 'manifest.json'), 'utf8')) as { steps: { id: string; status: string }[] };
  return manifest.steps.find((s) => s.id === step)!.status;
}

describe('hostile commands in a full plain run', () => {
  it('the run ends with a recorded NO-GO (exit 1), every step attempted once, and the bundle verifies', async () => {
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toContain('REFUSED');
    expect(run.stdout).toContain('Outcome: NO-GO');
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(events.filter((e) => e.type === 'step.finished').map((e) => e.step)).toEqual(['not-found', 'not-executable', 'times-out', 'ignores-term', 'forks', 'invalid-utf8', 'long-line', 'escapes']);
    expect(events.at(-1)).toMatchObject({ type: 'run.closed', outcome: 'NO-GO' });
    const verified = await runCli(['verify', bundle], { cwd: dir });
    expect(verified.code, verified.stdout).toBe(0);
  });

  it('argv[0] not found: "could not start", recorded as a spawn failure with empty logs', () => {
    const r = result('not-found');
    expect(r).toMatchObject({ outcome: 'spawn-failed', exit_code: null, signal: null });
    expect(r.error).toMatch(/not found/);
    expect(r.error).toContain(`cutover-no-such-command-${mark}`);
    expect(logOf(r.stdout).length + logOf(r.stderr).length).toBe(0);
    expect(manifestStatus('not-found')).toBe('failed');
    // A program missing from PATH (the preflight named it) is an environment failure: it still blocks the GO.
    expect(run.stdout).toMatch(/not-found ENVIRONMENT FAILURE.*could not start: command not found/);
  });

  it('a file without the execute bit: "could not start" (permission denied), and it never ran', () => {
    const r = result('not-executable');
    expect(r).toMatchObject({ outcome: 'spawn-failed', exit_code: null });
    expect(r.error).toMatch(/permission denied/);
    expect(logOf(r.combined).length).toBe(0);
    expect(manifestStatus('not-executable')).toBe('failed');
    expect(run.stdout).toMatch(/not-executable FAILED.*could not start/);
  });

  it('timeout 1s on sleep 100: timed out, stopped by SIGTERM, failed', () => {
    const r = result('times-out');
    expect(r.outcome).toBe('timed-out');
    // sleep dies on SIGTERM: the grace period is not used up, no SIGKILL.
    expect(r.signal).toBe('SIGTERM');
    expect(r.warnings?.join('\n') ?? '').not.toContain('SIGKILL');
    expect(manifestStatus('times-out')).toBe('failed');
    expect(run.stdout).toMatch(/times-out FAILED.*timed out after 1s/);
  });

  it('ignores SIGTERM past its timeout: killed with SIGKILL after the grace period', () => {
    const r = result('ignores-term');
    expect(r.outcome).toBe('timed-out');
    expect(r.signal).toBe('SIGKILL');
    // SIGKILL only once the runner's 3 s SIGTERM grace is over.
    expect(r.warnings?.join('\n')).toContain('the command ignored SIGTERM for 3000 ms after it was timed out; its process group was killed (SIGKILL)');
    expect(manifestStatus('ignores-term')).toBe('failed');
  });

  it('leaves a child running: the step passes with a warning, and the child is gone', () => {
    const r = result('forks');
    expect(r).toMatchObject({ outcome: 'exited', exit_code: 0 });
    expect(logOf(r.stdout).toString()).toBe('started\n');
    expect(r.warnings?.join('\n')).toMatch(/left running/);
    expect(manifestStatus('forks')).toBe('passed');
  });

  it('no process of any hostile step outlives the run (ps shows no sleeper with the marker)', () => {
    expect(processesWith(`100.${mark}`)).toEqual([]);
  });

  it('invalid UTF-8 is kept byte-exact in stdout.log and combined.log, with its digest', () => {
    const r = result('invalid-utf8');
    expect(r).toMatchObject({ outcome: 'exited', exit_code: 0 });
    expect(r.stdout).toMatchObject({ bytes: INVALID_UTF8.length, sha256: sha256(INVALID_UTF8) });
    expect(logOf(r.stdout).equals(INVALID_UTF8)).toBe(true);
    expect(logOf(r.combined).equals(INVALID_UTF8)).toBe(true);
  });

  it('a 10 MiB single line (no newline) is kept byte-exact, with its digest', () => {
    const r = result('long-line');
    expect(r).toMatchObject({ outcome: 'exited', exit_code: 0 });
    expect(r.stdout).toMatchObject({ bytes: LONG_LINE.length, sha256: sha256(LONG_LINE) });
    expect(logOf(r.stdout).equals(LONG_LINE)).toBe(true);
  });

  it('terminal escape sequences are byte-exact in the log, and the reporter prints no ESC byte', () => {
    const r = result('escapes');
    expect(r).toMatchObject({ outcome: 'exited', exit_code: 1 });
    expect(logOf(r.stdout).equals(ESCAPES)).toBe(true);
    expect(logOf(r.combined).equals(ESCAPES)).toBe(true);
    // The failed step's tail was printed (so the check below means something)…
    expect(run.stdout).toMatch(/\| .*RED/);
    expect(run.stdout).toMatch(/\| after/);
    // …without a raw escape, bell or carriage return from the command.
    expect(run.stdoutBytes.includes(0x1b)).toBe(false);
    expect(run.stdoutBytes.includes(0x07)).toBe(false);
    expect(run.stdoutBytes.includes(0x0d)).toBe(false);
  });
});
