// The two calls of ssh-keygen a sign-off needs: `-Y sign` (the approver's
// side) and `-Y verify` (everyone else). Shelling out keeps the check the
// one the field already trusts, and the commands we print are the ones we
// run. The message goes through stdin, the signature and allowed-signers
// file through a private temp directory removed afterwards.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../shared/errors.js';
import { fingerprintOf } from './keys.js';
import { SIGNOFF_NAMESPACE } from './text.js';

// Always the ssh-keygen on PATH: no environment variable may swap the
// verifier, and its "Good ... signature" line is checked, not just its exit.
const SSH_KEYGEN = 'ssh-keygen';

function missingTool(err: NodeJS.ErrnoException | undefined): never {
  throw new InputError(`cannot run ssh-keygen (${err?.code ?? 'error'}): sign-offs of this runbook are SSH signatures`, 'install OpenSSH 8.2 or later (the openssh-client package) so that ssh-keygen is on PATH');
}

function firstLines(text: string): string {
  return text.trim().split('\n').filter(Boolean).slice(0, 3).join('; ');
}

/** Signs `message` with the private key `keyFile`; returns the armored signature. */
export function sshSign(keyFile: string, message: string): string {
  let mode: number;
  try {
    const st = statSync(keyFile);
    if (!st.isFile()) throw new InputError(`${keyFile}: is not a file`, 'pass the private key file with --key (e.g. ~/.ssh/id_ed25519)');
    mode = st.mode & 0o777;
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`${keyFile}: cannot read the key (${(err as NodeJS.ErrnoException).code ?? String(err)})`, 'pass the private key file with --key (e.g. ~/.ssh/id_ed25519)');
  }
  if (mode & 0o077) throw new InputError(`${keyFile}: the private key is readable by others (mode ${mode.toString(8).padStart(4, '0')}); ssh-keygen refuses to use it`, `run \`chmod 600 ${keyFile}\``);
  const r = spawnSync(SSH_KEYGEN, ['-Y', 'sign', '-f', keyFile, '-n', SIGNOFF_NAMESPACE], { input: message, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  if (r.error) missingTool(r.error as NodeJS.ErrnoException);
  if (r.status !== 0 || !r.stdout.includes('BEGIN SSH SIGNATURE')) {
    throw new InputError(`${keyFile}: ssh-keygen -Y sign failed: ${firstLines(r.stderr || r.stdout) || `exit ${String(r.status)}`}`, 'check that the file is your private key (not the .pub) and, if it has a passphrase, that you typed it');
  }
  return r.stdout;
}

export interface SshVerdict {
  ok: boolean;
  /** ssh-keygen's own words. */
  output: string;
  /** Why it refused, in words (empty when ok): ssh-keygen's reason, the temp file names left out. */
  reason: string;
}

export interface VerifyAt {
  /** When the signature was recorded (ISO 8601): the key's valid-after/valid-before are judged at that time. */
  at?: string;
  /** The key fingerprint that must have made the signature (SHA256:…), when known. */
  fingerprint?: string;
}

/** An ISO time as ssh-keygen's -Overify-time wants it (YYYYMMDDHHMMSSZ, UTC). */
export function sshTime(iso: string): string | undefined {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return undefined;
  return `${new Date(t).toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}

function refusalReason(stderr: string, allowedFile: string, sigFile: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.split(`${allowedFile}:`).join('allowed-signers line ').split(allowedFile).join('the allowed-signers file').split(sigFile).join('the signature').trim())
    .filter((l) => l && !/^Could not verify signature\.?$/.test(l));
  const said = lines.slice(0, 3).join('; ');
  if (!said) return 'ssh-keygen gave no reason: the allowed-signers line of the principal does not allow this key for signatures (a cert-authority line, or options such as namespaces= that exclude cutover-signoff)';
  if (/incorrect signature/i.test(said)) return `${said}: the text was changed after it was signed, or the signature belongs to another text`;
  return said;
}

/**
 * `ssh-keygen -Y verify -f <allowed> -I <principal> -n cutover-signoff -s <sig>`
 * with `message` on stdin: the signature is valid for that principal, in the
 * namespace, over exactly that text, at the time it was recorded. Holds only
 * when ssh-keygen exits 0 AND says "Good "cutover-signoff" signature for
 * <principal> with <type> key <fingerprint>" for that principal (and key).
 */
export function sshVerify(allowedSignersText: string, principal: string, armored: string, message: string, opts: VerifyAt = {}): SshVerdict {
  const dir = mkdtempSync(join(tmpdir(), 'cutover-verify-'));
  try {
    const allowedFile = join(dir, 'allowed_signers');
    const sigFile = join(dir, 'signature.sig');
    writeFileSync(allowedFile, allowedSignersText);
    writeFileSync(sigFile, armored);
    const time = opts.at ? sshTime(opts.at) : undefined;
    const args = ['-Y', 'verify', '-f', allowedFile, '-I', principal, '-n', SIGNOFF_NAMESPACE, '-s', sigFile, ...(time ? [`-Overify-time=${time}`] : [])];
    const r = spawnSync(SSH_KEYGEN, args, { input: message, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
    if (r.error) missingTool(r.error as NodeJS.ErrnoException);
    const output = firstLines(`${r.stdout}\n${r.stderr}`.split(allowedFile).join('allowed_signers').split(sigFile).join('signature.sig'));
    if (r.status !== 0) return { ok: false, output, reason: refusalReason(r.stderr ?? '', allowedFile, sigFile) };
    const good = /^Good "([^"]*)" signature for (.*) with (\S+) key (\S+)$/m.exec(r.stdout ?? '');
    if (!good) return { ok: false, output, reason: 'ssh-keygen exited 0 but did not say "Good "cutover-signoff" signature for …": the program called ssh-keygen is not OpenSSH\'s' };
    if (good[1] !== SIGNOFF_NAMESPACE || good[2] !== principal) return { ok: false, output, reason: `ssh-keygen vouched for "${good[2]}" in namespace "${good[1]}", not for "${principal}" in "${SIGNOFF_NAMESPACE}"` };
    if (opts.fingerprint && good[4] !== opts.fingerprint) return { ok: false, output, reason: `ssh-keygen verified the signature with key ${good[4]}, not ${opts.fingerprint}` };
    return { ok: true, output, reason: '' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The SHA256 fingerprint of the public half of a private key file (`ssh-keygen -y`). */
export function keyFingerprint(keyFile: string): string {
  const r = spawnSync(SSH_KEYGEN, ['-y', '-f', keyFile], { encoding: 'utf8', stdio: ['inherit', 'pipe', 'pipe'] });
  if (r.error) missingTool(r.error as NodeJS.ErrnoException);
  const blob = r.stdout.trim().split(/\s+/)[1];
  if (r.status !== 0 || !blob) throw new InputError(`${keyFile}: ssh-keygen -y cannot read the key: ${firstLines(r.stderr) || `exit ${String(r.status)}`}`, 'pass your private key file with --key (e.g. ~/.ssh/id_ed25519)');
  return fingerprintOf(Buffer.from(blob, 'base64'));
}
