// Issue 10 (14): `cutover resume` after a kill -9 must not SIGKILL a process
// group just because a bundle's `pid` file names it. The bundle is only
// files: here an attacker points `pid` (and a pid.identity copied from
// /proc, start time and boot id included) at an unrelated process group.
// Resume spares that group, still kills the command's own leftovers (they
// carry the attempt's CUTOVER_ATTEMPT marker), and says what it left alone.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { identityOf } from '../../src/runner/process-identity.js';
import { bundleIn, isAlive, journalEvents, leftoverPids, runCli, scratch, startCli, trackPid, uniqueMarker, waitFor, waitWhileRunning, type Scratch } from './helpers.js';

const LONG = { runbook: 'crash/long.yaml', answers: 'crash/long-answers.yaml' };
const HAS_PROC = existsSync('/proc/self/environ');

/** A run of crash/long.yaml killed -9 while its command runs; the command's pids and the attempt dir. */
async function crashMidCommand(): Promise<{ s: Scratch; bundle: string; attempt: string; pids: [number, number] }> {
  const s = scratch(LONG, { MARK: uniqueMarker() });
  writeFileSync(join(s.dir, 'slow'), '');
  const cli = startCli(['run', s.runbook, '--plain', '--answers', s.answers, '--evidence-dir', s.evidence, '--operator', 'Olga Operator'], { cwd: s.dir });
  const pids = await waitWhileRunning(cli, 'the command to write its pids', () => leftoverPids(s.dir));
  pids.forEach(trackPid);
  const bundle = bundleIn(s.evidence)!;
  const attempt = join(bundle, 'steps/long/attempt-1');
  await waitWhileRunning(cli, 'cutover to record the command pid', () => existsSync(join(attempt, 'pid')));
  process.kill(cli.pid, 'SIGKILL');
  await cli.exited;
  expect(pids.filter(isAlive)).toEqual(pids); // the premise: the command outlived cutover
  return { s, bundle, attempt, pids };
}

/** An unrelated process group (its own session), as any other program of the user's. */
async function victimGroup(): Promise<number> {
  const child = spawn('/bin/sh', ['-c', 'sleep 60 & echo ready; wait'], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
  child.on('error', () => {});
  trackPid(child.pid!);
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  return child.pid!;
}

function interruptedReason(bundle: string): string {
  return String(journalEvents(bundle).find((e) => e.type === 'step.interrupted')?.reason ?? '');
}

describe.skipIf(!HAS_PROC)('resume and a pid file that names someone else', () => {
  it("spares a group named by a forged pid and identity, and still kills the command's marked leftovers", async () => {
    const { s, bundle, attempt, pids } = await crashMidCommand();
    const victim = await victimGroup();
    const recorded = JSON.parse(readFileSync(join(attempt, 'pid.identity'), 'utf8')) as { marker: string };
    expect(recorded.marker.startsWith(`${attempt}/`)).toBe(true);
    // The forgery: the victim's true identity, the attempt's own marker.
    writeFileSync(join(attempt, 'pid'), `${victim}\n`);
    writeFileSync(join(attempt, 'pid.identity'), JSON.stringify({ ...identityOf(victim), marker: recorded.marker }));

    const resumed = await runCli(['resume', bundle, '--plain', '--answers', s.answers], { cwd: s.dir });
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    expect(isAlive(victim)).toBe(true);
    await waitFor('the command leftovers to die', () => pids.every((p) => !isAlive(p)));
    expect(interruptedReason(bundle)).toContain('its leftover processes were killed');
  });

  it('kills nothing for a pid file without its identity, and says so in the interrupted reason', async () => {
    const { s, bundle, attempt, pids } = await crashMidCommand();
    const victim = await victimGroup();
    writeFileSync(join(attempt, 'pid'), `${victim}\n`);
    rmSync(join(attempt, 'pid.identity'));

    const resumed = await runCli(['resume', bundle, '--plain', '--answers', s.answers], { cwd: s.dir });
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    expect(isAlive(victim)).toBe(true);
    expect(pids.every(isAlive)).toBe(true); // nothing proves them the command's either: left, and reported
    const reason = interruptedReason(bundle);
    expect(reason).toContain(`names process group ${victim} without an identity that can be checked`);
    expect(reason).toContain(`ps -o pid,pgid,sid,args -s ${victim}`);
  });
});
