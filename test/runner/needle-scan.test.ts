// Output assertions judge what a command printed: the strings are looked
// for in the raw bytes as they arrive, before secrets are masked, across
// chunk boundaries — while the files on disk stay masked.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../src/runner/index.js';
import { NeedleScan } from '../../src/shared/needle-scan.js';
import { captureFiles, node, useTempDirs } from './helpers.js';

const tempDir = useTempDirs();

function scanIn(chunks: string[], needles: string[]): string[] {
  const scan = new NeedleScan(needles);
  for (const c of chunks) scan.push(Buffer.from(c));
  return scan.seen();
}

describe('NeedleScan', () => {
  it('finds a needle cut at every point, in two or three chunks, and nothing that is not there', () => {
    const text = 'xx MARK-LEAK yy é-ü zz';
    const needles = ['MARK-LEAK', 'é-ü', 'K-L', 'absent', 'zz', 'xx MARK-LEAK yy é-ü zz', ''];
    const expected = needles.filter((n) => Buffer.from(text).includes(Buffer.from(n)));
    const bytes = Buffer.from(text);
    for (let a = 0; a <= bytes.length; a++) {
      for (let b = a; b <= bytes.length; b++) {
        const scan = new NeedleScan(needles);
        for (const part of [bytes.subarray(0, a), bytes.subarray(a, b), bytes.subarray(b)]) scan.push(part);
        expect(scan.seen(), `cut at ${a}, ${b}`).toEqual(expected);
      }
    }
  });

  it('finds a needle delivered one byte at a time', () => {
    expect(scanIn([...'a MARK-LEAK b'], ['MARK-LEAK', 'LEAK b', 'nope'])).toEqual(['MARK-LEAK', 'LEAK b']);
  });
});

describe('runCommand: watched strings', () => {
  it('are found in the raw output although a secret covers them and the files are masked', async () => {
    const dir = await tempDir();
    const files = captureFiles(dir);
    const script = "process.stdout.write('a sk-MARK-', () => setTimeout(() => process.stdout.write('LEAK-77 b\\n'), 50)); process.stderr.write('plain\\n')";
    const result = await runCommand({ argv: node(script), cwd: dir }, files, {
      secrets: ['sk-MARK-LEAK-77'],
      watch: { stdout: ['MARK-LEAK', 'absent'], stderr: ['MARK-LEAK', 'plain'] },
    });
    expect(result.seen).toEqual({ stdout: ['MARK-LEAK'], stderr: ['plain'] });
    expect(await readFile(files.stdout, 'utf8')).toBe('a *** b\n');
  });
});
