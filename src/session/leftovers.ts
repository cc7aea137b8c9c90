// A command still running when cutover was killed (kill -9, a crash, a lost
// SSH session with no handler) lives on in its own process group. Its pid
// is written beside the attempt's logs; on resume the group is killed so no
// orphan keeps changing the world behind the operator's back.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const PID_FILE = 'pid';

export function writePidFile(attemptDir: string, pid: number): void {
  writeFileSync(join(attemptDir, PID_FILE), `${pid}\n`);
}

export function removePidFile(attemptDir: string): void {
  rmSync(join(attemptDir, PID_FILE), { force: true });
}

/** Kills the recorded process group if it still exists; true when something was killed. */
export function killLeftoverGroup(attemptDir: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(join(attemptDir, PID_FILE), 'utf8').trim());
  } catch {
    return false;
  }
  removePidFile(attemptDir);
  if (!Number.isInteger(pid) || pid <= 1) return false;
  try {
    process.kill(-pid, 'SIGKILL');
    return true;
  } catch {
    return false;
  }
}
