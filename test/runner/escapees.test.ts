// Processes that escape the command's process group — `setsid`, a
// double-forked daemon, a job moved to a group of its own — do not outlive
// the attempt silently: they are found (by the attempt's CUTOVER_ATTEMPT
// marker, or by the command's session), stopped, and named in the warnings.
// Real shells, real setsid, real double forks; Linux only (/proc).
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../src/runner/index.js';
import { captureFiles, isLive, killQuietly, node, useTempDirs } from './helpers.js';

const tempDir = useTempDirs();
const HAS_PROC = existsSync('/proc/self/environ');

/** Shell words that wait until the escapee wrote ./ready (it has left the group by then). */
const WAIT_READY = 'while [ ! -e ready ]; do sleep 0.02; done';

/** Pids the command printed, one per line (`echo $$` before an exec). */
function printedPids(tail: string[]): number[] {
  return tail.filter((l) => /^\d+$/.test(l)).map(Number);
}

describe.skipIf(!HAS_PROC)('processes that escape the process group', () => {
  it('stops a `setsid sh -c "sleep 30" &` left running, and says so in the warnings', async () => {
    const dir = await tempDir();
    const result = await runCommand({ shellCommand: `setsid sh -c 'echo $$; echo > ready; exec sleep 30' & ${WAIT_READY}; echo started`, cwd: dir, killGraceMs: 500 }, captureFiles(dir), { secrets: [] });
    const [escaped] = printedPids(result.tail);
    try {
      expect(result).toMatchObject({ outcome: 'exited', exitCode: 0 });
      expect(escaped).toBeGreaterThan(0);
      expect(isLive(escaped!)).toBe(false);
      const warning = result.warnings.find((w) => w.includes("left the command's process group"));
      expect(warning).toContain(`pid ${escaped} (sleep)`);
      expect(warning).toContain('stopped with SIGTERM');
      // Killed, it no longer holds the pipe: no wait for an unknown holder.
      expect(result.warnings.join('\n')).not.toContain('kept its output open');
    } finally {
      killQuietly(escaped);
    }
  });

  it('stops a double-forked daemon (fork, setsid, fork) that ignores SIGTERM, with SIGKILL', async () => {
    const dir = await tempDir();
    // The middle process leads a new session, starts the daemon and exits;
    // the daemon ignores SIGTERM and closes its stdio like a real one.
    const daemon = `process.on('SIGTERM', () => {}); setInterval(() => {}, 1000);`;
    const middle = `const c = require('child_process').spawn(process.execPath, ['-e', ${JSON.stringify(daemon)}], { stdio: 'ignore' });
      console.log(c.pid); setTimeout(() => process.exit(0), 300);`;
    const parent = `const c = require('child_process').spawn(process.execPath, ['-e', ${JSON.stringify(middle)}], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
      c.stdout.on('data', (d) => process.stdout.write(d)); c.on('exit', () => process.exit(0));`;
    const result = await runCommand({ argv: node(parent), cwd: dir, killGraceMs: 300 }, captureFiles(dir), { secrets: [] });
    const [daemonPid] = printedPids(result.tail);
    try {
      expect(result).toMatchObject({ outcome: 'exited', exitCode: 0 });
      expect(daemonPid).toBeGreaterThan(0);
      expect(isLive(daemonPid!)).toBe(false);
      const warning = result.warnings.find((w) => w.includes("left the command's process group"));
      expect(warning).toContain(`pid ${daemonPid} (node)`);
      expect(warning).toContain('ignored SIGTERM for 300 ms and were killed (SIGKILL)');
    } finally {
      killQuietly(daemonPid);
    }
  });

  it('finds a job moved to a group of its own by its session, even when it dropped the environment', async () => {
    const dir = await tempDir();
    // setpgrp(0,0): a new group in the same session; env -i: no marker left.
    const result = await runCommand(
      { shellCommand: `perl -e 'setpgrp(0,0); $| = 1; print "$$\\n"; open(my $f, ">", "ready"); close($f); exec "env", "-i", "sleep", "30"' & ${WAIT_READY}; echo started`, cwd: dir, killGraceMs: 500 },
      captureFiles(dir),
      { secrets: [] },
    );
    const [job] = printedPids(result.tail);
    try {
      expect(job).toBeGreaterThan(0);
      expect(isLive(job!)).toBe(false);
      // Named by what it runs when found: `env` until env has exec'd sleep (the ready file comes before both).
      expect(result.warnings.join('\n')).toMatch(new RegExp(`pid ${job} \\((env|sleep)\\)`));
    } finally {
      killQuietly(job);
    }
  });

  it('gives every attempt its own CUTOVER_ATTEMPT marker, reported through onStart', async () => {
    const dir = await tempDir();
    const markers: string[] = [];
    const runs = [];
    for (let i = 0; i < 2; i++) {
      runs.push(
        await runCommand({ shellCommand: 'echo "$CUTOVER_ATTEMPT"', cwd: dir, env: { CUTOVER_ATTEMPT: 'forged' } }, captureFiles(dir, `a${i}`), {
          secrets: [],
          attemptLabel: 'bundle/steps/s/attempt-1',
          onStart: ({ marker }) => markers.push(marker),
        }),
      );
    }
    expect(runs.map((r) => r.tail[0])).toEqual(markers);
    for (const m of markers) expect(m).toMatch(/^bundle\/steps\/s\/attempt-1\/[0-9a-f-]{36}$/);
    expect(markers[0]).not.toBe(markers[1]);
  });

  it('cannot see a process that both left the session and dropped its environment: the held pipe is reported instead', async () => {
    const dir = await tempDir();
    const result = await runCommand({ shellCommand: `setsid env -i sh -c 'echo $$; echo > ready; exec sleep 30' & ${WAIT_READY}`, cwd: dir }, captureFiles(dir), { secrets: [] });
    const [escaped] = printedPids(result.tail);
    try {
      expect(result.warnings.join('\n')).toContain('a process outside the command\'s process group kept its output open');
      expect(isLive(escaped!)).toBe(true); // documented limit: nothing marks it as the command's
    } finally {
      killQuietly(escaped);
    }
  });
});
