// Issue 10, classes 7, 9 and 14 (verify's part): a bundle whose files were
// swapped for links, FIFOs or devices is refused by `cutover verify` without
// opening them (no hang, no internal error, and a log replaced by a link to
// an identical file outside the bundle is not OK); file names from a bundle
// are printed escaped; and SHA256SUMS represents every name `sha256sum -c`
// can read back, a newline or a backslash included, for both tools.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeSums } from '../../src/evidence/bundle.js';
import { checkSums, scanBundle } from '../../src/evidence/verify-files.js';
import { cli } from '../helpers/cli.js';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { runPlain, tempDir, type PlainRun } from '../fixtures/engine/scenario.js';

let golden: PlainRun;

beforeAll(async () => {
  golden = await runPlain({ dir: tempDir('file') });
  expect(golden.result.code, golden.result.stdout + golden.result.stderr).toBe(0);
}, 120_000);

function copyOfGolden(): string {
  const dir = join(tempDir(), 'bundle');
  cpSync(golden.bundle, dir, { recursive: true });
  return dir;
}

const LOG = 'steps/producer-suite/attempt-1/stdout.log';

/** Replaces `file` of the bundle by what `make` puts at its path. */
function replace(bundle: string, file: string, make: (path: string, outside: string) => void): void {
  const path = join(bundle, file);
  const outside = join(tempDir(), 'outside');
  copyFileSync(path, outside);
  rmSync(path);
  make(path, outside);
}

const HOSTILE: [string, string, (path: string, outside: string) => void, RegExp][] = [
  ['a log', 'a symbolic link to /dev/zero', (p) => symlinkSync('/dev/zero', p), /is a symbolic link \(to \/dev\/zero\), not a regular file/],
  ['a log', 'a FIFO', (p) => execFileSync('mkfifo', [p]), /is a FIFO, not a regular file/],
  ['a log', 'a symbolic link to a directory', (p) => symlinkSync('/tmp', p), /is a symbolic link \(to \/tmp\), not a regular file/],
  ['a log', 'a symbolic link to an identical file outside the bundle', (p, outside) => symlinkSync(outside, p), /is a symbolic link \(to .*outside\), not a regular file/],
  ['journal.ndjson', 'a symbolic link to an identical file outside the bundle', (p, outside) => symlinkSync(outside, p), /is a symbolic link \(to .*outside\), not a regular file/],
  ['journal.ndjson', 'a FIFO', (p) => execFileSync('mkfifo', [p]), /is a FIFO, not a regular file/],
  ['manifest.json', 'a FIFO', (p) => execFileSync('mkfifo', [p]), /is a FIFO, not a regular file/],
  ['SHA256SUMS', 'a symbolic link to /dev/zero', (p) => symlinkSync('/dev/zero', p), /is a symbolic link \(to \/dev\/zero\), not a regular file/],
  ['decision-record.md', 'a symbolic link to /dev/zero', (p) => symlinkSync('/dev/zero', p), /is a symbolic link \(to \/dev\/zero\), not a regular file/],
];

describe('verify refuses what is not a regular file, without opening it', () => {
  it.each(HOSTILE)('%s replaced by %s: exit 1, named, never opened', async (what, _as, make, message) => {
    const bundle = copyOfGolden();
    const file = what === 'a log' ? LOG : what;
    replace(bundle, file, make);
    // The real CLI: a verify that opened a FIFO or /dev/zero would hang, and is killed.
    const r = await cli(['verify', bundle]);
    expect(r.signal, 'verify hung and was killed').toBeNull();
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`${file.replace(/[.]/g, '\\.')}: ${message.source}`));
    expect(r.stdout).toContain('cutover never writes');
    expect(r.stderr).not.toContain('internal error');
  });

  it('a name that is not UTF-8 is reported, not opened and not an internal error', async () => {
    const bundle = copyOfGolden();
    writeFileSync(Buffer.concat([Buffer.from(`${bundle}/notices/`), Buffer.from([0x6e, 0xff, 0x2e, 0x6d, 0x64])]), 'added');
    const r = await cliInProcess(['verify', bundle]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/notices\/n\uFFFD\.md: has a name that is not valid UTF-8/);
  });

  it('a temp file left in .tmp/ is reported as such', async () => {
    const bundle = copyOfGolden();
    writeFileSync(join(bundle, '.tmp', '4242-manifest.json'), '{');
    const r = await cliInProcess(['verify', bundle]);
    expect(r.code, r.stdout).toBe(1);
    expect(r.stdout).toContain('.tmp/4242-manifest.json: is a temporary file left by a write that was cut short');
  });
});

