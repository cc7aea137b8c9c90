// `plan` checks a pinned step's checkout the day before: at the pinned
// commit, and without uncommitted changes to tracked files.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRASH, ensureBuilt, runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'cutover-plan-pin-'));
const repo = join(dir, 'repo');
let head = '';
let base = '';
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  await ensureBuilt();
  execFileSync('mkdir', ['-p', repo]);
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.com', '-c', 'init.defaultBranch=main', ...args], { cwd: repo, encoding: 'utf8' }).trim();
  git('init', '-q');
  writeFileSync(join(repo, 'README'), 'v1\n');
  git('add', 'README');
  git('commit', '-q', '-m', 'v1');
  base = git('rev-parse', 'HEAD');
  git('tag', 'v1');
  writeFileSync(join(repo, 'README'), 'v2\n');
  git('commit', '-q', '-am', 'v2');
  head = git('rev-parse', 'HEAD');
  // The release tags where the pins say (plan checks them in a pinned checkout too).
  git('tag', 'v2');
});

function runbook(pin: string): string {
  const file = join(dir, `rb-${pin.slice(0, 6)}.yaml`);
  writeFileSync(
    file,
    `format: cutover-runbook/v1
id: pin-test
title: Pin test
version: "1"
modes: [rehearsal]
baseline: { release_tag: v1, commit: ${base} }
target: { release_tag: v2, commit: ${pin} }
roles: [{ id: captain, title: Captain, side: joint }]
sections:
  - id: s
    title: Gates
    steps:
      - { id: suite, kind: command, title: Suite, run: [sh, -c, "true"], cwd: ${repo}, pin_commit: "\${target.commit}" }
`,
  );
  return file;
}

describe('plan: pinned checkouts', () => {
  it('passes when the checkout is at the pinned commit and clean', async () => {
    const r = await runCli(['plan', runbook(head)]);
    expect(r.code, r.stdout).toBe(0);
  });

  it('names a checkout at another commit, with the command that fixes it', async () => {
    const other = 'b'.repeat(40);
    const r = await runCli(['plan', runbook(other)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`[suite] ${repo} is at ${head}, not at the pinned commit ${other}`);
    expect(r.stdout).toContain(`git -C ${repo} checkout ${other}`);
    expect(r.stdout + r.stderr).not.toMatch(CRASH);
  });

  it('names a checkout with uncommitted changes', async () => {
    writeFileSync(join(repo, 'README'), 'edited\n');
    try {
      const r = await runCli(['plan', runbook(head)]);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(`[suite] ${repo} has uncommitted changes to tracked files`);
    } finally {
      writeFileSync(join(repo, 'README'), 'v1\n');
    }
  });

  it('names a checkout whose tree state cannot be told (git status fails): unknown is a problem, not a pass', async () => {
    const index = join(repo, '.git', 'index');
    const saved = readFileSync(index);
    writeFileSync(index, 'not an index\n');
    try {
      const r = await runCli(['plan', runbook(head)]);
      expect(r.code, r.stdout).toBe(1);
      expect(r.stdout).toContain(`[suite] cannot tell whether ${repo} has uncommitted changes to tracked files (git status failed: fatal:`);
      expect(r.stdout).toContain(`git -C ${repo} status`);
      expect(r.stdout + r.stderr).not.toMatch(CRASH);
    } finally {
      writeFileSync(index, saved);
    }
  });
});
