// C5: stdout (and stderr) closed under a running `cutover run --plain` — a
// pipe into `head -1`, a terminal gone with a dropped SSH session — must not
// crash the run with "Unhandled 'error' event": the writes are dropped, the
// run goes on to its end, and the journal is complete and verifies.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JournalEvent } from '../../src/engine/events.js';
import { slowSteps } from './fixtures.js';
import { cutoverArgv, cutoverShell, run, sh, shell, STACK, tempDir } from './helpers.js';

function onlyBundle(evidence: string): string {
  const dirs = readdirSync(evidence);
  expect(dirs).toHaveLength(1);
  return join(evidence, dirs[0]!);
}

function events(bundle: string): JournalEvent[] {
  return readFileSync(join(bundle, 'journal.ndjson'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as JournalEvent);
}

/** Attempts that started and never finished nor were recorded as interrupted. */
function dangling(evs: JournalEvent[]): string[] {
  const open = new Set<string>();
  for (const e of evs) {
    if (e.type === 'step.started') open.add(`${e.step}#${e.attempt}`);
    if (e.type === 'step.finished' || e.type === 'step.interrupted') open.delete(`${e.step}#${e.attempt}`);
  }
  return [...open];
}

async function pipedRun(redirectStderr: 'file' | 'pipe'): Promise<{ dir: string; bundle: string; stdout: string; stderr: string; code: number }> {
  const dir = tempDir();
  const fx = slowSteps(dir, 5);
  const evidence = join(dir, 'evidence');
  const errFile = join(dir, 'stderr.txt');
  const rcFile = join(dir, 'rc');
  const cutover = cutoverShell(['run', fx.runbook, '--plain', '--answers', fx.answers, '--evidence-dir', evidence, '--operator', 'Olga Operator']);
  // The group's exit status is the only way to get cutover's own code out of the pipeline.
  const stderrTo = redirectStderr === 'file' ? `2>${sh(errFile)}` : '2>&1';
  const r = await shell(`{ ${cutover} ${stderrTo}; echo $? >${sh(rcFile)}; } | head -1`, { cwd: dir });
  expect(r.code, r.stderr).toBe(0);
  const stderr = redirectStderr === 'file' ? readFileSync(errFile, 'utf8') : r.stderr;
  return { dir, bundle: onlyBundle(evidence), stdout: r.stdout, stderr, code: Number(readFileSync(rcFile, 'utf8').trim()) };
}

describe('output to a closed pipe', () => {
  it('cutover run --plain | head -1: no crash, no stack trace, the run closes and verifies', async () => {
    const r = await pipedRun('file');
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.stdout).toMatch(/^cutover /);
    expect(r.stderr).not.toMatch(STACK);
    expect(r.stderr).not.toContain('Unhandled');
    expect(r.stderr).not.toContain('EPIPE');
    expect(r.code).toBe(0); // the GO of the answers file: the run went on to its end

    const evs = events(r.bundle);
    expect(dangling(evs)).toEqual([]);
    expect(evs.filter((e) => e.type === 'step.finished')).toHaveLength(5);
    expect(evs[evs.length - 1]!.type).toBe('run.closed');

    const verified = await run(cutoverArgv(['verify', r.bundle]));
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    expect(verified.stdout).toContain('OK');
  });

  it('stdout and stderr both into the closed pipe (2>&1 | head -1): same', async () => {
    const r = await pipedRun('pipe');
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.code).toBe(0);
    const evs = events(r.bundle);
    expect(dangling(evs)).toEqual([]);
    expect(evs[evs.length - 1]!.type).toBe('run.closed');
    const verified = await run(cutoverArgv(['verify', r.bundle]));
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
  });

  it('a run that pauses (no answers) with its output gone exits 3 and leaves a paused, verifiable bundle', async () => {
    const dir = tempDir();
    const fx = slowSteps(dir, 2);
    const evidence = join(dir, 'evidence');
    const rcFile = join(dir, 'rc');
    const errFile = join(dir, 'stderr.txt');
    // The confirm step comes first: without answers the run pauses at once; print enough before that to break the pipe.
    const cutover = cutoverShell(['run', fx.runbook, '--plain', '--evidence-dir', evidence, '--operator', 'Olga Operator']);
    await shell(`{ ${cutover} 2>${sh(errFile)}; echo $? >${sh(rcFile)}; } | head -c 1 >/dev/null`, { cwd: dir });
    expect(Number(readFileSync(rcFile, 'utf8').trim())).toBe(3);
    expect(readFileSync(errFile, 'utf8')).not.toMatch(STACK);
    const bundle = onlyBundle(evidence);
    const evs = events(bundle);
    expect(dangling(evs)).toEqual([]);
    expect(evs[evs.length - 1]!.type).toBe('run.paused');
    const verified = await run(cutoverArgv(['verify', bundle]));
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
  });
});
