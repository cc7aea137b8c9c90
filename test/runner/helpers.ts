// Shared test scaffolding for the runner: temp dirs that clean themselves
// up, capture file paths, node child scripts, and an independent (ps-based)
// view of which processes are alive.

import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterEach, vi } from 'vitest';
import type { CaptureFiles } from '../../src/runner/index.js';

/** Returns a factory of temp dirs removed after each test. */
export function useTempDirs(): () => Promise<string> {
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });
  return async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cutover-runner-'));
    dirs.push(dir);
    return dir;
  };
}

export function captureFiles(dir: string, name = 'attempt'): CaptureFiles {
  return {
    stdout: join(dir, `${name}.stdout.log`),
    stderr: join(dir, `${name}.stderr.log`),
    combined: join(dir, `${name}.combined.log`),
  };
}

/** argv running `script` with this Node (CommonJS, so `require` works). */
export function node(script: string): string[] {
  return [process.execPath, '-e', script];
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export async function readCapture(files: CaptureFiles): Promise<Record<'stdout' | 'stderr' | 'combined', Buffer>> {
  const [stdout, stderr, combined] = await Promise.all([
    readFile(files.stdout),
    readFile(files.stderr),
    readFile(files.combined),
  ]);
  return { stdout, stderr, combined };
}

export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** Processes that are alive (not zombies), by ps — independent of the runner's own /proc check. */
function liveProcesses(): Array<{ pid: number; pgid: number }> {
  const out = execFileSync('ps', ['-eo', 'pid=,pgid=,stat='], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f.length === 3 && !f[2]?.startsWith('Z'))
    .map((f) => ({ pid: Number(f[0]), pgid: Number(f[1]) }));
}

export function liveMembersOfGroup(pgid: number): number[] {
  return liveProcesses()
    .filter((p) => p.pgid === pgid)
    .map((p) => p.pid);
}

export function isLive(pid: number): boolean {
  return liveProcesses().some((p) => p.pid === pid);
}

/** Kills processes a test deliberately let escape, in case an assertion failed first. */
export function killQuietly(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

export async function waitUntil(check: () => boolean, timeoutMs = 30_000): Promise<void> {
  await vi.waitFor(() => {
    if (!check()) throw new Error('condition not met yet');
  }, { timeout: timeoutMs, interval: 20 });
}
