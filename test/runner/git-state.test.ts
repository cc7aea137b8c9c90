// The tree state of a pinned step's checkout is read fail-closed: whatever
// stops `git status` from answering (an error, a listing too long to buffer,
// git missing) is recorded as unknown with its reason, never as clean. Real
// repositories, real git.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../src/runner/index.js';
import { captureFiles, useTempDirs } from './helpers.js';

const tempDir = useTempDirs();

function gitIn(repo: string): (...args: string[]) => string {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_')));
  return (...args) =>
    execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.com', '-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', ...args], {
      cwd: repo,
      env,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    }).trim();
}

async function repoWithCommit(files: Record<string, string> = { README: 'v1\n' }): Promise<{ repo: string; head: string; git: (...args: string[]) => string }> {
  const repo = await tempDir();
  const git = gitIn(repo);
  git('init', '-q');
  for (const [name, text] of Object.entries(files)) writeFileSync(join(repo, name), text);
  git('add', '-A');
  git('commit', '-q', '-m', 'v1');
  return { repo, head: git('rev-parse', 'HEAD'), git };
}

async function pinnedRun(repo: string, env: Record<string, string> = {}) {
  const out = await tempDir();
  return runCommand({ argv: ['true'], cwd: repo, checkTreeClean: true, env }, captureFiles(out), { secrets: [] });
}

describe('runCommand: the tree state of a pinned checkout', () => {
  it('records a clean checkout as git_dirty false, and a modified one as true', async () => {
    const { repo, head } = await repoWithCommit();
    expect(await pinnedRun(repo)).toMatchObject({ gitHead: head, gitDirty: false });
    writeFileSync(join(repo, 'README'), 'edited\n');
    const dirty = await pinnedRun(repo);
    expect(dirty).toMatchObject({ gitHead: head, gitDirty: true });
    expect(dirty.gitError).toBeUndefined();
  });

  it('records unknown (null) with the reason when `git status` fails, though HEAD reads fine', async () => {
    const { repo, head } = await repoWithCommit();
    writeFileSync(join(repo, '.git', 'index'), 'not an index\n'); // rev-parse never reads the index
    const result = await pinnedRun(repo);
    expect(result.gitHead).toBe(head);
    expect(result.gitDirty).toBeNull();
    expect(result.gitError).toMatch(/^git status failed \(exit 128\): fatal: .*index/);
  });

  it('a listing of changes longer than any buffer is dirty, not unknown', async () => {
    // Control characters in a path are printed as \ooo: ~3.8 KB of path
    // becomes ~15 KB of `git status` output per file, so 1200 modified files
    // list ~18 MB (more than the 16 MiB a buffered read used to accept).
    const { repo, head, git } = await repoWithCommit();
    const deep = join(repo, ...Array.from({ length: 15 }, (_, i) => `${String.fromCharCode(1).repeat(240)}${i}`));
    mkdirSync(deep, { recursive: true });
    const names = Array.from({ length: 1200 }, (_, i) => join(deep, `f${i}`));
    for (const name of names) writeFileSync(name, 'v1\n');
    git('add', '-A');
    git('commit', '-q', '-m', 'deep');
    for (const name of names) writeFileSync(name, 'edited\n');
    expect(git('--no-optional-locks', 'status', '--porcelain', '--untracked-files=no').length).toBeGreaterThan(16 * 1024 * 1024);
    const result = await pinnedRun(repo);
    expect(result.gitHead).not.toBe(head);
    expect(result.gitDirty).toBe(true);
  });

  it('records why HEAD is unknown when git itself is missing', async () => {
    const { repo } = await repoWithCommit();
    const result = await pinnedRun(repo, { PATH: await tempDir() });
    expect(result).toMatchObject({ gitHead: null, gitError: 'git is not installed (not on PATH)' });
    expect(result.gitDirty).toBeUndefined();
  });
});
