// SSH key material read without a program: the allowed-signers file (git's
// and ssh-keygen's format, see ssh-keygen(1) "ALLOWED SIGNERS") and the
// armored SSHSIG signature (PROTOCOL.sshsig), down to the signer's public
// key and its SHA256 fingerprint. Verifying a signature is left to
// ssh-keygen (ssh-keygen.ts); this only tells keys apart.
import { createHash } from 'node:crypto';

export interface AllowedSigner {
  /** 1-based line of the file. */
  line: number;
  principals: string[];
  keyType: string;
  /** `SHA256:<base64 without padding>`, as `ssh-keygen -l` prints it. */
  fingerprint: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

const KEY_TYPE = /^(ssh-ed25519|ssh-rsa|ssh-dss|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com|ssh-ed448)$/;

export function fingerprintOf(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** Splits a line on blanks, keeping "quoted strings" (with their quotes removed) together. */
function tokens(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  let has = false;
  for (const ch of line) {
    if (ch === '"') {
      quoted = !quoted;
      has = true;
    } else if (!quoted && (ch === ' ' || ch === '\t')) {
      if (has) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += ch;
      has = true;
    }
  }
  if (has) out.push(cur);
  return out;
}

/** The entries of an allowed-signers file, or the first line that is not one. */
export function parseAllowedSigners(text: string): Parsed<AllowedSigner[]> {
  const out: AllowedSigner[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.replace(/\r$/, '').trim();
    if (!raw || raw.startsWith('#')) continue;
    const t = tokens(raw);
    const at = t.findIndex((x, j) => j >= 1 && KEY_TYPE.test(x));
    if (at < 0 || t[at + 1] === undefined) return { ok: false, problem: `line ${i + 1} is not "<principals> [options] <key type> <base64 key>": no key type such as ssh-ed25519 follows the principals` };
    if (t.slice(1, at).some((o) => /^cert-authority$/i.test(o))) return { ok: false, problem: `line ${i + 1} is a cert-authority line: a sign-off is signed with an approver's own key, which such a line never accepts (ssh-keygen -Y verify refuses every signature under it); list each approver's public key instead` };
    const blob = Buffer.from(t[at + 1]!, 'base64');
    if (blob.length < 8 || blob.toString('base64').replace(/=+$/, '') !== t[at + 1]!.replace(/=+$/, '')) return { ok: false, problem: `line ${i + 1}: the key is not base64` };
    const typeInBlob = readString(blob, 0);
    if (!typeInBlob || typeInBlob.value.toString('utf8') !== t[at]) return { ok: false, problem: `line ${i + 1}: the key data is not a ${t[at]} key` };
    const principals = t[0]!.split(',').map((p) => p.trim()).filter(Boolean);
    if (!principals.length) return { ok: false, problem: `line ${i + 1} names no principal` };
    out.push({ line: i + 1, principals, keyType: t[at]!, fingerprint: fingerprintOf(blob) });
  }
  return { ok: true, value: out };
}

/** The fingerprints of the keys `principal` may sign with (principal patterns are not supported: names must match exactly). */
export function keysOf(signers: readonly AllowedSigner[], principal: string): string[] {
  return signers.filter((s) => s.principals.includes(principal)).map((s) => s.fingerprint);
}

function readString(buf: Buffer, off: number): { value: Buffer; next: number } | undefined {
  if (off + 4 > buf.length) return undefined;
  const len = buf.readUInt32BE(off);
  if (off + 4 + len > buf.length) return undefined;
  return { value: buf.subarray(off + 4, off + 4 + len), next: off + 4 + len };
}

export interface SshSig {
  namespace: string;
  keyType: string;
  fingerprint: string;
  hashAlgorithm: string;
}

const BEGIN = '-----BEGIN SSH SIGNATURE-----';
const END = '-----END SSH SIGNATURE-----';

/**
 * An armored signature as ssh-keygen writes it (base64 in lines of 70, one
 * trailing newline), whatever a paste did to it: indentation, blank lines,
 * carriage returns, or its line breaks lost. Text that is not one armored
 * signature is returned trimmed, for parseSshSig to refuse.
 */
export function normalizeArmored(text: string): string {
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (start < 0 || end < start || text.indexOf(BEGIN, start + 1) >= 0) return `${text.trim()}\n`;
  const body = text.slice(start + BEGIN.length, end).replace(/\s+/g, '');
  return `${[BEGIN, ...(body.match(/.{1,70}/g) ?? []), END].join('\n')}\n`;
}

/** What an armored SSH signature says about itself (not whether it is valid). */
export function parseSshSig(armored: string): Parsed<SshSig> {
  const text = normalizeArmored(armored);
  const lines = text.trimEnd().split('\n');
  if (lines[0] !== BEGIN || lines[lines.length - 1] !== END) return { ok: false, problem: `it is not an armored SSH signature (it must start with ${BEGIN} and end with ${END})` };
  const blob = Buffer.from(lines.slice(1, -1).join(''), 'base64');
  if (blob.subarray(0, 6).toString('latin1') !== 'SSHSIG' || blob.length < 10) return { ok: false, problem: 'its data does not start with the SSHSIG magic' };
  const version = blob.readUInt32BE(6);
  if (version !== 1) return { ok: false, problem: `it is SSHSIG version ${version}; version 1 is understood` };
  const key = readString(blob, 10);
  const ns = key && readString(blob, key.next);
  const reserved = ns && readString(blob, ns.next);
  const hash = reserved && readString(blob, reserved.next);
  const sig = hash && readString(blob, hash.next);
  if (!key || !ns || !hash || !sig) return { ok: false, problem: 'its data is cut short' };
  const keyType = readString(key.value, 0)?.value.toString('utf8') ?? '?';
  return { ok: true, value: { namespace: ns.value.toString('utf8'), keyType, fingerprint: fingerprintOf(key.value), hashAlgorithm: hash.value.toString('utf8') } };
}
