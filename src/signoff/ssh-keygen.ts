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

const SSH_KEYGEN = process.env.CUTOVER_SSH_KEYGEN || 'ssh-keygen';

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
}

/**
 * `ssh-keygen -Y verify -f <allowed> -I <principal> -n cutover-signoff -s <sig>`
 * with `message` on stdin: the signature is valid for that principal, in the
 * namespace, over exactly that text.
 */
export function sshVerify(allowedSignersText: string, principal: string, armored: string, message: string): SshVerdict {
  const dir = mkdtempSync(join(tmpdir(), 'cutover-verify-'));
  try {
    writeFileSync(join(dir, 'allowed_signers'), allowedSignersText);
    writeFileSync(join(dir, 'signature.sig'), armored);
    const r = spawnSync(SSH_KEYGEN, ['-Y', 'verify', '-f', join(dir, 'allowed_signers'), '-I', principal, '-n', SIGNOFF_NAMESPACE, '-s', join(dir, 'signature.sig')], { input: message, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
    if (r.error) missingTool(r.error as NodeJS.ErrnoException);
    return { ok: r.status === 0, output: firstLines(`${r.stdout}\n${r.stderr}`) };
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
