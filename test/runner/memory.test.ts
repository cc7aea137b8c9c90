// Memory stays bounded whatever the output size: 200 MiB through the runner
// (masking on, files, hashes, live view) in a separate Node process whose
// peak RSS we can read.

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { canCollectEarly } from '../../src/runner/memory.js';
import { useTempDirs } from './helpers.js';

const run = promisify(execFile);
const harness = fileURLToPath(new URL('./fixtures/large-output.ts', import.meta.url));
const tempDir = useTempDirs();
const MiB = 1024 * 1024;

describe('early collection of output buffers', () => {
  it('is available on this Node, so a flood of pipe reads does not pile up as garbage', () => {
    expect(canCollectEarly()).toBe(true);
  });
});

describe('large output', () => {
  it('captures 200 MiB with exact digests without holding the output in memory (RSS grows by far less than 200 MiB)', async () => {
    const dir = await tempDir();
    const { stdout } = await run(process.execPath, ['--import', 'tsx', harness, dir, '200'], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      maxBuffer: MiB,
    });
    const report = JSON.parse(stdout) as {
      outcome: string;
      stdout: { bytes: number; sha256: string };
      stderr: { bytes: number };
      combined: { bytes: number };
      tailLength: number;
      expectedSha256: string;
      liveChunks: number;
      rssBefore: number;
      sampledPeak: number;
      maxRss: number;
    };
    expect(report.outcome).toBe('exited');
    expect(report.stdout).toEqual({ bytes: 200 * MiB, sha256: report.expectedSha256 });
    expect(report.stderr.bytes).toBe(5);
    expect(report.combined.bytes).toBe(200 * MiB + 5);
    expect(report.tailLength).toBe(200);
    expect(report.liveChunks).toBeGreaterThan(0);
    const growth = report.maxRss - report.rssBefore;
    console.info(
      `200 MiB run: RSS before ${(report.rssBefore / MiB).toFixed(1)} MiB, peak ${(report.maxRss / MiB).toFixed(1)} MiB (growth ${(growth / MiB).toFixed(1)} MiB; sampled peak ${(report.sampledPeak / MiB).toFixed(1)} MiB)`,
    );
    // Not a budget (npm run bench measures memory): proof that the output is streamed, not held.
    // The growth is the GC's choice and varies 45–62 MB from run to run on the same build;
    // held output would add the 200 MiB itself.
    expect(growth).toBeLessThan(100 * 1000 * 1000);
  }, 120_000);
});
