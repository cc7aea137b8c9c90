// M6 / issue 10 (14): what `resume` kills of a command cutover lost track of
// (kill -9). A bundle is only files: its `pid` file can name any process
// group, and anyone can read a process's start time. So resume kills only
// processes that carry the attempt's CUTOVER_ATTEMPT marker (recorded in
// pid.identity): the recorded leader's group when the leader is that very
// process, and every marked process that escaped it. A pid file alone, a
// forged identity, another attempt's marker or another boot kill nothing —
// and the reason says what was left alone and how to look at it.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { identityOf } from '../../src/runner/process-identity.js';
import { attemptMarkerLabel, killLeftovers, removePidFile, writePidFile } from '../../src/session/leftovers.js';
import { tempDir } from './helpers.js';

const HAS_PROC = existsSync('/proc/self/environ');
const groups: number[] = [];

afterEach(() => {
  for (const g of groups.splice(0)) {
    for (const target of [-g, g]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
});

/** A bundle with one attempt directory; the marker its command would carry. */
function attempt(): { bundle: string; dir: string; marker: string } {
  const bundle = join(tempDir(), '20261121T140500Z_leftovers');
  const dir = join(bundle, 'steps', 'long', 'attempt-1');
  mkdirSync(dir, { recursive: true });
  return { bundle, dir, marker: `${attemptMarkerLabel(dir)}/${randomUUID()}` };
}

/**
 * A detached group like a runner command (a shell leading its own session
 * and a background sleeper), with `env` added. Resolves with the leader's
 * pid once the script printed its first line (the rest of that line: more pids).
 */
async function commandGroup(script: string, env: Record<string, string> = {}): Promise<{ pid: number; line: string }> {
  const child = spawn('/bin/sh', ['-c', script], { detached: true, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'ignore'] });
  child.on('error', () => {});
  groups.push(child.pid!);
  const line = await new Promise<string>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())));
  for (const p of line.split(' ').filter((w) => /^\d+$/.test(w))) groups.push(Number(p));
  return { pid: child.pid!, line };
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return !/^[ZX]$/.test(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0]!);
  } catch {
    return false;
  }
}

