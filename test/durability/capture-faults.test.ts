// The capture under write delays and failures of its files, driven from
// in-process sources in a child process (so a crash or a stall is seen as
// one): test/fixtures/capture/capture-harness.ts with fault-streams.ts.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, it } from 'vitest';
import { tempDir } from './helpers.js';

const exec = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HARNESS = join(ROOT, 'test/fixtures/capture/capture-harness.ts');

async function harness(...args: string[]): Promise<{ code: number; report: Record<string, unknown>; stderr: string }> {
  const dir = tempDir('cutover-capture-faults-');
  try {
    const { stdout, stderr } = await exec(process.execPath, ['--import', 'tsx', HARNESS, args[0]!, dir, ...args.slice(1)], { cwd: ROOT, maxBuffer: 1024 * 1024 });
    return { code: 0, report: JSON.parse(stdout) as Record<string, unknown>, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, report: {}, stderr: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('capture files that fail or lag', () => {
  it('a stream file failing while combined.log is backed up ends in an EvidenceWriteError, with no unhandled rejection', async ({ expect }) => {
    const r = await harness('backed-up');
    expect(r.code, r.stderr).toBe(0);
    const files = r.report.files as { stdout: string; combined: string };
    expect(r.report.unhandled).toEqual([]);
    expect(r.report.close).toMatchObject({ threw: true, name: 'EvidenceWriteError', code: 'ENOSPC' });
    expect([files.stdout, files.combined]).toContain((r.report.close as { path: string }).path);
  });

  it.for([2, 3])('random chunks on both streams with lagging writes (seed %i): every byte, in order, with the right digests, and no stall', { timeout: 300_000 }, async (seed, { expect }) => {
    const r = await harness('fuzz', String(seed), '20');
    expect(r.code, r.stderr).toBe(0); // 13 would be an event loop that emptied mid-capture
    expect(r.report.unhandled).toEqual([]);
    expect(r.report.mismatches).toEqual([]);
  });
});
