// Processes a command started that left its process group: a `setsid`, a
// double-forked daemon, a shell job put in a group of its own. A signal to
// the group no longer reaches them, so after the group is gone the runner
// looks for them on Linux by two marks:
// - the session: the command leads a new session (it is spawned detached),
//   and a process that left only its group keeps that session id;
// - the environment: every command gets CUTOVER_ATTEMPT=<marker>, unique to
//   the attempt, which its descendants inherit through setsid and double
//   forks alike (/proc/<pid>/environ, readable for the user's own processes).
// What is found is stopped (SIGTERM, then SIGKILL), each signal sent only
// after the process's start time was read again (a pid reused meanwhile is
// spared), and the evidence says so. A process that both calls setsid and
// drops its environment (env -i), or runs as another user, is not seen;
// without /proc nothing is scanned.

import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

export const MARKER_ENV = 'CUTOVER_ATTEMPT';
const POLL_MS = 20;
const AFTER_KILL_WAIT_MS = 1000;
/** Rounds of scan-and-stop: a straggler may fork once more before its signal lands. */
const ROUNDS = 3;

export interface Straggler {
  pid: number;
  /** Start time, clock ticks since boot (/proc/<pid>/stat field 22). */
  started: string;
  /** The process name (comm), printable characters only. */
  name: string;
  pgid: number;
}

interface Stat {
  state: string;
  pgid: number;
  sid: number;
  started: string;
  name: string;
}

function readStat(pid: number): Stat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  const close = text.lastIndexOf(')');
  const f = text.slice(close + 2).split(' ');
  const name = text.slice(text.indexOf('(') + 1, close).replace(/[^\x20-\x7e]/g, '?');
  if (!f[0] || !f[19]) return undefined;
  return { state: f[0], pgid: Number(f[2]), sid: Number(f[3]), started: f[19], name };
}

function hasMarker(pid: number, entry: Buffer): boolean {
  let env: Buffer;
  try {
    env = readFileSync(`/proc/${pid}/environ`);
  } catch {
    return false; // another user's process, or gone
  }
  for (let at = env.indexOf(entry); at !== -1; at = env.indexOf(entry, at + 1)) {
    const end = at + entry.length;
    if ((at === 0 || env[at - 1] === 0) && (end === env.length || env[end] === 0)) return true;
  }
  return false;
}

/**
 * Live processes (never this one) that carry `marker` in their environment,
 * or belong to session `session` and started no earlier than `notBefore`.
 * Empty without /proc.
 */
export function findStragglers(opts: { marker?: string; session?: number; notBefore?: string }): Straggler[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  const entry = opts.marker ? Buffer.from(`${MARKER_ENV}=${opts.marker}`) : undefined;
  const found: Straggler[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid || pid <= 1) continue;
    const stat = readStat(pid);
    if (!stat || stat.state === 'Z' || stat.state === 'X') continue;
    const inSession = opts.session !== undefined && stat.sid === opts.session && (opts.notBefore === undefined || BigInt(stat.started) >= BigInt(opts.notBefore));
    if (inSession || (entry && hasMarker(pid, entry))) found.push({ pid, started: stat.started, name: stat.name, pgid: stat.pgid });
  }
  return found;
}

/** Whether the process is still the one found (same start time, not a zombie). */
function stillThere(s: Straggler): boolean {
  const now = readStat(s.pid);
  return now !== undefined && now.started === s.started && now.state !== 'Z' && now.state !== 'X';
}

/** Signals the process if it is still the one found; a group it leads is signalled with it. */
export function signalStraggler(s: Straggler, sig: NodeJS.Signals): boolean {
  if (!stillThere(s)) return false;
  try {
    process.kill(s.pid, sig);
  } catch {
    return false;
  }
  // A straggler that made its own group (setsid) may have children that dropped the marker.
  if (s.pgid === s.pid && s.pgid !== process.pid) {
    try {
      process.kill(-s.pgid, sig);
    } catch {
      // gone, or only processes we may not signal remain
    }
  }
  return true;
}

async function waitGone(list: Straggler[], ms: number): Promise<Straggler[]> {
  const deadline = performance.now() + ms;
  for (;;) {
    const left = list.filter(stillThere);
    if (left.length === 0 || performance.now() >= deadline) return left;
    await delay(POLL_MS);
  }
}

export interface StragglerReport {
  /** Every process found and signalled, in the order found. */
  found: Straggler[];
  /** Some survived SIGTERM for the grace period and got SIGKILL. */
  forced: boolean;
  /** Still running after SIGKILL (another user's, or stuck in the kernel). */
  survivors: Straggler[];
}

/** Finds the attempt's stragglers and stops them: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopStragglers(opts: { marker?: string; session?: number; notBefore?: string }, graceMs: number): Promise<StragglerReport> {
  const report: StragglerReport = { found: [], forced: false, survivors: [] };
  const seen = new Set<string>();
  for (let round = 0; round < ROUNDS; round++) {
    const fresh = findStragglers(opts).filter((s) => !seen.has(`${s.pid}/${s.started}`));
    if (fresh.length === 0) break;
    for (const s of fresh) seen.add(`${s.pid}/${s.started}`);
    report.found.push(...fresh);
    for (const s of fresh) signalStraggler(s, 'SIGTERM');
    let left = await waitGone(fresh, graceMs);
    if (left.length) {
      report.forced = true;
      for (const s of left) signalStraggler(s, 'SIGKILL');
      left = await waitGone(left, AFTER_KILL_WAIT_MS);
      report.survivors.push(...left);
    }
  }
  return report;
}

/** The warning the evidence carries about stragglers, or undefined when there were none. */
export function describeStragglers(report: StragglerReport, graceMs: number, mask: (text: string) => string = (t) => t): string | undefined {
  if (report.found.length === 0) return undefined;
  const list = (xs: Straggler[]) => xs.map((s) => `pid ${s.pid} (${mask(s.name)})`).join(', ');
  const n = report.found.length;
  const parts = [
    `${n} process${n === 1 ? '' : 'es'} that left the command's process group (setsid, a double fork or a group of their own) ${n === 1 ? 'was' : 'were'} still running after it ended: ${list(report.found)}`,
    report.forced ? `stopped; some ignored SIGTERM for ${graceMs} ms and were killed (SIGKILL)` : 'stopped with SIGTERM',
  ];
  if (report.survivors.length) parts.push(`still running after SIGKILL: ${list(report.survivors)}`);
  return parts.join('; ');
}
