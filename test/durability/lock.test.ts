// M7: the bundle lock. A second process really holds it (a separate Node
// process that took it with acquireLock and waits); a lock of a dead pid, of
// a pid now used by another process (other start time), or from another
// boot is stale and replaced; EPERM from kill(pid, 0) means alive.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/cli/errors.js';
import { identityOf } from '../../src/runner/process-identity.js';
import { acquireLock, releaseLock } from '../../src/session/lock.js';
import { scriptArgv, start, tempDir, type Started } from './helpers.js';

const HOLDER = `
import { acquireLock, releaseLock } from '@SRC@/session/lock.ts';
const dir = process.argv[2]!;
process.on('SIGTERM', () => {
  releaseLock(dir);
  process.exit(0);
});
try {
  acquireLock(dir);
  console.log('locked');
} catch (error) {
  console.log(\`refused: \${(error as Error).message}\`);
  process.exit(3);
}
setInterval(() => {}, 1000);
`;

const holders: Started[] = [];
afterEach(() => {
  for (const h of holders.splice(0)) h.kill('SIGKILL');
});

function holdLock(dir: string): Started {
  const h = start([...scriptArgv(dir, 'holder', HOLDER), dir]);
  holders.push(h);
  return h;
}

function lockOf(dir: string): { pid: number; started?: string; boot_id?: string } {
  return JSON.parse(readFileSync(join(dir, '.lock'), 'utf8')) as { pid: number; started?: string; boot_id?: string };
}

function refusal(dir: string): unknown {
  try {
    acquireLock(dir);
  } catch (error) {
    return error;
  }
  return undefined;
}

/** A pid that was just used and is gone now. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  const pid = child.pid!;
  await new Promise((resolve) => child.on('exit', resolve));
  return pid;
}

describe('acquireLock / releaseLock', () => {
  it('writes pid, start time and boot id, exclusively; release removes it', () => {
    const dir = tempDir();
    acquireLock(dir);
    const lock = lockOf(dir);
    expect(lock.pid).toBe(process.pid);
    if (existsSync('/proc/self/stat')) {
      const field22 = readFileSync('/proc/self/stat', 'latin1').split(') ')[1]!.split(' ')[19];
      expect(lock.started).toBe(field22);
      expect(lock.boot_id).toBe(readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim());
    }
    // A second session on the same bundle in this process would interleave the journal.
    expect(() => acquireLock(dir)).toThrow(/already open in this cutover process/);
    releaseLock(dir);
    expect(existsSync(join(dir, '.lock'))).toBe(false);
  });

  it('refuses while another live cutover process holds it; after that process is killed -9 the lock is stale', async () => {
    const dir = tempDir();
    const holder = holdLock(dir);
    expect(await holder.firstLine).toBe('locked');
    expect(lockOf(dir).pid).toBe(holder.pid);

    const error = refusal(dir);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe(`${dir}: the run is in use by another cutover process (pid ${holder.pid})`);
    expect((error as InputError).hint).toBeTruthy();

    releaseLock(dir); // not ours: left alone
    expect(lockOf(dir).pid).toBe(holder.pid);

    holder.kill('SIGKILL');
    await holder.exited;
    acquireLock(dir);
    expect(lockOf(dir).pid).toBe(process.pid);

    // and now the other process is the one refused
    const second = holdLock(dir);
    expect(await second.firstLine).toBe(`refused: ${dir}: the run is in use by another cutover process (pid ${process.pid})`);
    expect((await second.exited).code).toBe(3);
    releaseLock(dir);
  });

  it('the holder releases its own lock when it stops', async () => {
    const dir = tempDir();
    const holder = holdLock(dir);
    expect(await holder.firstLine).toBe('locked');
    holder.kill('SIGTERM');
    expect((await holder.exited).code).toBe(0);
    expect(existsSync(join(dir, '.lock'))).toBe(false);
  });

  it('a lock of a dead pid is stale (JSON and the bare-pid format of older versions)', async () => {
    for (const format of ['json', 'bare'] as const) {
      const dir = tempDir();
      const pid = await deadPid();
      writeFileSync(join(dir, '.lock'), format === 'json' ? `${JSON.stringify({ pid, started: '12345', boot_id: identityOf(process.pid).boot_id })}\n` : `${pid}\n`);
      acquireLock(dir);
      expect(lockOf(dir).pid).toBe(process.pid);
      releaseLock(dir);
    }
  });

  it('a lock whose pid is alive but is another process (other start time) or from another boot is stale', async (ctx) => {
    if (!existsSync('/proc/self/stat')) ctx.skip();
    const sleeper = start(['sleep', '30']);
    holders.push(sleeper);
    const live = identityOf(sleeper.pid);
    expect(live.started).toBeTruthy();

    const reused = tempDir();
    writeFileSync(join(reused, '.lock'), JSON.stringify({ ...live, started: String(Number(live.started) + 1) }));
    acquireLock(reused);
    expect(lockOf(reused).pid).toBe(process.pid);

    const rebooted = tempDir();
    writeFileSync(join(rebooted, '.lock'), JSON.stringify({ ...live, boot_id: '00000000-0000-0000-0000-000000000000' }));
    acquireLock(rebooted);
    expect(lockOf(rebooted).pid).toBe(process.pid);

    // The same live process with its true identity holds the lock.
    const held = tempDir();
    writeFileSync(join(held, '.lock'), JSON.stringify(live));
    expect(refusal(held)).toBeInstanceOf(InputError);
    // and so does a bare pid of a live process (no start time to compare)
    writeFileSync(join(held, '.lock'), `${sleeper.pid}\n`);
    expect(refusal(held)).toBeInstanceOf(InputError);
  });

  it('EPERM from kill(pid, 0) means alive: an unprivileged process is refused a lock held by root', async (ctx) => {
    if (process.getuid?.() !== 0 || !existsSync('/proc/1/stat')) ctx.skip();
    const dir = tempDir();
    chmodSync(dir, 0o777);
    // pid 1 is root's: a process running as nobody gets EPERM from kill(1, 0).
    writeFileSync(join(dir, '.lock'), JSON.stringify(identityOf(1)));
    chmodSync(join(dir, '.lock'), 0o666);
    const argv = scriptArgv(dir, 'holder', HOLDER);
    chmodSync(argv[argv.length - 1]!, 0o644);
    const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(argv[0]!, [...argv.slice(1), dir], { uid: 65534, gid: 65534, cwd: dir, env: { ...process.env, HOME: dir, TSX_DISABLE_CACHE: '1' } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(r.stdout.trim(), r.stderr).toBe(`refused: ${dir}: the run is in use by another cutover process (pid 1)`);
    expect(r.code).toBe(3);
  });
});
