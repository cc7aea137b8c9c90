// M4, M3 and C6 in the runner: a single-stream command's combined.log is a
// hard link to its stream file (same inode), the copy fallback still works
// across file systems, and a capture file that cannot be written — a real
// ENOSPC from /dev/full, a real EFBIG from `ulimit -f` — makes runCommand
// throw an EvidenceWriteError naming the file, after the command's process
// group is gone, never a hang and never a poisoned combined view.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EvidenceWriteError, runCommand, type CaptureFiles } from '../../src/runner/index.js';
import { bigOutput, logSteps } from './fixtures.js';
import { cutoverArgv, cutoverShell, run, shell, STACK, tempDir } from './helpers.js';

function filesIn(dir: string): CaptureFiles {
  return { stdout: join(dir, 'stdout.log'), stderr: join(dir, 'stderr.log'), combined: join(dir, 'combined.log') };
}

function groupAlive(pgid: number): boolean {
  const out = execFileSync('ps', ['-eo', 'pgid=,stat='], { encoding: 'utf8' });
  return out.split('\n').some((l) => {
    const [g, stat] = l.trim().split(/\s+/);
    return Number(g) === pgid && !stat?.startsWith('Z');
  });
}

const groups: number[] = [];
afterEach(() => {
  for (const g of groups.splice(0)) {
    try {
      process.kill(-g, 'SIGKILL');
    } catch {
      // gone, as it should be
    }
  }
});

