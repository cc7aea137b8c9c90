// The preflight's check of a pinned checkout: the checkout a pinned step
// runs in must be at the pinned commit, and clean, before cutover day. One
// `git status --porcelain=v2 --branch` answers both (HEAD and the changes
// to tracked files): one process where it took two, before the first step
// and the screen's first frame. When it cannot answer (not a repository,
// no commit yet, an older git), the two questions are asked as before, so
// every message is the one they give.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

type Problem = { message: string; hint: string };

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 }).trim();

/** HEAD and whether tracked files changed, from `git status --porcelain=v2 --branch`; undefined without a commit. */
export function parseStatusV2(out: string): { head: string; dirty: boolean } | undefined {
  let head: string | undefined;
  let dirty = false;
  for (const line of out.split('\n')) {
    if (line.startsWith('# branch.oid ')) head = line.slice('# branch.oid '.length).trim();
    else if (line !== '' && !line.startsWith('# ')) dirty = true;
  }
  return head !== undefined && /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(head) ? { head, dirty } : undefined;
}

type Status = { state?: { head: string; dirty: boolean }; error?: NodeJS.ErrnoException & { stderr?: string } };

/**
 * A checkout's status read by whoever made it, just before its preflight:
 * `cutover demo` commits its sandbox producer and reads its status in the
 * same shell, on the other core while the run loads, instead of one more git
 * process in the preflight before the first screen. It is handed to that one
 * preflight (Session.start → buildPlan → checkPin) and used only for exactly
 * that directory; any other checkout, and every later preflight, asks git.
 */
export interface KnownStatus {
  dir: string;
  /** The output of `git status` with STATUS_ARGS. */
  output: string;
}

/** The arguments of the status read here (and by whoever hands one in). */
export const STATUS_ARGS = ['--no-optional-locks', 'status', '--porcelain=v2', '--branch', '--no-ahead-behind', '--untracked-files=no'];

function statusV2(cwd: string, known?: KnownStatus): Status {
  const given = known && resolve(known.dir) === resolve(cwd) ? parseStatusV2(known.output) : undefined;
  if (given) return { state: given };
  try {
    return { state: parseStatusV2(git(cwd, ...STATUS_ARGS)) };
  } catch (err) {
    return { error: err as Status['error'] };
  }
}

/** The problem with a checkout pinned to `pin`, once per checkout and pin; a checkout that is not a repository is said once. */
export function checkPin(cwd: string, pin: string, reported: Set<string>, notGit: Set<string>, known?: KnownStatus): Problem | undefined {
  const key = `${cwd}\0${pin}`;
  if (reported.has(key) || notGit.has(cwd)) return undefined;
  reported.add(key);
  const status = statusV2(cwd, known);
  let head = status.state?.head;
  if (head === undefined) {
    try {
      head = git(cwd, 'rev-parse', '--verify', 'HEAD');
    } catch {
      notGit.add(cwd);
      return { message: `${cwd} is not a git checkout, so it cannot be at the pinned commit ${pin}`, hint: 'run the step in the repository checkout (cwd) that the runbook pins' };
    }
  }
  if (head !== pin) return { message: `${cwd} is at ${head}, not at the pinned commit ${pin}`, hint: `check out the pinned commit there: git -C ${cwd} checkout ${pin}` };
  const dirty = { message: `${cwd} has uncommitted changes to tracked files`, hint: 'commit or stash them: a modified checkout is not evidence about the pinned commit' };
  if (status.state) return status.state.dirty ? dirty : undefined;
  // Fail closed, as the run does: unknown is a problem. More output than the buffer holds is a listing of changes.
  let e = status.error;
  if (e?.code !== 'ETIMEDOUT' && e?.code !== 'ENOBUFS') {
    try {
      return git(cwd, '--no-optional-locks', 'status', '--porcelain', '--untracked-files=no') !== '' ? dirty : undefined;
    } catch (err) {
      e = err as Status['error'];
    }
  }
  if (e?.code === 'ENOBUFS') return dirty;
  const why = e?.code === 'ETIMEDOUT' ? 'git status did not finish within 10 s' : `git status failed: ${(String(e?.stderr ?? '').split('\n')[0] ?? '').trim() || e?.message}`;
  return { message: `cannot tell whether ${cwd} has uncommitted changes to tracked files (${why})`, hint: `fix what stops \`git -C ${cwd} status\` there: a pinned step whose tree state is unknown does not pass` };
}
