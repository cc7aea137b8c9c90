// Review fixes (issue 12, F7): a runbook principal that ssh-keygen would read
// as a pattern or an option is a lint error, and a cert-authority line of
// the allowed-signers file (which can never verify a sign-off) is refused
// by plan, naming the file and line.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sshVerify } from '../../src/signoff/ssh-keygen.js';
import { cliInProcess } from '../helpers/cli-in-process.js';
import { publicKey, signedFixture } from './fixture.js';

describe('principals and allowed-signers lines that can never work', () => {
  it('lint names each bad principal with its path', async () => {
    const f = signedFixture();
    const text = readFileSync(f.runbook, 'utf8').replace('pa: [alice@producer.example]', 'pa: ["*", "!x", "-Ifoo", "a,b", "bob ", alice@producer.example]');
    writeFileSync(f.runbook, text);
    const r = await cliInProcess(['lint', f.runbook]);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    const out = r.stdout + r.stderr;
    expect(out).toContain('principal "*" of role "pa" holds a wildcard');
    expect(out).toContain('principal "!x" of role "pa" starts with "!"');
    expect(out).toContain('principal "-Ifoo" of role "pa" starts with "-"');
    expect(out).toContain('principal "a,b" of role "pa" holds a comma');
    expect(out).toContain('principal "bob " of role "pa" has leading or trailing spaces');
    expect(out).not.toContain('principal "alice@producer.example"');
  });

  it('plan refuses a cert-authority line of the allowed-signers file', async () => {
    const f = signedFixture();
    writeFileSync(f.allowed, `${readFileSync(f.allowed, 'utf8')}*@producer.example cert-authority ${publicKey(f.key.mallory)}\n`);
    const r = await cliInProcess(['plan', f.runbook]);
    expect(r.code, r.stdout + r.stderr).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/allowed_signers: line 6 is a cert-authority line/);
  });
});

describe('ssh-keygen -Y verify as cutover runs it (F7, F8)', () => {
  it('judges a key with valid-before at the time the signature was recorded, and gives ssh-keygen\'s own reason otherwise', () => {
    const f = signedFixture();
    const text = 'format: cutover-signoff/v1\n';
    const armored = execFileSync('ssh-keygen', ['-Y', 'sign', '-f', f.key.alice, '-n', 'cutover-signoff'], { input: text, encoding: 'utf8', stdio: ['pipe', 'pipe', 'ignore'] });
    const expired = `alice@producer.example valid-before="20260101" ${publicKey(f.key.alice)}\n`;
    expect(sshVerify(expired, 'alice@producer.example', armored, text, { at: '2025-11-30T12:00:00.000Z' })).toMatchObject({ ok: true });
    const now = sshVerify(expired, 'alice@producer.example', armored, text);
    expect(now.ok).toBe(false);
    expect(now.reason).toMatch(/^allowed-signers line 1: key has expired/);
    const git = sshVerify(`alice@producer.example namespaces="git" ${publicKey(f.key.alice)}\n`, 'alice@producer.example', armored, text);
    expect(git.reason).toContain('not permitted for use in signature namespace "cutover-signoff"');
    const edited = sshVerify(`alice@producer.example ${publicKey(f.key.alice)}\n`, 'alice@producer.example', armored, `${text} `);
    expect(edited.reason).toMatch(/incorrect signature: the text was changed after it was signed/);
    // The key that made it must be the one expected, from ssh-keygen's own "Good" line.
    const other = sshVerify(`alice@producer.example ${publicKey(f.key.alice)}\n`, 'alice@producer.example', armored, text, { fingerprint: 'SHA256:x' });
    expect(other).toMatchObject({ ok: false });
    expect(other.reason).toMatch(/verified the signature with key SHA256:\S+, not SHA256:x/);
  });

  it('no environment variable replaces ssh-keygen', () => {
    expect(readFileSync(new URL('../../src/signoff/ssh-keygen.ts', import.meta.url), 'utf8')).not.toMatch(/process\.env/);
  });
});
