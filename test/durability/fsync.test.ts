// M3: what makes the evidence survive a power loss is seen from outside with
// strace: every capture file (the combined copy too) and every durable write
// is fsync'd, and so are the directories whose entries changed — the parent
// of the bundle, the bundle after the journal is created and after each
// rename, each attempt directory. And a durable write that fails (a real
// EFBIG from `ulimit -f`) leaves no temp file behind.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { logSteps } from './fixtures.js';
import { cutoverArgv, run, scriptArgv, sh, shell, tempDir } from './helpers.js';

function straceWorks(): boolean {
  try {
    execFileSync('strace', ['-f', '-o', '/dev/null', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('fsync, seen by strace', () => {
  it('fsyncs the capture files, the durable writes and the directories they live in', async (ctx) => {
    if (!straceWorks()) ctx.skip();
    const dir = tempDir();
    const fx = logSteps(dir);
    const evidence = join(dir, 'evidence');
    const trace = join(dir, 'trace');
    const r = await run(['strace', '-f', '-y', '-e', 'trace=fsync,fdatasync', '-o', trace, ...cutoverArgv(['run', fx.runbook, '--plain', '--answers', fx.answers, '--evidence-dir', evidence, '--operator', 'Olga Operator'])], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const bundle = join(evidence, readdirSync(evidence)[0]!);
    // "fsync(19</path>) = 0", possibly split into "<unfinished ...>" and "resumed" lines.
    const synced = new Map<string, number>();
    for (const m of readFileSync(trace, 'utf8').matchAll(/(?:fsync|fdatasync)\(\d+<([^>]+)>/g)) synced.set(m[1]!, (synced.get(m[1]!) ?? 0) + 1);
    const count = (p: string) => synced.get(p) ?? 0;

    expect(count(dir), 'the parent of the new evidence dir').toBeGreaterThanOrEqual(1);
    expect(count(evidence), 'the evidence dir: the new bundle entry').toBeGreaterThanOrEqual(1);
    // journal created + runbook.yaml, manifest.json, decision-record.md, SHA256SUMS renamed in
    expect(count(bundle), 'the bundle dir').toBeGreaterThanOrEqual(5);
    expect(count(join(bundle, 'journal.ndjson'))).toBeGreaterThanOrEqual(5);
    // The temp file of a durable write is the bundle's .tmp/<pid>-<name>.
    for (const f of ['runbook.yaml', 'manifest.json', 'decision-record.md', 'SHA256SUMS']) {
      expect([...synced.keys()].some((p) => p.startsWith(join(bundle, '.tmp/')) && p.endsWith(`-${f}`)), `${f} before its rename`).toBe(true);
    }
    for (const step of ['outonly', 'both']) {
      const attempt = join(bundle, 'steps', step, 'attempt-1');
      expect(count(attempt), `${step}: its attempt dir`).toBeGreaterThanOrEqual(1);
      for (const f of ['stdout.log', 'stderr.log']) expect(count(join(attempt, f)), `${step}/${f}`).toBeGreaterThanOrEqual(1);
    }
    // The two-stream combined view is its own file, fsync'd; the single-stream one is stdout.log's inode.
    expect(count(join(bundle, 'steps/both/attempt-1/combined.log'))).toBeGreaterThanOrEqual(1);

    const verified = await run(cutoverArgv(['verify', bundle]));
    expect(verified.code, verified.stdout).toBe(0);
  });
});

describe('writeFileDurable past a file size limit', () => {
  const SCRIPT = `
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileDurable } from '@SRC@/shared/durable.ts';
const dir = process.argv[2]!;
const path = join(dir, 'manifest.json');
let error: any;
try {
  writeFileDurable(path, 'x'.repeat(10_000), dir);
} catch (err) {
  error = err;
}
console.log(JSON.stringify({ name: error?.name, path: error?.path, code: error?.code, files: readdirSync(dir), temp: readdirSync(join(dir, '.tmp')) }));
`;

  it('throws EvidenceWriteError (EFBIG, naming the file) and leaves neither the file nor its temp file', async () => {
    const dir = tempDir();
    const bundle = join(dir, 'bundle');
    const argv = scriptArgv(dir, 'write', SCRIPT);
    // 1 KiB in bash's 1024-byte blocks: the 10 000 bytes of the temp file cannot be written.
    const r = await shell(`mkdir ${sh(bundle)} && ulimit -f 1 && exec ${[...argv, bundle].map(sh).join(' ')}`, { cwd: dir, env: { TSX_DISABLE_CACHE: '1' } });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ name: 'EvidenceWriteError', path: join(bundle, 'manifest.json'), code: 'EFBIG', files: ['.tmp'], temp: [] });
  });
});
