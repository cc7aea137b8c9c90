// recordCheckInputs on hostile and odd inputs, with real files and a real
// bundle directory: a name that cannot be a file name of the bundle is
// copied as `input`, a FIFO is recorded as not a regular file without
// hanging, a missing file says why, a link in the attempt directory is never
// written through, and a file exactly at the cap is still copied.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_INPUT_COPY_BYTES } from '../../src/checks/inputs.js';
import { sha256 } from '../../src/evidence/canonical.js';
import { recordCheckInputs } from '../../src/session/check-inputs.js';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

function setup(): { src: string; bundle: string; attempt: string } {
  const root = mkdtempSync(join(tmpdir(), 'cutover-inputs-'));
  dirs.push(root);
  const src = join(root, 'src');
  const bundle = join(root, 'bundle');
  const attempt = join(bundle, 'steps/check/attempt-1');
  mkdirSync(src);
  mkdirSync(attempt, { recursive: true });
  return { src, bundle, attempt };
}

describe('recordCheckInputs', () => {
  it('copies a file whose name cannot be an evidence file name as "input", keeping the full path in the record', async () => {
    const { src, bundle, attempt } = setup();
    const file = join(src, 'pay\nload\\x.json');
    writeFileSync(file, '{"a":1}\n');
    const [rec] = await recordCheckInputs([{ param: 'payload', path: file }], { dir: attempt, bundleDir: bundle, secrets: [] });
    expect(rec).toMatchObject({ param: 'payload', path: file, bytes: 8, sha256: sha256('{"a":1}\n'), copy: { file: 'steps/check/attempt-1/inputs/payload/input', bytes: 8 } });
    expect(readFileSync(join(bundle, rec!.copy!.file), 'utf8')).toBe('{"a":1}\n');
  });

  it('records a FIFO as not a regular file without blocking on it, and a missing file with its reason', async () => {
    const { src, bundle, attempt } = setup();
    const fifo = join(src, 'sample.ndjson');
    execFileSync('mkfifo', [fifo]);
    const recs = await recordCheckInputs([{ param: 'sample', path: fifo }, { param: 'manifest', path: join(src, 'missing.json') }], { dir: attempt, bundleDir: bundle, secrets: [] });
    expect(recs).toEqual([
      { param: 'sample', path: fifo, bytes: null, sha256: null, git_head: null, not_copied: 'it is not a regular file' },
      { param: 'manifest', path: join(src, 'missing.json'), bytes: null, sha256: null, git_head: null, not_copied: 'it could not be read (ENOENT)' },
    ]);
    expect(existsSync(join(attempt, 'inputs'))).toBe(false);
  });

  it('never writes through a symbolic link in the attempt directory: the input is recorded as not copied, saying why', async () => {
    const { src, bundle, attempt } = setup();
    const outside = join(src, 'elsewhere');
    mkdirSync(outside);
    symlinkSync(outside, join(attempt, 'inputs'));
    writeFileSync(join(src, 'm.json'), '{}\n');
    const [rec] = await recordCheckInputs([{ param: 'manifest', path: join(src, 'm.json') }], { dir: attempt, bundleDir: bundle, secrets: [] });
    expect(rec!.copy).toBeUndefined();
    expect(rec!.not_copied).toMatch(/^it cannot be copied into the bundle: .*is a symbolic link; cutover never writes through a link/);
    expect(existsSync(join(outside, 'manifest'))).toBe(false);
  });

  it('copies a file of exactly 1 MiB and keeps one byte more by its digest only', async () => {
    const { src, bundle, attempt } = setup();
    writeFileSync(join(src, 'at-cap.json'), Buffer.alloc(MAX_INPUT_COPY_BYTES, 0x20));
    writeFileSync(join(src, 'over-cap.json'), Buffer.alloc(MAX_INPUT_COPY_BYTES + 1, 0x20));
    const [at, over] = await recordCheckInputs([{ param: 'manifest', path: join(src, 'at-cap.json') }, { param: 'payload', path: join(src, 'over-cap.json') }], { dir: attempt, bundleDir: bundle, secrets: [] });
    expect(at!.copy!.bytes).toBe(MAX_INPUT_COPY_BYTES);
    expect(over).toMatchObject({ bytes: MAX_INPUT_COPY_BYTES + 1, sha256: sha256(Buffer.alloc(MAX_INPUT_COPY_BYTES + 1, 0x20)), not_copied: 'larger than 1 MiB: only its digest is kept' });
    expect(over!.copy).toBeUndefined();
  });
});
