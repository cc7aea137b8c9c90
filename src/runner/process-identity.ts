// Which process a pid names. A pid alone is reused by the kernel once its
// process is gone (and after a reboot every pid means something else), so a
// pid written to disk is paired with the process's start time (field 22 of
// /proc/<pid>/stat, clock ticks since boot) and the boot id. Where /proc is
// not available both are undefined, and callers fall back to the pid alone.

import { readFileSync } from 'node:fs';

export interface ProcessIdentity {
  pid: number;
  /** Start time in clock ticks since boot (/proc/<pid>/stat field 22), when known. */
  started?: string;
  /** /proc/sys/kernel/random/boot_id, when known. */
  boot_id?: string;
}

interface ProcStat {
  state: string;
  started: string;
}

/** State (field 3) and start time (field 22) of a process, or undefined (gone, or no /proc). */
function readStat(pid: number): ProcStat | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid …": comm may hold spaces and parentheses, so count
  // fields from the last ')'. fields[0] is field 3, so field 22 is fields[19].
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const started = fields[19];
  if (!fields[0] || !started || !/^\d+$/.test(started)) return undefined;
  return { state: fields[0], started };
}

let bootId: string | null | undefined;

/** The kernel's boot id (a fresh UUID every boot), or undefined without /proc. */
export function currentBootId(): string | undefined {
  if (bootId === undefined) {
    try {
      bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
    } catch {
      bootId = null;
    }
  }
  return bootId ?? undefined;
}

/** The identity of a running process as of now (start time and boot id when /proc has them). */
export function identityOf(pid: number): ProcessIdentity {
  const stat = readStat(pid);
  const boot = currentBootId();
  return { pid, ...(stat ? { started: stat.started } : {}), ...(boot ? { boot_id: boot } : {}) };
}

/** kill(pid, 0): ESRCH means gone; success or EPERM (someone else's process) means it exists. */
function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether the process a recorded identity describes is still running: the
 * pid exists, is not a zombie, and — where both sides know them — has the
 * same start time on the same boot. Without /proc this is kill(pid, 0) alone.
 */
export function isSameProcessAlive(recorded: ProcessIdentity): boolean {
  const { pid } = recorded;
  if (!Number.isInteger(pid) || pid <= 0) return false;
  const boot = currentBootId();
  if (recorded.boot_id && boot && recorded.boot_id !== boot) return false; // recorded before a reboot
  if (!pidExists(pid)) return false;
  const stat = readStat(pid);
  // Exists for kill() but /proc does not show it (hidepid, or it exited this instant): trust kill().
  if (!stat) return true;
  if (stat.state === 'Z' || stat.state === 'X') return false;
  if (recorded.started && recorded.started !== stat.started) return false; // the pid was reused
  return true;
}

/** Parses an identity written as JSON by this module; undefined when it is not one. */
export function parseIdentity(text: string): ProcessIdentity | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.pid !== 'number' || !Number.isInteger(v.pid) || v.pid <= 0) return undefined;
  return {
    pid: v.pid,
    ...(typeof v.started === 'string' && /^\d+$/.test(v.started) ? { started: v.started } : {}),
    ...(typeof v.boot_id === 'string' && v.boot_id !== '' ? { boot_id: v.boot_id } : {}),
  };
}
