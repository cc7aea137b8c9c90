// The preflight's pinned-checkout check reads HEAD and the tracked files'
// state with one `git status --porcelain=v2 --branch`; where that says
// nothing usable it asks the two questions as before, with their messages.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPin, parseStatusV2, STATUS_ARGS, type KnownStatus } from '../../src/runbook/pin-checkout.js';

const dir = mkdtempSync(join(tmpdir(), 'cutover-pin-checkout-'));
const repo = join(dir, 'repo');
const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.com', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' }).trim();
let head = '';
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(() => {
  mkdirSync(repo);
  git(repo, 'init', '-q');
  writeFileSync(join(repo, 'README'), 'v1\n');
  git(repo, 'add', 'README');
  git(repo, 'commit', '-q', '-m', 'v1');
  head = git(repo, 'rev-parse', 'HEAD');
});

const check = (cwd: string, pin: string) => checkPin(cwd, pin, new Set(), new Set());

describe('parseStatusV2', () => {
  it('reads the HEAD commit and whether a tracked file changed', () => {
    const sha = 'a'.repeat(40);
    expect(parseStatusV2(`# branch.oid ${sha}\n# branch.head main\n`)).toEqual({ head: sha, dirty: false });
    expect(parseStatusV2(`# branch.oid ${sha}\n# branch.head (detached)\n1 .M N... 100644 100644 100644 ${sha} ${sha} README\n`)).toEqual({ head: sha, dirty: true });
    expect(parseStatusV2(`# branch.oid ${sha}\nu UU N... 100644 100644 100644 100644 ${sha} ${sha} ${sha} a\n`)?.dirty).toBe(true);
  });

  it('says nothing for a repository without a commit', () => {
    expect(parseStatusV2('# branch.oid (initial)\n# branch.head main\n')).toBeUndefined();
    expect(parseStatusV2('')).toBeUndefined();
  });
});

describe('checkPin', () => {
  it('passes a clean checkout at the pinned commit', () => {
    expect(check(repo, head)).toBeUndefined();
  });

  it('names another commit, then uncommitted changes, as before', () => {
    const other = 'b'.repeat(40);
    expect(check(repo, other)?.message).toBe(`${repo} is at ${head}, not at the pinned commit ${other}`);
    writeFileSync(join(repo, 'README'), 'edited\n');
    try {
      expect(check(repo, head)?.message).toBe(`${repo} has uncommitted changes to tracked files`);
    } finally {
      writeFileSync(join(repo, 'README'), 'v1\n');
    }
    // An untracked file is not a change to tracked files.
    writeFileSync(join(repo, 'new-file'), 'x\n');
    try {
      expect(check(repo, head)).toBeUndefined();
    } finally {
      rmSync(join(repo, 'new-file'));
    }
  });

  it('says a directory is not a git checkout, once', () => {
    const plain = join(dir, 'plain');
    mkdirSync(plain);
    const notGit = new Set<string>();
    expect(checkPin(plain, head, new Set(), notGit)?.message).toBe(`${plain} is not a git checkout, so it cannot be at the pinned commit ${head}`);
    expect(checkPin(plain, 'c'.repeat(40), new Set(), notGit)).toBeUndefined();
  });

  it('says a repository without a commit is not at the pin (as rev-parse HEAD says)', () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    git(empty, 'init', '-q');
    expect(check(empty, head)?.message).toBe(`${empty} is not a git checkout, so it cannot be at the pinned commit ${head}`);
  });

  it('uses a status handed in by whoever made the checkout (cutover demo) for exactly that directory', () => {
    // The status says HEAD is another commit: believed for the directory it was read in (however the path is written)...
    const other = 'd'.repeat(40);
    const known: KnownStatus = { dir: join(repo, '.'), output: `# branch.oid ${other}\n# branch.head main\n` };
    const withKnown = (cwd: string) => checkPin(cwd, head, new Set(), new Set(), known);
    expect(withKnown(join(dir, 'repo'))?.message).toBe(`${join(dir, 'repo')} is at ${other}, not at the pinned commit ${head}`);
    // ...not for another checkout, which git is asked about.
    const second = join(dir, 'second');
    mkdirSync(second);
    git(second, 'init', '-q');
    writeFileSync(join(second, 'f'), 'x\n');
    git(second, 'add', 'f');
    git(second, 'commit', '-q', '-m', 'f');
    const secondHead = git(second, 'rev-parse', 'HEAD');
    expect(checkPin(second, secondHead, new Set(), new Set(), known)).toBeUndefined();
    // A status that says nothing usable is not believed: git is asked.
    expect(checkPin(repo, head, new Set(), new Set(), { dir: repo, output: '# branch.oid (initial)\n' })).toBeUndefined();
    // What the demo's chain runs is what the check runs: the same answer on a real checkout.
    expect(parseStatusV2(git(repo, ...STATUS_ARGS))).toEqual({ head, dirty: false });
  });
});