describe('verify prints file names from a bundle escaped', () => {
  it('terminal escape sequences, C1 controls and bidi overrides in a name never reach the terminal raw', async () => {
    const bundle = copyOfGolden();
    const names = ['evil\x1b]0;pwned\x07\x1b[2J.txt', 'c1\u009b31m.txt', 'bidi\u202egnp.exe', 'line\nbreak.txt'];
    for (const name of names) writeFileSync(join(bundle, 'notices', name), 'added');
    const r = await cliInProcess(['verify', bundle]);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]/);
    expect(r.stdout).toContain('notices/evil\\x1b]0;pwned\\x07\\x1b[2J.txt: is not listed in SHA256SUMS');
    expect(r.stdout).toContain('notices/c1\\x9b31m.txt: is not listed in SHA256SUMS');
    expect(r.stdout).toContain('notices/bidi\\u{202e}gnp.exe: is not listed in SHA256SUMS');
    expect(r.stdout).toContain('notices/line\\nbreak.txt: is not listed in SHA256SUMS');

    const json = await cliInProcess(['verify', bundle, '--json']);
    expect(json.stdout).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]/);
    const files = (JSON.parse(json.stdout) as { problems: { file: string }[] }).problems.map((p) => p.file);
    for (const name of names) expect(files).toContain(`notices/${name}`);
  });
});

describe('SHA256SUMS names that need GNU escapes', () => {
  /** A directory of files with a newline, a backslash and a carriage return in their names (and a FIFO, never opened). */
  function oddFiles(): string {
    const dir = join(tempDir(), 'odd');
    mkdirSync(join(dir, 'sub'), { recursive: true });
    for (const name of ['new\nline', 'back\\slash', 'carriage\rreturn', 'sub/plain.txt']) writeFileSync(join(dir, name), `bytes of ${name}`);
    execFileSync('mkfifo', [join(dir, 'pipe')]);
    return dir;
  }

  function verifyProblems(dir: string): Promise<string[]> {
    const problems: string[] = [];
    const report = (file: string, message: string) => problems.push(`${file}: ${message}`);
    return scanBundle(dir, report).then(({ files, digests }) => {
      checkSums(dir, files, digests, report);
      return problems;
    });
  }

  it('writeSums writes them in the escaped form; sha256sum -c and verify both read them back, and both see a change', async () => {
    const dir = oddFiles();
    await writeSums(dir);
    const sums = readFileSync(join(dir, 'SHA256SUMS'), 'utf8');
    expect(sums.split('\n').filter(Boolean)).toHaveLength(4); // the FIFO is not listed
    expect(sums).toContain('  new\\nline\n');
    expect(sums).toContain('  back\\\\slash\n');
    expect(sums).toContain('  carriage\\rreturn\n');
    const gnu = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir, encoding: 'utf8' });
    expect(gnu.status, gnu.stdout + gnu.stderr).toBe(0);
    expect(await verifyProblems(dir)).toEqual([expect.stringMatching(/^pipe: is a FIFO, not a regular file/)]);

    writeFileSync(join(dir, 'new\nline'), 'changed');
    const after = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir, encoding: 'utf8' });
    expect(after.status).toBe(1);
    expect(after.stdout).toContain('new\\nline: FAILED');
    expect(await verifyProblems(dir)).toContainEqual(expect.stringMatching(/^new\nline: sha256 [0-9a-f]{64} does not match SHA256SUMS/));
  });
});
