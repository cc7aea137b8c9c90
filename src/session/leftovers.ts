// A command still running when cutover was killed (kill -9, a crash, a lost
// SSH session with no handler) lives on in its own process group. Its pid
// is written beside the attempt's logs; on resume the group is killed so no
// orphan keeps changing the world behind the operator's back.
//
// A pid is reused once its process is gone, and every pid means something
// else after a reboot. So beside `pid` (the bare number, as before) the
// command's start time and the boot id go to `pid.identity`, and the group
// is killed only when it can still be the command's own:
// - recorded on another boot: nothing of it survived the reboot;
// - the leader exists with another start time: the pid was reused (Linux
//   does not hand out a pid while a process group of that id has members,
//   so the command's group is gone too);
// - the leader exists with the same start time, or is gone while members of
//   its group remain: the group is the command's.
// Without /proc (or an identity file from an older cutover) the group is
// killed as recorded, as before.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { currentBootId, identityOf, parseIdentity } from '../runner/process-identity.js';

const PID_FILE = 'pid';
const IDENTITY_FILE = 'pid.identity';

export function writePidFile(attemptDir: string, pid: number): void {
  const identity = identityOf(pid);
  // The identity first: a crash between the two leaves no pid to act on.
  if (identity.started || identity.boot_id) writeFileSync(join(attemptDir, IDENTITY_FILE), `${JSON.stringify(identity)}\n`);
  writeFileSync(join(attemptDir, PID_FILE), `${pid}\n`);
}

export function removePidFile(attemptDir: string): void {
  rmSync(join(attemptDir, PID_FILE), { force: true });
  rmSync(join(attemptDir, IDENTITY_FILE), { force: true });
}

/** Kills the recorded process group if it still exists and is still the command's; true when something was killed. */
export function killLeftoverGroup(attemptDir: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(join(attemptDir, PID_FILE), 'utf8').trim());
  } catch {
    removePidFile(attemptDir);
    return false;
  }
  let recorded: ReturnType<typeof parseIdentity>;
  try {
    recorded = parseIdentity(readFileSync(join(attemptDir, IDENTITY_FILE), 'utf8'));
  } catch {
    recorded = undefined;
  }
  removePidFile(attemptDir);
  if (!Number.isInteger(pid) || pid <= 1) return false;
  if (recorded && recorded.pid === pid && !stillTheCommandsGroup(pid, recorded)) return false;
  try {
    process.kill(-pid, 'SIGKILL');
    return true;
  } catch {
    return false;
  }
}

function stillTheCommandsGroup(pid: number, recorded: { started?: string; boot_id?: string }): boolean {
  const boot = currentBootId();
  if (recorded.boot_id && boot && recorded.boot_id !== boot) return false;
  if (!recorded.started) return true;
  const now = identityOf(pid);
  // The leader is gone (or /proc cannot tell): what is left of group `pid`
  // can only be the command's, since its id is not reused while it has members.
  if (!now.started) return true;
  return now.started === recorded.started;
}
