// The sandbox producer's "last approved release" for the rollback rehearsal:
// the producer exactly as the package ships it, before a scenario broke it,
// committed into the sandbox repository as the branch `last-good` without
// touching its working tree (a temporary index over the package's pristine
// files). The rollback runbook checks that commit out and runs its
// reversal evidence on it. Same files, same fixed identity and date: the
// same commit every time.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { devNull, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { InputError } from '../shared/errors.js';

const run = promisify(execFile);

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'cutover demo',
  GIT_AUTHOR_EMAIL: 'demo@cutover.invalid',
  GIT_COMMITTER_NAME: 'cutover demo',
  GIT_COMMITTER_EMAIL: 'demo@cutover.invalid',
  GIT_AUTHOR_DATE: '2026-02-01T12:00:00Z',
  GIT_COMMITTER_DATE: '2026-02-01T12:00:00Z',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: devNull,
};

/** Commits `pristineDir` (the package's workspace/producer) into the repository at `producerRoot` as branch last-good; returns its sha. */
export async function commitLastGood(producerRoot: string, pristineDir: string): Promise<string> {
  const scratch = await mkdtemp(join(tmpdir(), 'cutover-last-good-'));
  const env = { ...process.env, ...GIT_ENV, GIT_INDEX_FILE: join(scratch, 'index') };
  const git = async (...args: string[]) => (await run('git', ['-c', 'core.autocrlf=false', ...args], { cwd: producerRoot, env })).stdout.trim();
  try {
    await git(`--work-tree=${pristineDir}`, 'add', '-A', '.');
    const tree = await git('write-tree');
    const commit = await git('commit-tree', tree, '-m', 'sandbox producer at its last approved release (the rollback target)');
    await git('update-ref', 'refs/heads/last-good', commit);
    return commit;
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    throw new InputError(`could not record the sandbox producer's last good release in ${producerRoot}: ${e.stderr?.trim() || e.message}`, 'check that git works here (see `git --version`)');
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
