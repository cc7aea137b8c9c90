// Process groups of the commands the runner starts. Each command leads its
// own group (spawned detached), so one signal reaches everything it forked,
// and nothing it started can outlive the step unnoticed. The registry lets
// the CLI's exit handler SIGKILL whatever is still running if cutover itself
// is killed.

import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

const POLL_MS = 20;
/** After SIGKILL a process normally vanishes at once; longer means it is stuck (D state) or not ours to kill. */
const AFTER_KILL_WAIT_MS = 1000;

const liveGroups = new Set<ProcessGroup>();

/** Synchronously SIGKILLs every process group started by this module that may still be alive. */
export function killAllRunning(): void {
  for (const group of liveGroups) group.signal('SIGKILL');
}

// Whatever ends cutover (an uncaught error, process.exit on a second Ctrl-C),
// no command it started may outlive it. A kill -9 of cutover cannot run this:
// `cutover resume` kills the group recorded beside the attempt instead.
process.on('exit', killAllRunning);

export interface Termination {
  /** SIGKILL was needed because something survived SIGTERM for the grace period. */
  forced: boolean;
  /** Every process of the group is gone (zombies awaiting their reaper count as gone). */
  gone: boolean;
}

export class ProcessGroup {
  private termination: Promise<Termination> | undefined;
  private hurry = false;

  constructor(readonly pgid: number) {
    liveGroups.add(this);
  }

  /** Sends `sig` to the whole group; false when no process of it could be signalled. */
  signal(sig: NodeJS.Signals): boolean {
    try {
      process.kill(-this.pgid, sig);
      return true;
    } catch {
      return false; // ESRCH: group gone; EPERM: only processes we may not signal remain
    }
  }

  isAlive(): boolean {
    try {
      process.kill(-this.pgid, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    }
    return hasLiveMember(this.pgid);
  }

  /** SIGTERM, then SIGKILL after `graceMs` if anything survives. Idempotent: later calls join the first. */
  terminate(graceMs: number): Promise<Termination> {
    this.termination ??= this.runTermination(graceMs);
    return this.termination;
  }

  /** Skips the rest of the grace period (a second cancel, say). */
  killNow(): void {
    this.hurry = true;
    this.signal('SIGKILL');
  }

  /** Forgets the group (its id may be reused by an unrelated process from now on). */
  release(): void {
    liveGroups.delete(this);
  }

  private async runTermination(graceMs: number): Promise<Termination> {
    this.signal('SIGTERM');
    if (await this.waitUntilGone(graceMs)) return { forced: false, gone: true };
    this.signal('SIGKILL');
    return { forced: true, gone: await this.waitUntilGone(AFTER_KILL_WAIT_MS) };
  }

  private async waitUntilGone(ms: number): Promise<boolean> {
    const deadline = performance.now() + ms;
    for (;;) {
      if (!this.isAlive()) return true;
      if (this.hurry || performance.now() >= deadline) return false;
      await delay(POLL_MS);
    }
  }
}

/**
 * Whether a process that is not a zombie is in group `pgid`. kill(-pgid, 0)
 * also succeeds for zombies, and orphans are reaped by PID 1 — which in a
 * container may take seconds — so on Linux ask /proc. Without /proc, trust kill().
 */
function hasLiveMember(pgid: number): boolean {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return true;
  }
  for (const name of entries) {
    const first = name.charCodeAt(0);
    if (first < 0x30 || first > 0x39) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'latin1');
    } catch {
      continue; // exited meanwhile
    }
    // "pid (comm) state ppid pgrp …" — comm may contain spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') return true;
  }
  return false;
}
