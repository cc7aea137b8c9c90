// The commit a command ran against: evidence that a gate was green on the
// target commit (DESIGN §6.6). Read with the command's own environment so a
// GIT_DIR in it is honoured the same way the command sees it.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const OBJECT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** HEAD of the work tree containing `cwd`, or null (not a work tree, no commit yet, git missing). */
export async function readGitHead(cwd: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  try {
    const { stdout } = await run('git', ['rev-parse', '--is-inside-work-tree', '--verify', 'HEAD'], {
      cwd,
      env,
      timeout: 10_000,
      maxBuffer: 64 * 1024,
    });
    const [inside, head] = stdout.trim().split('\n');
    return inside === 'true' && head !== undefined && OBJECT_ID.test(head) ? head : null;
  } catch {
    return null;
  }
}

/**
 * Whether tracked files in the work tree differ from HEAD (untracked files
 * do not count): a green gate on a modified checkout is not evidence about
 * the pinned commit. Null when it cannot be told.
 */
export async function readGitDirty(cwd: string, env: NodeJS.ProcessEnv): Promise<boolean | null> {
  try {
    const { stdout } = await run('git', ['status', '--porcelain', '--untracked-files=no'], { cwd, env, timeout: 30_000, maxBuffer: 16 * 1024 * 1024 });
    return stdout.trim() !== '';
  } catch {
    return null;
  }
}
