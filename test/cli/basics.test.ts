// The CLI's front door: version, help, unknown commands and flags, and the
// rule that a user error is one paragraph with a hint and never a stack trace.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');
const STACK = /\n\s+at .+:\d+:\d+/;

function run(args: string[], cwd = root): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env };
    delete env.CI;
    execFile(process.execPath, [cli, ...args], { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const tmp = mkdtempSync(join(tmpdir(), 'cutover-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('cutover front door', () => {
  it.each(['-v', '-V'])('%s prints the version like --version', async (flag) => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    const r = await run([flag]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('refuses a one-value flag given twice (--answers a --answers b kept only b)', async () => {
    const r = await run(['run', 'checklists/demo/demo.yaml', '--plain', '--answers', 'a.yaml', '--answers', 'b.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cutover: run: --answers is given more than once');
    expect(r.stderr).toContain('hint: give --answers once');
    expect(r.stderr).not.toMatch(STACK);
  });

  it('--version prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    const r = await run(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('--help lists every command and the exit codes', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['lint', 'plan', 'run', 'resume', 'verify', 'report', 'check', 'demo']) expect(r.stdout).toContain(`cutover ${c}`);
    expect(r.stdout).toContain('3 paused');
  });

  it.each(['lint', 'plan', 'run', 'resume', 'verify', 'report', 'demo'])('%s --help exits 0 with a usage line', async (cmd) => {
    const r = await run([cmd, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: cutover ${cmd}`));
  });

  it('an unknown command is exit 2 with a hint', async () => {
    const r = await run(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "frobnicate"');
    expect(r.stderr).toContain('hint:');
  });

  it('an unknown flag is exit 2, names the command, no stack trace', async () => {
    const r = await run(['run', 'x.yaml', '--frob']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/run: .*--frob/);
    expect(r.stderr).not.toMatch(STACK);
  });

  it('a bad --mode is exit 2', async () => {
    const r = await run(['run', join(tmp, 'x.yaml'), '--mode', 'yolo']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--mode must be rehearsal or cutover');
  });

  it('verify, report and resume on a directory that is not a bundle are exit 2 naming it', async () => {
    for (const cmd of ['verify', 'report', 'resume']) {
      const r = await run([cmd, tmp]);
      expect(r.code, cmd).toBe(2);
      expect(r.stderr).toContain(`${tmp}: not an evidence bundle`);
      expect(r.stderr).not.toMatch(STACK);
    }
  });

  it('run on a missing runbook is exit 2 naming the file', async () => {
    const r = await run(['run', join(tmp, 'nope.yaml'), '--plain']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nope.yaml: runbook not found (no such file)');
    expect(r.stderr).not.toContain('is not a valid runbook');
    expect(r.stderr).not.toMatch(STACK);
  });
});

describe('a rehearsal run end to end (plain)', () => {
  const dir = join(tmp, 'mini');
  cpSync(join(root, 'test', 'fixtures', 'mini'), dir, { recursive: true });

  it('records REHEARSAL in journal, manifest and report, and verifies', async () => {
    const r = await run(['run', 'runbook.yaml', '--plain', '--answers', 'answers.yaml', '--evidence-dir', 'ev', '--operator', 'Casey Captain'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('REHEARSAL');
    expect(r.stdout).toContain('Decision: GO (rehearsal continuation)');
    const bundle = join(dir, 'ev', readdirSync(join(dir, 'ev'))[0]!);
    const first = JSON.parse(readFileSync(join(bundle, 'journal.ndjson'), 'utf8').split('\n')[0]!) as { type: string; rehearsal: boolean };
    expect(first).toMatchObject({ type: 'run.started', rehearsal: true });
    const manifest = JSON.parse(readFileSync(join(bundle, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest).toMatchObject({ rehearsal: true, banner: 'REHEARSAL', outcome: 'GO', closed: true });
    expect(readFileSync(join(bundle, 'decision-record.md'), 'utf8')).toContain('REHEARSAL');
    const v = await run(['verify', bundle]);
    expect(v.code).toBe(0);
    expect(v.stdout).toContain('OK');
    const anchored = await run(['verify', bundle, '--runbook', join(dir, 'runbook.yaml')]);
    expect(anchored.code).toBe(0);
    const other = await run(['verify', bundle, '--runbook', join(dir, 'answers.yaml')]);
    expect(other.code).toBe(1);
    expect(other.stdout).toContain('runbook.yaml: the run recorded runbook sha256');
    const rep = await run(['report', bundle]);
    expect(rep.code).toBe(0);
    expect(rep.stdout).toContain('**REHEARSAL');
    const json = await run(['report', bundle, '--format', 'json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ outcome: 'GO', rehearsal: true });
  });

  it('a missing answer pauses with exit 3, and resume completes', async () => {
    const partial = join(dir, 'partial.yaml');
    writeFileSync(partial, readFileSync(join(dir, 'answers.yaml'), 'utf8').replace(/^ {2}sign:.*$/m, ''));
    const r = await run(['run', 'runbook.yaml', '--plain', '--answers', 'partial.yaml', '--evidence-dir', 'ev2', '--operator', 'Casey Captain'], dir);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('waiting for an answer');
    expect(r.stdout).toContain('"sign"');
    const bundle = join(dir, 'ev2', readdirSync(join(dir, 'ev2'))[0]!);
    const again = await run(['resume', bundle, '--answers', 'answers.yaml'], dir);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Decision: GO (rehearsal continuation)');
    const v = await run(['verify', bundle]);
    expect(v.code).toBe(0);
  });
});