async function waitGone(pids: number[]): Promise<boolean> {
  for (let i = 0; i < 200; i++) {
    if (!pids.some(alive)) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

const SLEEPER = 'sleep 30 & echo "ready $!"; wait';

describe.skipIf(!HAS_PROC)('killLeftovers: only what carries the attempt marker', () => {
  it('kills the recorded group and a setsid escapee of the command, both marked', async () => {
    const { dir, marker } = attempt();
    const { pid, line } = await commandGroup(`setsid sleep 30 & a=$!; sleep 30 & echo "ready $a $!"; wait`, { CUTOVER_ATTEMPT: marker });
    const others = line.split(' ').slice(1).map(Number);
    writePidFile(dir, pid, marker);
    expect(readFileSync(join(dir, 'pid'), 'utf8')).toBe(`${pid}\n`);
    expect(JSON.parse(readFileSync(join(dir, 'pid.identity'), 'utf8'))).toEqual({ ...identityOf(pid), marker });
    const report = killLeftovers(dir);
    expect(report.killed).toBeGreaterThanOrEqual(2);
    expect(report.notes).toEqual([]);
    expect(await waitGone([pid, ...others])).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a pid file alone (no identity) kills nothing: the named group is spared and reported', async () => {
    const { dir } = attempt();
    const victim = await commandGroup(SLEEPER); // any process group of the user's, not cutover's
    writeFileSync(join(dir, 'pid'), `${victim.pid}\n`);
    const report = killLeftovers(dir);
    expect(report.killed).toBe(0);
    expect(report.notes.join('\n')).toContain(`names process group ${victim.pid} without an identity that can be checked`);
    expect(report.notes.join('\n')).toContain(`ps -o pid,pgid,sid,args -s ${victim.pid}`);
    expect(alive(victim.pid)).toBe(true);
    expect(existsSync(join(dir, 'pid'))).toBe(false);
  });

  it("a forged identity copying the victim's real start time, with no marker it carries, kills nothing", async () => {
    const { dir, marker } = attempt();
    const victim = await commandGroup(SLEEPER);
    writePidFile(dir, victim.pid, marker); // the true pid, start time and boot id — and this attempt's marker
    const report = killLeftovers(dir);
    expect(report.killed).toBe(0);
    expect(alive(victim.pid)).toBe(true);
    expect(report.notes.join('\n')).toMatch(new RegExp(`processes ${victim.pid} \\(sh\\), \\d+ \\((sleep|sh)\\) in session ${victim.pid} could not be proven`));
    // Without a marker at all (an older cutover's identity): the same.
    writePidFile(dir, victim.pid);
    const old = killLeftovers(dir);
    expect(old.killed).toBe(0);
    expect(old.notes).toContainEqual(expect.stringContaining('has no CUTOVER_ATTEMPT marker'));
    expect(alive(victim.pid)).toBe(true);
  });

  it("a marker copied from another bundle's pid.identity kills nothing, even processes that carry it", async () => {
    const mine = attempt();
    const other = attempt(); // same bundle name and step, another directory
    const running = await commandGroup(SLEEPER, { CUTOVER_ATTEMPT: other.marker }); // another run's live command
    writePidFile(mine.dir, running.pid, other.marker);
    const report = killLeftovers(mine.dir);
    expect(report.killed).toBe(0);
    expect(report.notes.join('\n')).toContain('names the marker of another attempt');
    expect(alive(running.pid)).toBe(true);
  });

  it('spares everything recorded on another boot', async () => {
    const { dir, marker } = attempt();
    const { pid } = await commandGroup(SLEEPER, { CUTOVER_ATTEMPT: marker });
    writePidFile(dir, pid, marker);
    const id = JSON.parse(readFileSync(join(dir, 'pid.identity'), 'utf8')) as Record<string, string>;
    writeFileSync(join(dir, 'pid.identity'), JSON.stringify({ ...id, boot_id: '00000000-0000-0000-0000-000000000000' }));
    expect(killLeftovers(dir)).toEqual({ killed: 0, notes: [] });
    expect(alive(pid)).toBe(true);
  });

  it('kills the marked members of a group whose leader is gone, and only reports an unmarked one', async () => {
    const { dir, marker } = attempt();
    // The leader starts a marked sleeper and one without the marker, reports, and exits once its pid file
    // is written (as the runner writes it while the command runs: written after the leader exited, the
    // identity could not be read, which made this test fail on a loaded machine).
    const ready = join(tempDir(), 'unmarked-ready');
    const go = join(tempDir(), 'leader-may-exit');
    const { pid, line } = await commandGroup(
      `sleep 30 & a=$!; env -u CUTOVER_ATTEMPT sh -c 'echo > ${ready}; exec sleep 31' & while [ ! -e ${ready} ]; do sleep 0.02; done; echo "ready $a $!"; while [ ! -e ${go} ]; do sleep 0.02; done`,
      { CUTOVER_ATTEMPT: marker },
    );
    const [marked, unmarked] = line.split(' ').slice(1).map(Number) as [number, number];
    writePidFile(dir, pid, marker);
    writeFileSync(go, '');
    expect(await waitGone([pid])).toBe(true);
    const report = killLeftovers(dir);
    expect(report.killed).toBe(1);
    expect(await waitGone([marked])).toBe(true);
    expect(alive(unmarked)).toBe(true);
  });

  it('removePidFile removes both files; a missing pid file kills nothing', () => {
    const { dir } = attempt();
    writePidFile(dir, process.pid, 'x');
    removePidFile(dir);
    expect(existsSync(join(dir, 'pid'))).toBe(false);
    expect(existsSync(join(dir, 'pid.identity'))).toBe(false);
    expect(killLeftovers(dir)).toEqual({ killed: 0, notes: [] });
  });
});
