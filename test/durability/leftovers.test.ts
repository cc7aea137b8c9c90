// M6: the leftover process group of a command cutover lost track of (kill -9)
// is killed on resume only while it can still be that command's group: the
// pid file records the start time and boot id, and a pid since reused by
// another process (other start time) or recorded before a reboot is spared.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { identityOf } from '../../src/runner/process-identity.js';
import { killLeftoverGroup, removePidFile, writePidFile } from '../../src/session/leftovers.js';
import { tempDir } from './helpers.js';

const HAS_PROC = existsSync('/proc/self/stat');
const groups: number[] = [];

afterEach(() => {
  for (const g of groups.splice(0)) {
    try {
      process.kill(-g, 'SIGKILL');
    } catch {
      // gone
    }
  }
});

/** A detached group like a runner command: a shell leader and a background sleeper. Resolves when both run. */
async function commandGroup(script = 'sleep 30 & echo ready; wait'): Promise<number> {
  const child = spawn('/bin/sh', ['-c', script], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
  child.on('error', () => {});
  groups.push(child.pid!);
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  return child.pid!;
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  // kill() succeeds for zombies too: ask /proc for a live member.
  if (!HAS_PROC) return true;
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .some((n) => {
      try {
        const stat = readFileSync(`/proc/${n}/stat`, 'latin1');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return Number(f[2]) === pgid && f[0] !== 'Z';
      } catch {
        return false;
      }
    });
}

async function waitGone(pgid: number): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (!groupAlive(pgid)) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

describe('writePidFile / killLeftoverGroup', () => {
  it('records pid (bare, as before) and its identity; kills the live group of the same process', async () => {
    const dir = tempDir();
    const pid = await commandGroup();
    writePidFile(dir, pid);
    expect(readFileSync(join(dir, 'pid'), 'utf8')).toBe(`${pid}\n`);
    if (HAS_PROC) expect(JSON.parse(readFileSync(join(dir, 'pid.identity'), 'utf8'))).toEqual(identityOf(pid));
    expect(killLeftoverGroup(dir)).toBe(true);
    expect(await waitGone(pid)).toBe(true);
    expect(existsSync(join(dir, 'pid'))).toBe(false);
    expect(existsSync(join(dir, 'pid.identity'))).toBe(false);
  });

  it('spares a live process whose start time differs: the pid was reused', async (ctx) => {
    if (!HAS_PROC) ctx.skip();
    const dir = tempDir();
    const pid = await commandGroup();
    writePidFile(dir, pid);
    const id = JSON.parse(readFileSync(join(dir, 'pid.identity'), 'utf8')) as { started: string };
    writeFileSync(join(dir, 'pid.identity'), JSON.stringify({ ...id, started: String(Number(id.started) - 1) }));
    expect(killLeftoverGroup(dir)).toBe(false);
    expect(groupAlive(pid)).toBe(true);
    expect(existsSync(join(dir, 'pid'))).toBe(false);
  });

  it('spares everything recorded on another boot', async (ctx) => {
    if (!HAS_PROC) ctx.skip();
    const dir = tempDir();
    const pid = await commandGroup();
    writePidFile(dir, pid);
    const id = JSON.parse(readFileSync(join(dir, 'pid.identity'), 'utf8')) as Record<string, string>;
    writeFileSync(join(dir, 'pid.identity'), JSON.stringify({ ...id, boot_id: '00000000-0000-0000-0000-000000000000' }));
    expect(killLeftoverGroup(dir)).toBe(false);
    expect(groupAlive(pid)).toBe(true);
  });

  it('kills what is left of the group when its leader is already gone (the pid cannot have been reused meanwhile)', async () => {
    const dir = tempDir();
    // The leader starts a sleeper in its group, reports, and exits at once.
    const pid = await commandGroup('sleep 30 & echo ready');
    writePidFile(dir, pid);
    for (let i = 0; i < 100 && existsSync(`/proc/${pid}/stat`) && !/\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'latin1')); i++) await new Promise((r) => setTimeout(r, 20));
    expect(groupAlive(pid)).toBe(true);
    expect(killLeftoverGroup(dir)).toBe(true);
    expect(await waitGone(pid)).toBe(true);
  });

  it('without an identity file (an older cutover) kills the recorded group as before', async () => {
    const dir = tempDir();
    const pid = await commandGroup();
    writePidFile(dir, pid);
    rmSync(join(dir, 'pid.identity'), { force: true });
    expect(killLeftoverGroup(dir)).toBe(true);
    expect(await waitGone(pid)).toBe(true);
  });

  it('removePidFile removes both files; a missing pid file kills nothing', () => {
    const dir = tempDir();
    writePidFile(dir, process.pid);
    removePidFile(dir);
    expect(existsSync(join(dir, 'pid'))).toBe(false);
    expect(existsSync(join(dir, 'pid.identity'))).toBe(false);
    expect(killLeftoverGroup(dir)).toBe(false);
  });
});
