// The commit a command ran against: evidence that a gate was green on the
// target commit (DESIGN §6.6). Read with the command's own environment so a
// GIT_DIR in it is honoured the same way the command sees it.
//
// Fail closed: whatever stops git from answering (an error, a timeout, git
// missing) is recorded as unknown *with its reason* (`error`), and the fold
// never counts an unknown as a clean checkout of the pinned commit.

import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const OBJECT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const HEAD_TIMEOUT_MS = 10_000;
const STATUS_TIMEOUT_MS = 30_000;

export interface GitState {
  /** HEAD of the work tree containing cwd; null: not a work tree, no commit yet, or unreadable (see error). */
  head: string | null;
  /** With checkClean and a HEAD: tracked files differ from HEAD; null: could not be told (see error). */
  dirty?: boolean | null;
  /** Why HEAD or the tree state could not be read (not set for "not a git checkout"). */
  error?: string;
}

/** HEAD (and with `checkClean`, whether tracked files are modified) of the work tree containing `cwd`. */
export async function readGitState(cwd: string, env: NodeJS.ProcessEnv, checkClean: boolean): Promise<GitState> {
  const head = await readGitHead(cwd, env);
  if (!checkClean || head.head === null) return head;
  const status = await readGitDirty(cwd, env);
  return 'error' in status ? { head: head.head, dirty: null, error: status.error } : { head: head.head, dirty: status.dirty };
}

async function readGitHead(cwd: string, env: NodeJS.ProcessEnv): Promise<GitState> {
  try {
    const { stdout } = await run('git', ['rev-parse', '--is-inside-work-tree', '--verify', 'HEAD'], {
      cwd,
      env,
      timeout: HEAD_TIMEOUT_MS,
      maxBuffer: 64 * 1024,
    });
    const [inside, head] = stdout.trim().split('\n');
    if (inside === 'true' && head !== undefined && OBJECT_ID.test(head)) return { head };
    return inside === 'true' ? { head: null, error: `git rev-parse printed no commit id for HEAD: ${firstLine(stdout)}` } : { head: null };
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { killed?: boolean; signal?: string | null; stderr?: string };
    if (e.code === 'ENOENT') return { head: null, error: 'git is not installed (not on PATH)' };
    if (e.killed || e.signal) return { head: null, error: `git rev-parse did not answer within ${HEAD_TIMEOUT_MS / 1000} s` };
    const stderr = String(e.stderr ?? '');
    // Not a work tree, or a repository without a commit yet: no HEAD, and nothing unknown about it.
    if (/not a git repository|unknown revision|ambiguous argument 'HEAD'|Needed a single revision/i.test(stderr)) return { head: null };
    return { head: null, error: `git rev-parse failed: ${firstLine(stderr) || e.message}` };
  }
}

/**
 * Whether tracked files in the work tree differ from HEAD (untracked files
 * do not count): a green gate on a modified checkout is not evidence about
 * the pinned commit. The output is never buffered: its first byte names a
 * modified file, which is the answer (so no listing is too long to tell).
 * `--no-optional-locks`: the check never takes the index lock the command
 * may need. An error, a timeout or git missing: unknown, with the reason.
 */
function readGitDirty(cwd: string, env: NodeJS.ProcessEnv): Promise<{ dirty: boolean } | { error: string }> {
  return new Promise((resolve) => {
    let done = false;
    let stderr = '';
    const finish = (answer: { dirty: boolean } | { error: string }, kill?: NodeJS.Signals): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (kill) child.kill(kill);
      resolve(answer);
    };
    const child = spawn('git', ['--no-optional-locks', 'status', '--porcelain', '--untracked-files=no'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => finish({ error: `git status did not finish within ${STATUS_TIMEOUT_MS / 1000} s` }, 'SIGKILL'), STATUS_TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.length > 0) finish({ dirty: true }, 'SIGTERM');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 4096) stderr += chunk.toString('utf8');
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      finish({ error: err.code === 'ENOENT' ? 'git is not installed (not on PATH)' : `git status could not run: ${err.message}` });
    });
    child.on('close', (code, signal) => {
      if (code === 0) finish({ dirty: false });
      else finish({ error: `git status failed (${signal ? `signal ${signal}` : `exit ${code}`})${firstLine(stderr) ? `: ${firstLine(stderr)}` : ''}` });
    });
  });
}

function firstLine(text: string): string {
  return (text.split('\n').find((l) => l.trim() !== '') ?? '').trim().slice(0, 300);
}
