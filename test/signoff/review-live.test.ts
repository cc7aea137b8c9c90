// Review fixes (issue 12) on a live run, real keys and real processes: while
// the run waits for signatures, a FIFO dropped as a .sig is refused once
// (never read, the run keeps polling), and an allowed-signers copy swapped
// in the bundle is never judged against — by the run or by `cutover sign` —
// so a forger's key listed in it records nothing. The honest signatures
// that follow give a GO whose bundle verifies.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, distIsFresh, DIST, REPO } from '../helpers/cli.js';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { madeFile, makeKey, onlyBundle, publicKey, signedFixture, writeAnswers } from './fixture.js';

const WAIT_BOTH = 'answers:\n  sign: { pa: { wait: true }, ca: { wait: true } }\n  decide: { option: go-rehearsal }\n';
const ENTRY = distIsFresh() ? [DIST] : [join(REPO, 'node_modules/tsx/dist/cli.mjs'), join(REPO, 'src/cli.ts')];

async function until(cond: () => boolean): Promise<void> {
  // Waits for a condition, not for a time: the vitest timeout is the bound.
  while (!cond()) await new Promise((r) => setTimeout(r, 50));
}

describe('a waiting run and what is dropped into its bundle', () => {
  it('a FIFO .sig is refused once; a swapped allowed_signers copy is refused by the run and by cutover sign; honest signatures then give a GO that verifies', async () => {
    const f = signedFixture();
    const answers = writeAnswers(f.dir, 'answers.yaml', WAIT_BOTH);
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    delete env.CI;
    const child = spawn(process.execPath, [...ENTRY, 'run', f.runbook, '--plain', '--operator', 'Olga Operator', '--answers', answers, '--evidence-dir', f.evidence], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    try {
      await until(() => madeFile(f.evidence, 'signoffs/sign/ca.msg') !== undefined);
      const bundle = onlyBundle(f.evidence);
      const sig = (role: string) => join(bundle, 'signoffs/sign', `${role}.sig`);

      execFileSync('mkfifo', [sig('ca')]);
      await until(() => out.includes('signoffs/sign/ca.sig is a FIFO: it is not read'));

      const copy = join(bundle, 'signoffs/allowed_signers');
      const original = readFileSync(copy);
      const forger = makeKey(f.dir, 'forger');
      writeFileSync(copy, `alice@producer.example ${publicKey(forger)}\nbob@consumer.example ${publicKey(f.key.bob)}\n`);
      const text = readFileSync(join(bundle, 'signoffs/sign/pa.msg'), 'utf8');
      writeFileSync(sig('pa'), execFileSync('ssh-keygen', ['-Y', 'sign', '-f', forger, '-n', 'cutover-signoff'], { input: text, encoding: 'utf8', stdio: ['pipe', 'pipe', 'ignore'] }));
      await until(() => out.includes('is not the allowed-signers copy this run started with'));
      const signWhileSwapped = await cli(['sign', bundle, '--step', 'sign', '--role', 'ca', '--key', f.key.bob]);
      expect(signWhileSwapped.code).toBe(2);
      expect(signWhileSwapped.stderr).toContain('signoffs/allowed_signers is not the allowed-signers copy this run started with');

      writeFileSync(copy, original);
      rmSync(sig('ca'));
      rmSync(sig('pa'));
      const pa = await cli(['sign', bundle, '--step', 'sign', '--role', 'pa', '--key', f.key.alice]);
      expect(pa.code, pa.stderr).toBe(0);
      expect(pa.stdout).toContain('Signing, as alice@producer.example:');
      expect(pa.stdout).toContain('statement  "We approve v0.4.0 for cutover"');
      expect((await cli(['sign', bundle, '--step', 'sign', '--role', 'ca', '--key', f.key.bob])).code).toBe(0);
      expect(await exited, out).toBe(0);
      // Each refusal said once, with its reason, not at every poll.
      expect(out.split('ca.sig is a FIFO').length - 1).toBe(1);
      expect(out.split('is not the allowed-signers copy this run started with').length - 1).toBe(1);
      expect(out).toContain('Decision: GO (rehearsal continuation)');
      const verify = await cliInProcess(['verify', bundle, '--allowed-signers', f.allowed]);
      expect(verify.code, verify.stdout).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  }, 170_000);
});

describe('cutover sign <file>.msg', () => {
  it('never writes the .sig through a link or over a file, and shows the text before signing', async () => {
    const f = signedFixture();
    const msg = join(f.dir, 'pa.msg');
    writeFileSync(msg, ['format: cutover-signoff/v1', 'run: r1', 'step: sign', 'role: pa', 'principal: alice@producer.example', 'statement: We approve', `evidence-digest: ${'a'.repeat(64)}`, `journal-head: ${'b'.repeat(64)}`, ''].join('\n'));
    const victim = join(f.dir, 'victim');
    writeFileSync(victim, 'keep me\n');
    execFileSync('ln', ['-s', victim, join(f.dir, 'pa.sig')]);
    const linked = await cli(['sign', msg, '--step', 'sign', '--role', 'pa', '--key', f.key.alice]);
    expect(linked.code).toBe(2);
    expect(linked.stderr).toContain('pa.sig: already exists; nothing was signed');
    expect(readFileSync(victim, 'utf8')).toBe('keep me\n');
    rmSync(join(f.dir, 'pa.sig'));
    const ok = await cli(['sign', msg, '--step', 'sign', '--role', 'pa', '--key', f.key.alice]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/Signing, as alice@producer\.example:\n {2}run {8}r1\n {2}step {7}sign\n {2}role {7}pa\n {2}statement {2}"We approve"/);
    expect(readFileSync(join(f.dir, 'pa.sig'), 'utf8')).toContain('BEGIN SSH SIGNATURE');
  }, 60_000);
});
