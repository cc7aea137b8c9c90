// A command still running when cutover was killed (kill -9, a crash, a lost
// SSH session with no handler) lives on in its own process group. Its pid
// is written beside the attempt's logs; on resume what is left of it is
// killed so no orphan keeps changing the world behind the operator's back.
//
// The pid file is only a number, and a bundle is only files: a pid is
// reused once its process is gone, every pid means something else after a
// reboot, anyone can read a process's start time in /proc, and anyone who
// can write the bundle can write any number there. So nothing is killed on
// what the files say alone. `pid.identity` records the command's start time,
// the boot id and the attempt's CUTOVER_ATTEMPT marker (see
// runner/escapees.ts), and resume kills, on the same boot, only processes
// whose environment carries that marker — a marker that names this
// attempt's directory, which no unrelated process has:
// - the recorded leader, when it is that very process (same start time) and
//   marked: its whole group (members that dropped the marker included);
// - every other marked process: what escaped the group by setsid or a
//   double fork, or is left of a group whose leader is gone.
// Anything else (no identity file, a bare pid from an older cutover, no
// /proc to check against, processes of the command's session without the
// marker) is left alone and reported in the step.interrupted reason, with
// the command to look at it.
import { readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findStragglers, signalStraggler } from '../runner/escapees.js';
import { currentBootId, identityOf, parseIdentity } from '../runner/process-identity.js';

const PID_FILE = 'pid';
const IDENTITY_FILE = 'pid.identity';

/**
 * The prefix of an attempt's CUTOVER_ATTEMPT marker: the real path of its
 * directory. A marker copied from another bundle's pid.identity names that
 * bundle's path, never this one's, so it kills nothing here.
 */
export function attemptMarkerLabel(attemptDir: string): string {
  try {
    return realpathSync(attemptDir);
  } catch {
    return resolve(attemptDir);
  }
}

export function writePidFile(attemptDir: string, pid: number, marker?: string): void {
  const identity = { ...identityOf(pid), ...(marker ? { marker } : {}) };
  // The identity first: a crash between the two leaves no pid to act on.
  writeFileSync(join(attemptDir, IDENTITY_FILE), `${JSON.stringify(identity)}\n`);
  writeFileSync(join(attemptDir, PID_FILE), `${pid}\n`);
}

export function removePidFile(attemptDir: string): void {
  rmSync(join(attemptDir, PID_FILE), { force: true });
  rmSync(join(attemptDir, IDENTITY_FILE), { force: true });
}

export interface LeftoverReport {
  /** Processes (a group counts once) that were killed. */
  killed: number;
  /** What was found but not killed, and why, for the step.interrupted reason. */
  notes: string[];
}

/** Kills what is left of an attempt's command when it can be proven to be the command's (see above); reports what cannot. */
export function killLeftovers(attemptDir: string): LeftoverReport {
  let pidText: string;
  try {
    pidText = readFileSync(join(attemptDir, PID_FILE), 'utf8');
  } catch {
    removePidFile(attemptDir);
    return { killed: 0, notes: [] };
  }
  let identityText = '';
  try {
    identityText = readFileSync(join(attemptDir, IDENTITY_FILE), 'utf8');
  } catch {
    // an older cutover, or written by someone else: no identity
  }
  removePidFile(attemptDir);
  const pid = Number(pidText.trim());
  if (!Number.isInteger(pid) || pid <= 1) return { killed: 0, notes: [`its pid file held no valid pid (${JSON.stringify(pidText.trim().slice(0, 20))}); nothing was killed`] };
  const recorded = parseIdentity(identityText);
  const marker = markerOf(identityText);
  const boot = currentBootId();
  const look = `check \`ps -o pid,pgid,sid,args -s ${pid}\` and stop the command yourself if it still runs`;
  if (!recorded || recorded.pid !== pid || !recorded.started || !recorded.boot_id || !boot) {
    return { killed: 0, notes: [`its pid file names process group ${pid} without an identity that can be checked (${IDENTITY_FILE} missing, not for this pid, or no /proc), so nothing was killed: ${look}`] };
  }
  if (recorded.boot_id !== boot) return { killed: 0, notes: [] }; // recorded before a reboot: nothing of it survived
  let killed = 0;
  const notes: string[] = [];
  const expected = `${attemptMarkerLabel(attemptDir)}/`;
  if (marker && marker.startsWith(expected)) {
    const marked = findStragglers({ marker });
    const leader = marked.find((s) => s.pid === pid && s.started === recorded.started);
    if (leader && signalStraggler(leader, 'SIGKILL')) {
      try {
        process.kill(-pid, 'SIGKILL'); // the proven leader's group: members that dropped the marker too
      } catch {
        // gone this instant
      }
      killed++;
    }
    for (const s of marked) if (s !== leader && signalStraggler(s, 'SIGKILL')) killed++;
  } else {
    notes.push(marker ? `its ${IDENTITY_FILE} names the marker of another attempt (${JSON.stringify(marker.slice(0, 80))}), so nothing was killed` : `its ${IDENTITY_FILE} has no CUTOVER_ATTEMPT marker (an older cutover), so nothing was killed`);
  }
  // Left in the command's session, but neither its leader nor marked (env -i, a pid since reused): reported only.
  const unproven = killed === 0 ? findStragglers({ session: pid }) : [];
  if (unproven.length) {
    notes.push(`process${unproven.length === 1 ? '' : 'es'} ${unproven.map((s) => `${s.pid} (${s.name})`).join(', ')} in session ${pid} could not be proven to be the command's (no matching start time or marker), so ${unproven.length === 1 ? 'it was' : 'they were'} not killed: ${look}`);
  }
  return { killed, notes };
}

function markerOf(identityText: string): string | undefined {
  try {
    const v = JSON.parse(identityText) as { marker?: unknown };
    return typeof v.marker === 'string' && v.marker !== '' ? v.marker : undefined;
  } catch {
    return undefined;
  }
}
