// Capture behaviour of runCommand against real child processes and real files.

import { execFileSync } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { runCommand, secretValuesFrom, type OutputChunk } from '../../src/runner/index.js';
import { captureFiles, EMPTY_SHA256, node, readCapture, sha256, useTempDirs } from './helpers.js';

const tempDir = useTempDirs();

describe('runCommand: exit status', () => {
  it('records a clean exit', async () => {
    const dir = await tempDir();
    const files = captureFiles(dir);
    const result = await runCommand({ argv: ['echo', 'hello'], cwd: dir }, files, { secrets: [] });
    expect(result).toMatchObject({ outcome: 'exited', exitCode: 0, signal: null, tail: ['hello'], warnings: [] });
    expect(result.pid).toBeGreaterThan(0);
    expect(Date.parse(result.endedAt)).toBeGreaterThanOrEqual(Date.parse(result.startedAt));
    expect(result.startedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('records a non-zero exit code as a result, not an error', async () => {
    const dir = await tempDir();
    const result = await runCommand({ argv: node('process.exitCode = 7'), cwd: dir }, captureFiles(dir), {
      secrets: [],
    });
    expect(result).toMatchObject({ outcome: 'exited', exitCode: 7, signal: null });
  });

  it('records death by a signal exactly', async () => {
    const dir = await tempDir();
    const result = await runCommand({ shellCommand: 'kill -SEGV $$', cwd: dir }, captureFiles(dir), { secrets: [] });
    expect(result).toMatchObject({ outcome: 'signaled', exitCode: null, signal: 'SIGSEGV' });
  });

  it('runs the shell form with /bin/sh and passes extra env', async () => {
    const dir = await tempDir();
    const result = await runCommand(
      { shellCommand: 'echo "$((1 + 2)) $GREETING" | tr a-z A-Z', cwd: dir, env: { GREETING: 'hi there' } },
      captureFiles(dir),
      { secrets: [] },
    );
    expect(result.tail).toEqual(['3 HI THERE']);
  });

  it('runs in the given cwd', async () => {
    const dir = await tempDir();
    const result = await runCommand({ argv: ['pwd'], cwd: dir }, captureFiles(dir), { secrets: [] });
    expect(result.tail).toEqual([execFileSync('pwd', { cwd: dir, encoding: 'utf8' }).trim()]);
  });
});

describe('runCommand: byte-exact capture', () => {
  it('writes exactly the bytes the command wrote, binary and invalid UTF-8 included', async () => {
    const dir = await tempDir();
    const everyByte = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const invalid = Buffer.from([0xff, 0xfe, 0x80, 0xc3, 0x28, 0xe2, 0x82, 0x0a, 0xf0, 0x9f, 0x98]);
    const out = Buffer.concat([Buffer.from('héllo\r\n'), everyByte, invalid, everyByte]);
    const err = Buffer.concat([invalid, Buffer.from('\x00stderr\n')]);
    await writeFile(join(dir, 'out.bin'), out);
    await writeFile(join(dir, 'err.bin'), err);
    const files = captureFiles(dir);
    const script = `const fs = require('fs');
      process.stdout.write(fs.readFileSync('out.bin'));
      process.stderr.write(fs.readFileSync('err.bin'));`;
    const result = await runCommand({ argv: node(script), cwd: dir }, files, { secrets: [] });
    const captured = await readCapture(files);
    expect(captured.stdout.equals(out)).toBe(true);
    expect(captured.stderr.equals(err)).toBe(true);
    expect(captured.combined.length).toBe(out.length + err.length);
    expect(result.stdout).toEqual({ bytes: out.length, sha256: sha256(out) });
    expect(result.stderr).toEqual({ bytes: err.length, sha256: sha256(err) });
    expect(result.combined).toEqual({ bytes: captured.combined.length, sha256: sha256(captured.combined) });
    expect(result.tail.join('\n')).toContain('\uFFFD');
    expect(result.tail.join('\n')).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
  });

  it('floods of both streams at once reach every file whole, in big gathered writes', async () => {
    const dir = await tempDir();
    const files = captureFiles(dir);
    // 24 MiB in 256 KiB blocks, alternating streams: past the gathering size,
    // the background sync interval and the write buffer, so every one of them
    // is crossed while the other stream interleaves.
    const script = `const fs = require('fs');
      for (let i = 0; i < 96; i++) {
        const err = i % 3 === 2;
        fs.writeSync(err ? 2 : 1, Buffer.alloc(256 * 1024, (err ? 97 : 65) + (i % 26)));
      }`;
    const result = await runCommand({ argv: node(script), cwd: dir }, files, { secrets: [] });
    // stdout writes capitals, stderr small letters: each stream's bytes can be picked out of the combined view.
    const block = (i: number) => Buffer.alloc(256 * 1024, (i % 3 === 2 ? 97 : 65) + (i % 26));
    const blocks = Array.from({ length: 96 }, (_, i) => i);
    const out = Buffer.concat(blocks.filter((i) => i % 3 !== 2).map(block));
    const err = Buffer.concat(blocks.filter((i) => i % 3 === 2).map(block));
    const captured = await readCapture(files);
    expect(captured.stdout.equals(out)).toBe(true);
    expect(captured.stderr.equals(err)).toBe(true);
    expect(result.stdout).toEqual({ bytes: out.length, sha256: sha256(out) });
    expect(result.stderr).toEqual({ bytes: err.length, sha256: sha256(err) });
    expect(captured.combined.length).toBe(out.length + err.length);
    // Arrival order: each stream's bytes appear in the combined view whole and in their own order.
    expect(Buffer.from(captured.combined.filter((b) => b < 97)).equals(out)).toBe(true);
    expect(Buffer.from(captured.combined.filter((b) => b >= 97)).equals(err)).toBe(true);
    expect(result.combined).toEqual({ bytes: captured.combined.length, sha256: sha256(captured.combined) });
  });

  it('shows exactly the last lines of a long output in the tail', async () => {
    const dir = await tempDir();
    const files = captureFiles(dir);
    // ~1 MB: past the raw bytes kept for the tail, so both cuts (bytes, then lines) happen.
    const script = `for (let i = 0; i < 20000; i++) process.stdout.write('line ' + i + ' ' + 'x'.repeat(40) + '\\n')`;
    const result = await runCommand({ argv: node(script), cwd: dir }, files, { secrets: [], tailLines: 50 });
    expect(result.tail).toEqual(Array.from({ length: 50 }, (_, k) => `line ${19950 + k} ${'x'.repeat(40)}`));
    const short = await runCommand({ argv: node(`process.stdout.write('a\\nb\\nc')`), cwd: dir }, captureFiles(dir, 'short'), { secrets: [], tailLines: 50 });
    expect(short.tail).toEqual(['a', 'b', 'c']);
  });

  it('puts output in its log while the command still runs, not only at the end', async () => {
    const dir = await tempDir();
    const files = captureFiles(dir);
    // The command ends only once the test has seen its first line in the log
    // (a file `seen` appears), so the log must be written while it runs.
    const seenFile = join(dir, 'seen');
    const script = `process.stdout.write('first line\\n');
      const t = setInterval(() => require('fs').existsSync(${JSON.stringify(seenFile)}) && clearInterval(t), 10);`;
    let exited = false;
    const running = runCommand({ argv: node(script), cwd: dir }, files, { secrets: [] }).finally(() => (exited = true));
    await vi.waitFor(
      async () => {
        expect(exited, 'the command ended before its output reached the log').toBe(false);
        expect(await readFile(files.stdout, 'utf8').catch(() => '')).toBe('first line\n');
      },
      { timeout: 30_000, interval: 20 },
    );
    await writeFile(seenFile, '');
    const result = await running;
    expect(result.exitCode).toBe(0);
  });

  it('captures a 10 MB single line exactly and clips it in the tail', async () => {
    const dir = await tempDir();
    const files = captureFiles(dir);
    const script = `const line = Buffer.alloc(10 * 1024 * 1024, 'abcdefghij');
      process.stdout.write(line);
      process.stdout.write('\\nend\\n');`;
    const result = await runCommand({ argv: node(script), cwd: dir }, files, { secrets: [] });
    const expected = Buffer.concat([Buffer.alloc(10 * 1024 * 1024, 'abcdefghij'), Buffer.from('\nend\n')]);
    const captured = await readFile(files.stdout);
    expect(captured.equals(expected)).toBe(true);
    expect(result.stdout).toEqual({ bytes: expected.length, sha256: sha256(expected) });
    // Without a live listener the tail is made from the last bytes only: the
    // cut-off start of the long line shows as "…".
    expect(result.tail).toEqual(['…', 'end']);
  });

  it('clips a 10 MB single line in the live view', async () => {
    const dir = await tempDir();
    const files = captureFiles(dir);
    const script = `process.stdout.write(Buffer.alloc(10 * 1024 * 1024, 'abcdefghij')); process.stdout.write('\\nend\\n');`;
    let shown = '';
    const result = await runCommand({ argv: node(script), cwd: dir }, files, { secrets: [], onOutput: (c) => (shown += c.text) });
    expect(result.tail).toHaveLength(2);
    expect(result.tail[0]).toHaveLength(2001);
    expect(result.tail[0]?.endsWith('…')).toBe(true);
    expect(result.tail[1]).toBe('end');
    expect(shown.length).toBeLessThan(3000);
  });

  it('keeps the arrival order of stdout and stderr in the combined file', async () => {
    const dir = await tempDir();
    const files = captureFiles(dir);
    // The child writes the next line only once the previous one has reached
    // its stream's file (written after the combined view), so the order the
    // combined file must show is not left to timing.
    const script = `const fs = require('fs');
      const shown = (s) => fs.readFileSync(s.startsWith('out') ? process.env.OUT : process.env.ERR, 'utf8').includes(s);
      const pause = () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
      for (let i = 0; i < 5; i++) {
        for (const [stream, line] of [[process.stdout, 'out' + i + '\\n'], [process.stderr, 'err' + i + '\\n']]) {
          stream.write(line);
          while (!shown(line)) pause();
        }
      }`;
    const result = await runCommand({ argv: node(script), cwd: dir, env: { OUT: files.stdout, ERR: files.stderr } }, files, {
      secrets: [],
    });
    const expected = [0, 1, 2, 3, 4].map((i) => `out${i}\nerr${i}\n`).join('');
    expect((await readFile(files.combined, 'utf8'))).toBe(expected);
    expect(result.tail).toEqual(expected.trimEnd().split('\n'));
  });

  it('gives the combined view of a one-stream command the same bytes and digest without writing them twice', async () => {
    for (const stream of ['stdout', 'stderr'] as const) {
      const dir = await tempDir();
      const files = captureFiles(dir);
      const result = await runCommand({ argv: node(`for (let i = 0; i < 5000; i++) process.${stream}.write('line ' + i + '\\n')`), cwd: dir }, files, { secrets: [] });
      const own = await readFile(files[stream]);
      expect(own.length).toBeGreaterThan(30_000);
      expect((await readFile(files.combined)).equals(own)).toBe(true);
      expect(result.combined).toEqual(result[stream]);
    }
  });

  it('keeps terminal escape sequences in the files but never on screen', async () => {
    const dir = await tempDir();
    const files = captureFiles(dir);
    const raw = '\x1b]0;owned title\x07\x1b[2J\x1b[H\x1b[1;31mred\x1b[0m plain\r\n';
    const chunks: OutputChunk[] = [];
    const result = await runCommand(
      { argv: node(`process.stdout.write(${JSON.stringify(raw)})`), cwd: dir },
      files,
      { secrets: [], onOutput: (chunk) => chunks.push(chunk) },
    );
    expect(await readFile(files.stdout, 'latin1')).toBe(raw);
    expect(result.tail).toEqual(['red plain']);
    expect(chunks.map((c) => c.text).join('')).toBe('red plain\n');
    expect(chunks.every((c) => c.stream === 'stdout')).toBe(true);
  });
});

describe('runCommand: secrets', () => {
  const secret = 's3cr3t-Value-42';

  it('masks secrets in every file, the live output and the tail, even split across chunks', async () => {
    const dir = await tempDir();
    const files = captureFiles(dir);
    // The first half is written, and the rest only once "before-" has reached
    // the file: the secret necessarily spans two reads of the pipe.
    const script = `const fs = require('fs');
      const secret = ${JSON.stringify(secret)};
      process.stdout.write('before-' + secret.slice(0, 7));
      while (!fs.readFileSync(process.env.STDOUT_FILE, 'utf8').includes('before-')) {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
      }
      process.stdout.write(secret.slice(7) + '-after\\n');
      process.stderr.write('error: ' + secret + '\\n');`;
    const chunks: OutputChunk[] = [];
    const result = await runCommand(
      { argv: node(script), cwd: dir, env: { STDOUT_FILE: files.stdout } },
      files,
      { secrets: [secret], onOutput: (chunk) => chunks.push(chunk) },
    );
    const captured = await readCapture(files);
    expect(captured.stdout.toString()).toBe('before-***-after\n');
    expect(captured.stderr.toString()).toBe('error: ***\n');
    expect(captured.combined.toString()).toBe('before-***-after\nerror: ***\n');
    expect(result.stdout).toEqual({ bytes: captured.stdout.length, sha256: sha256(captured.stdout) });
    const stdoutChunks = chunks.filter((c) => c.stream === 'stdout').map((c) => c.text);
    expect(stdoutChunks.length).toBeGreaterThanOrEqual(2);
    expect(stdoutChunks.join('')).toBe('before-***-after\n');
    for (const text of chunks.map((c) => c.text)) expect(text).not.toContain(secret.slice(0, 7));
    expect(result.tail).toEqual(['before-***-after', 'error: ***']);
  });

  it('masks values that come from secret-looking environment variables', async () => {
    const dir = await tempDir();
    const files = captureFiles(dir);
    const env = { API_TOKEN: 'tok-9f8e7d6c' };
    const result = await runCommand(
      { shellCommand: 'echo "auth: $API_TOKEN"', cwd: dir, env },
      files,
      { secrets: secretValuesFrom(env, []) },
    );
    expect(await readFile(files.stdout, 'utf8')).toBe('auth: ***\n');
    expect(result.tail).toEqual(['auth: ***']);
  });
});

describe('runCommand: commands that cannot start', () => {
  async function expectEmptyCapture(files: ReturnType<typeof captureFiles>, result: Awaited<ReturnType<typeof runCommand>>) {
    const captured = await readCapture(files);
    expect(captured.stdout.length + captured.stderr.length + captured.combined.length).toBe(0);
    for (const digest of [result.stdout, result.stderr, result.combined]) {
      expect(digest).toEqual({ bytes: 0, sha256: EMPTY_SHA256 });
    }
    expect(result).toMatchObject({ outcome: 'spawn-failed', exitCode: null, signal: null, pid: null, tail: [] });
  }

  it('reports a command that is not on PATH', async () => {
    const dir = await tempDir();
    const files = captureFiles(dir);
    const result = await runCommand({ argv: ['cutover-no-such-tool', '--flag'], cwd: dir }, files, { secrets: [] });
    expect(result.spawnError?.code).toBe('ENOENT');
    expect(result.spawnError?.message).toContain('"cutover-no-such-tool"');
    expect(result.spawnError?.message).toContain('PATH');
    await expectEmptyCapture(files, result);
  });

  it('reports a file that is not executable', async () => {
    const dir = await tempDir();
    const script = join(dir, 'verify.sh');
    await writeFile(script, '#!/bin/sh\necho should not run\n');
    await chmod(script, 0o644);
    const files = captureFiles(dir);
    const result = await runCommand({ argv: [script], cwd: dir }, files, { secrets: [] });
    expect(result.spawnError?.code).toBe('EACCES');
    expect(result.spawnError?.message).toContain(script);
    expect(result.spawnError?.message).toContain('not executable');
    await expectEmptyCapture(files, result);
  });

  it('reports a missing working directory as such, not as a missing command', async () => {
    const dir = await tempDir();
    const missing = join(dir, 'no', 'such', 'checkout');
    const files = captureFiles(dir);
    const result = await runCommand({ argv: ['echo', 'hi'], cwd: missing }, files, { secrets: [] });
    expect(result.spawnError?.message).toBe(`working directory does not exist: ${missing}`);
    await expectEmptyCapture(files, result);
  });

  it('reports a working directory that is a file', async () => {
    const dir = await tempDir();
    const file = join(dir, 'a-file');
    await writeFile(file, '');
    const result = await runCommand({ argv: ['echo'], cwd: file }, captureFiles(dir), { secrets: [] });
    expect(result.spawnError).toEqual({ code: 'ENOTDIR', message: `working directory is not a directory: ${file}` });
  });

  it('reports an empty argv', async () => {
    const dir = await tempDir();
    const result = await runCommand({ argv: [], cwd: dir }, captureFiles(dir), { secrets: [] });
    expect(result.spawnError?.code).toBe('EINVAL');
  });

  it('throws when the evidence files themselves cannot be created', async () => {
    const dir = await tempDir();
    const blocker = join(dir, 'blocker');
    await writeFile(blocker, '');
    const files = captureFiles(join(blocker, 'sub'));
    await expect(runCommand({ argv: ['echo'], cwd: dir }, files, { secrets: [] })).rejects.toThrow();
  });
});

describe('runCommand: git HEAD', () => {
  const git = (cwd: string, ...args: string[]): string =>
    execFileSync('git', args, {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@x.test', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@x.test' },
    }).trim();

  it('records the HEAD commit of the work tree containing cwd', async () => {
    const repo = await tempDir();
    git(repo, 'init', '-q');
    await writeFile(join(repo, 'README'), 'x\n');
    git(repo, 'add', 'README');
    git(repo, '-c', 'commit.gpgsign=false', 'commit', '-q', '-m', 'first');
    const sub = join(repo, 'scripts');
    await mkdir(sub);
    const result = await runCommand({ argv: ['true'], cwd: sub }, captureFiles(repo), { secrets: [] });
    expect(result.gitHead).toBe(git(repo, 'rev-parse', 'HEAD'));
    expect(result.gitHead).toMatch(/^[0-9a-f]{40}$/);
  });

  it('records null outside a git work tree', async () => {
    const dir = await tempDir();
    const result = await runCommand(
      { argv: ['true'], cwd: dir, env: { GIT_CEILING_DIRECTORIES: dirname(dir) } },
      captureFiles(dir),
      { secrets: [] },
    );
    expect(result.gitHead).toBeNull();
    expect(result.outcome).toBe('exited');
  });

  it('records null in a repository without commits', async () => {
    const repo = await tempDir();
    git(repo, 'init', '-q');
    const result = await runCommand({ argv: ['true'], cwd: repo }, captureFiles(repo), { secrets: [] });
    expect(result.gitHead).toBeNull();
  });
});
