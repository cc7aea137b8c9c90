// Shared fixtures for the check tests: the real MemoryKernel files (copied
// into test/fixtures/memorykernel so the suite is self-contained), temp
// directories, and a capturing CliIO that calls `cutover check` like the
// entry point does (InputError → formatted message on stderr, exit 2).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEachTest } from '../helpers/per-file.js';
import { main } from '../../src/cli/commands/check.js';
import { formatError } from '../../src/cli/errors.js';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const MK = join(REPO, 'test/fixtures/memorykernel');
export const SAMPLES = join(REPO, 'test/fixtures/checks');
export const MANIFEST = join(MK, 'producer-contract-manifest.json');
export const STABLE = join(MK, 'PRODUCER_RELEASE_HANDOFF_LATEST.json');
export const CANDIDATE = join(MK, 'PRODUCER_HANDOFF_SERVICE_V3_CANDIDATE.generated.json');
export const REHEARSAL = join(MK, 'SERVICE_V3_REHEARSAL_HANDOFF_CANDIDATE.json');
export const EVIDENCE = join(MK, 'RELEASE_EVIDENCE_BUNDLE_LATEST.json');

export function readJson<T = Record<string, unknown>>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

const dirs: string[] = [];
afterEachTest('checks helpers', () => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

/** A fresh temp directory, removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cutover-checks-'));
  dirs.push(dir);
  return dir;
}

export function writeJson(dir: string, name: string, value: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
  return file;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `cutover check ...args` in-process, with the entry point's error handling. */
export async function runCheckCli(args: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io = { out: (t: string) => void (stdout += t.endsWith('\n') ? t : `${t}\n`), err: (t: string) => void (stderr += t.endsWith('\n') ? t : `${t}\n`) };
  try {
    const code = await main(args, io);
    return { code, stdout, stderr };
  } catch (err) {
    io.err(formatError(err));
    const exitCode = (err as { exitCode?: number }).exitCode;
    return { code: typeof exitCode === 'number' ? exitCode : 2, stdout, stderr };
  }
}

/** A stack frame line, which must never reach the user. */
export const STACK_FRAME = /^\s+at /m;