describe('combined.log of a single-stream command', () => {
  it('is a hard link to stdout.log (same inode), with no temp file left', async () => {
    const dir = tempDir();
    const files = filesIn(dir);
    const r = await runCommand({ shellCommand: 'echo one; echo two', cwd: dir }, files, { secrets: [] });
    expect(statSync(files.combined).ino).toBe(statSync(files.stdout).ino);
    expect(statSync(files.stdout).nlink).toBe(2);
    expect(r.combined).toEqual(r.stdout);
    expect(readFileSync(files.combined, 'utf8')).toBe('one\ntwo\n');
    expect(readdirSync(dir).sort()).toEqual(['combined.log', 'stderr.log', 'stdout.log']);
  });

  it('is a hard link to stderr.log when only stderr was written', async () => {
    const dir = tempDir();
    const files = filesIn(dir);
    const r = await runCommand({ shellCommand: 'echo oops >&2', cwd: dir }, files, { secrets: [] });
    expect(statSync(files.combined).ino).toBe(statSync(files.stderr).ino);
    expect(r.combined).toEqual(r.stderr);
  });

  it('is its own file when both streams wrote', async () => {
    const dir = tempDir();
    const files = filesIn(dir);
    // Each line is written once the capture has taken the one before (seen in its stream's file): the order is the command's, not the scheduler's.
    const seen = (file: string, text: string) => `until grep -q ${text} '${file}'; do sleep 0.01; done`;
    await runCommand({ shellCommand: `echo out; ${seen(files.stdout, 'out')}; echo err >&2; ${seen(files.stderr, 'err')}; echo out2`, cwd: dir }, files, { secrets: [] });
    const inodes = new Set([files.stdout, files.stderr, files.combined].map((f) => statSync(f).ino));
    expect(inodes.size).toBe(3);
    expect(readFileSync(files.combined, 'utf8')).toBe('out\nerr\nout2\n');
  });

  it('falls back to a copy across file systems (link fails with EXDEV)', async (ctx) => {
    if (!existsSync('/dev/shm') || statSync('/dev/shm').dev === statSync(tempDir()).dev) ctx.skip();
    const dir = tempDir();
    const shm = mkdtempSync('/dev/shm/cutover-durability-');
    try {
      const files = { ...filesIn(dir), combined: join(shm, 'combined.log') };
      const r = await runCommand({ shellCommand: 'echo across', cwd: dir }, files, { secrets: [] });
      expect(readFileSync(files.combined, 'utf8')).toBe('across\n');
      expect(statSync(files.combined).ino).not.toBe(statSync(files.stdout).ino);
      expect(r.combined).toEqual(r.stdout);
      expect(readdirSync(shm)).toEqual(['combined.log']);
    } finally {
      rmSync(shm, { recursive: true, force: true });
    }
  });

  it('in a bundle: stdout-only step shares the inode, sha256sum -c and cutover verify pass', async () => {
    const dir = tempDir();
    const fx = logSteps(dir);
    const evidence = join(dir, 'evidence');
    const r = await run(cutoverArgv(['run', fx.runbook, '--plain', '--answers', fx.answers, '--evidence-dir', evidence, '--operator', 'Olga Operator']), { cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const bundle = join(evidence, readdirSync(evidence)[0]!);
    const only = join(bundle, 'steps/outonly/attempt-1');
    expect(statSync(join(only, 'combined.log')).ino).toBe(statSync(join(only, 'stdout.log')).ino);
    const both = join(bundle, 'steps/both/attempt-1');
    expect(statSync(join(both, 'combined.log')).ino).not.toBe(statSync(join(both, 'stdout.log')).ino);
    const sums = await shell('sha256sum -c --strict SHA256SUMS', { cwd: bundle });
    expect(sums.code, sums.stdout + sums.stderr).toBe(0);
    expect(sums.stdout).toContain('steps/outonly/attempt-1/combined.log: OK');
    const verified = await run(cutoverArgv(['verify', bundle]));
    expect(verified.code, verified.stdout).toBe(0);
  });
});

describe('evidence that cannot be written', () => {
  it('ENOSPC on stdout.log (/dev/full): EvidenceWriteError naming the file, after the group is gone', async () => {
    const dir = tempDir();
    const files = filesIn(dir);
    symlinkSync('/dev/full', files.stdout);
    let pid = 0;
    const error = await runCommand({ shellCommand: 'sleep 1000 & while :; do echo data; sleep 0.01; done', cwd: dir, killGraceMs: 500 }, files, {
      secrets: [],
      onStart: (info) => {
        pid = info.pid;
        groups.push(pid);
      },
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EvidenceWriteError);
    expect(error).toMatchObject({ name: 'EvidenceWriteError', path: files.stdout, code: 'ENOSPC' });
    expect((error as Error).message).toContain(files.stdout);
    expect(pid).toBeGreaterThan(0);
    expect(groupAlive(pid)).toBe(false); // the sleeper in the background too
  });

  it('a failed switch of combined.log to both streams fails both streams with EvidenceWriteError, no hang', async () => {
    const dir = tempDir();
    const files = filesIn(dir);
    // The placeholder (0 bytes) can be written to /dev/full; copying the first stream's bytes into it cannot.
    symlinkSync('/dev/full', files.combined);
    let pid = 0;
    const error = await runCommand(
      { shellCommand: 'echo first; sleep 0.2; echo second >&2; sleep 0.2; echo third; echo fourth >&2; sleep 1000', cwd: dir, killGraceMs: 500 },
      files,
      {
        secrets: [],
        onStart: (info) => {
          pid = info.pid;
          groups.push(pid);
        },
      },
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EvidenceWriteError);
    expect(error).toMatchObject({ path: files.combined });
    expect(groupAlive(pid)).toBe(false);
    // The stream files are intact as far as they got: on a busy machine "third" can be
    // written before the failed switch is handled, never anything out of order.
    expect(['first\n', 'first\nthird\n']).toContain(readFileSync(files.stdout, 'utf8'));
  });

  it('a file size limit (EFBIG) during `cutover run`: exit 3, the file named, no stack; resume finishes the run', async () => {
    const dir = tempDir();
    const fx = bigOutput(dir, 1024 * 1024);
    const evidence = join(dir, 'evidence');
    // bash counts `ulimit -f` in 1024-byte blocks: 256 KiB is plenty for the journal and the runbook copy.
    const cmd = cutoverShell(['run', fx.runbook, '--plain', '--answers', fx.answers, '--evidence-dir', evidence, '--operator', 'Olga Operator']);
    const r = await run(['/bin/bash', '-c', `ulimit -f 256 && exec ${cmd}`], { cwd: dir, env: { TSX_DISABLE_CACHE: '1' } });
    expect(r.code, r.stdout + r.stderr).toBe(3);
    expect(r.stderr).not.toMatch(STACK);
    expect(r.stderr).not.toContain('internal error');
    const bundle = join(evidence, readdirSync(evidence)[0]!);
    expect(r.stderr).toContain(`cannot write ${join(bundle, 'steps/big/attempt-1/stdout.log')}: file too large`);
    expect(r.stderr).toContain(`cutover resume ${bundle}`);
    expect(existsSync(join(bundle, '.lock'))).toBe(false);

    const resumed = await run(cutoverArgv(['resume', bundle, '--plain', '--answers', fx.answers]), { cwd: dir });
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    const verified = await run(cutoverArgv(['verify', bundle]));
    expect(verified.code, verified.stdout).toBe(0);
  });
});
