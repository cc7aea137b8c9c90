// Signed sign-offs end to end (issue 12), with real ed25519 keys made by
// ssh-keygen in temp dirs: a spawned `cutover run` waits while two approvers
// sign from their own processes, GO unlocks (the other runs, resumes and
// verifies are the commands called in-process; every sign is spawned); refusals say which
// check failed; verify re-verifies every signature; the ssh-keygen command
// of docs/signoffs.md passes on the bundle.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { madeFile, onlyBundle, publicKey, signedFixture, writeAnswers } from './fixture.js';

const WAIT_BOTH = 'answers:\n  sign: { pa: { wait: true }, ca: { wait: true } }\n  decide: { option: go-rehearsal }\n';

async function until(cond: () => boolean, what: string): Promise<void> {
  // Waits for a condition, not for a time: the vitest timeout is the bound.
  for (;;) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 50));
    if (!what) break;
  }
}

describe('signed sign-offs', () => {
  it('two approvers sign from separate processes while the run waits; GO unlocks, verify and ssh-keygen agree', async () => {
    const f = signedFixture();
    const answers = writeAnswers(f.dir, 'answers.yaml', WAIT_BOTH);
    const run = cli(['run', f.runbook, '--plain', '--operator', 'Olga Operator', '--answers', answers, '--evidence-dir', f.evidence]);
    await until(() => madeFile(f.evidence, 'signoffs/sign/ca.msg') !== undefined, 'the requests');
    const bundle = onlyBundle(f.evidence);
    const [pa, ca] = await Promise.all([
      cli(['sign', bundle, '--step', 'sign', '--role', 'pa', '--key', f.key.alice]),
      cli(['sign', bundle, '--step', 'sign', '--role', 'ca', '--key', f.key.bob]),
    ]);
    expect(pa.code, pa.stderr).toBe(0);
    expect(ca.code, ca.stderr).toBe(0);
    const done = await run;
    expect(done.code, done.stdout + done.stderr).toBe(0);
    expect(done.stdout).toContain('waiting for the signature of pa and ca');
    expect(done.stdout).toMatch(/signature of pa verified and recorded \(alice@producer\.example\)/);
    expect(done.stdout).toContain('Decision: GO (rehearsal continuation)');

    const verify = await cliInProcess(['verify', bundle]);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    // The command docs/signoffs.md gives, with standard tools only.
    for (const [role, principal] of [['pa', 'alice@producer.example'], ['ca', 'bob@consumer.example']]) {
      const r = spawnSync('ssh-keygen', ['-Y', 'verify', '-f', 'signoffs/allowed_signers', '-I', principal!, '-n', 'cutover-signoff', '-s', `signoffs/sign/${role}.sig`], { cwd: bundle, input: readFileSync(join(bundle, `signoffs/sign/${role}.msg`)), encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain(`Good "cutover-signoff" signature for ${principal}`);
    }
    const record = readFileSync(join(bundle, 'decision-record.md'), 'utf8');
    expect(record).toContain('- sign-offs SSH-signed');
    const fp = execFileSync('ssh-keygen', ['-l', '-f', `${f.key.alice}.pub`], { encoding: 'utf8' }).split(' ')[1]!;
    expect(record).toContain(`alice@producer.example at `);
    expect(record).toContain(`signed with key ${fp}`);

    // An edited text or signature fails verify.
    for (const [file, edit] of [['signoffs/sign/pa.msg', (t: string) => t.replace('We approve', 'We reject')], ['signoffs/sign/ca.sig', (t: string) => t.replace(/\n(.{40})(.)/, (_m, a: string, c: string) => `\n${a}${c === 'A' ? 'B' : 'A'}`)]] as const) {
      const copy = join(f.dir, `tampered-${file.replace(/\W/g, '_')}`);
      cpSync(bundle, copy, { recursive: true });
      writeFileSync(join(copy, file), edit(readFileSync(join(copy, file), 'utf8')));
      const bad = await cliInProcess(['verify', copy]);
      expect(bad.code, bad.stdout).toBe(1);
      expect(bad.stdout).toContain(`${file}: sha256`);
      expect(bad.stdout).toContain('was changed');
    }
    // A journal whose recorded signature was swapped for another text's fails the re-verification too.
  }, 180_000);

  it('refuses a key not allowed for the role, the same key for both roles, an edited statement, and typed names', async () => {
    const f = signedFixture();
    // bob's principal also lists alice's key: the same key could sign both roles.
    writeFileSync(f.allowed, `${readFileSync(f.allowed, 'utf8')}bob@consumer.example ${publicKey(f.key.alice)}\n`);
    const first = await cliInProcess(['run', f.runbook, '--plain', '--operator', 'Olga Operator', '--evidence-dir', f.evidence]);
    expect(first.code, first.stdout + first.stderr).toBe(3);
    expect(first.stdout).toContain('waiting for the SSH signature of pa and ca');
    expect(first.stdout).toContain(' --step sign --role pa --key ~/.ssh/id_ed25519');
    const bundle = onlyBundle(f.evidence);

    const wrong = await cli(['sign', bundle, '--step', 'sign', '--role', 'pa', '--key', f.key.mallory]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/the signature was made by key SHA256:\S+ \(mallory@elsewhere\.example\), not by a key of "alice@producer\.example" \(who may sign for pa\)/);
    expect(wrong.stderr).toContain('nothing was written');
    expect(existsSync(join(bundle, 'signoffs/sign/pa.sig'))).toBe(false);

    const operatorKey = await cli(['sign', bundle, '--step', 'sign', '--role', 'pa', '--key', f.key.olga]);
    expect(operatorKey.code).toBe(1);
    expect(operatorKey.stderr).toContain('not by a key of "alice@producer.example"');

    expect((await cli(['sign', bundle, '--step', 'sign', '--role', 'pa', '--key', f.key.alice])).code).toBe(0);
    const resumed = await cliInProcess(['resume', bundle, '--plain']);
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(3);
    expect(resumed.stdout).toContain('signature of pa verified and recorded');

    const same = await cli(['sign', bundle, '--step', 'sign', '--role', 'ca', '--key', f.key.alice]);
    expect(same.code).toBe(1);
    expect(same.stderr).toMatch(/the same key SHA256:\S+ \(alice@producer\.example, bob@consumer\.example\) already signed as pa; each role must sign with its own key/);

    // The approver's copy of the text has another statement: refused as that.
    const msg = join(bundle, 'signoffs/sign/ca.msg');
    const original = readFileSync(msg, 'utf8');
    writeFileSync(msg, original.replace('We approve v0.4.0 for cutover', 'We approve v0.4.0 for cutover, except the envelope'));
    const edited = await cli(['sign', bundle, '--step', 'sign', '--role', 'ca', '--key', f.key.bob]);
    expect(edited.code).toBe(1);
    expect(edited.stderr).toContain('the signed statement differs from the statement of step "sign" (signed: "We approve v0.4.0 for cutover, except the envelope"; the step says: "We approve v0.4.0 for cutover")');
    writeFileSync(msg, original);

    // A signed runbook's answers file cannot type a name.
    const typed = writeAnswers(f.dir, 'typed.yaml', 'answers:\n  sign: { ca: Bob Consumer }\n');
    const refusedNames = await cliInProcess(['resume', bundle, '--plain', '--answers', typed]);
    expect(refusedNames.code).toBe(2);
    expect(refusedNames.stderr).toContain('requires SSH-signed sign-offs, but the answer to "sign" types a name for ca');

    expect((await cli(['sign', bundle, '--step', 'sign', '--role', 'ca', '--key', f.key.bob])).code).toBe(0);
    const go = writeAnswers(f.dir, 'go.yaml', 'answers:\n  decide: { option: go-rehearsal }\n');
    const end = await cliInProcess(['resume', bundle, '--plain', '--answers', go]);
    expect(end.code, end.stdout + end.stderr).toBe(0);
    expect((await cliInProcess(['verify', bundle])).code).toBe(0);
  }, 180_000);

  it('a signature over older evidence is refused as that; a message file is signed beside it', async () => {
    const f = signedFixture();
    const first = await cliInProcess(['run', f.runbook, '--plain', '--operator', 'Olga Operator', '--evidence-dir', f.evidence]);
    expect(first.code).toBe(3);
    const bundle = onlyBundle(f.evidence);
    // The approver got the text by mail and signs it with the tool, away from the bundle.
    const away = join(f.dir, 'pa.msg');
    copyFileSync(join(bundle, 'signoffs/sign/pa.msg'), away);
    const signed = await cli(['sign', away, '--step', 'sign', '--role', 'pa', '--key', f.key.alice]);
    expect(signed.code, signed.stderr).toBe(0);
    const armored = readFileSync(join(f.dir, 'pa.sig'), 'utf8');
    expect(armored).toMatch(/^-----BEGIN SSH SIGNATURE-----/);
    // Meanwhile the evidence changed: "hello" ran again; the run requests the text anew.
    const again = await cliInProcess(['resume', bundle, '--plain', '--retry', 'hello']);
    expect(again.code, again.stdout + again.stderr).toBe(3);
    const pasted = writeAnswers(f.dir, 'pasted.yaml', `answers:\n  sign:\n    pa:\n      signature: |\n${armored.trimEnd().split('\n').map((l) => `        ${l}`).join('\n')}\n`);
    const refused = await cliInProcess(['resume', bundle, '--plain', '--answers', pasted]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/the signature for pa: the signature binds to evidence digest [0-9a-f]{12}…, but the evidence is now [0-9a-f]{12}…: it changed after the request/);
    // The bundle is still sound: nothing was recorded.
    expect((await cliInProcess(['verify', bundle])).code).toBe(0);
  }, 180_000);

  it('lint checks the signers references; plan and run check the allowed-signers file', async () => {
    const f = signedFixture();
    const bad = join(f.dir, 'bad.yaml');
    writeFileSync(bad, readFileSync(f.runbook, 'utf8').replace('    ca: [bob@consumer.example]\n', '    cx: [bob@consumer.example]\n'));
    const lint = await cliInProcess(['lint', bad]);
    expect(lint.code).toBe(2);
    expect(lint.stdout + lint.stderr).toContain('signers.roles names undeclared role "cx"');
    expect(lint.stdout + lint.stderr).toContain('sign-off "sign" is signed by role "ca", but signers.roles names no principal for it');

    writeFileSync(f.allowed, 'alice@producer.example ssh-ed25519 not-base64!\n');
    const plan = await cliInProcess(['plan', f.runbook]);
    expect(plan.code).toBe(1);
    expect(plan.stdout).toContain(`signers.file: ${f.allowed}: line 1: the key is not base64`);
    const run = await cliInProcess(['run', f.runbook, '--plain', '--evidence-dir', f.evidence]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`signers.file: ${f.allowed}: line 1: the key is not base64`);
    expect(existsSync(f.evidence) ? onlyBundleOrNone(f.evidence) : undefined).toBeUndefined();
  }, 120_000);
});

function onlyBundleOrNone(dir: string): string | undefined {
  try {
    return onlyBundle(dir);
  } catch {
    return undefined;
  }
}
