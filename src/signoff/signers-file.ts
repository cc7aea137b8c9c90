// The runbook's `signers:` header on disk: where its allowed-signers file
// is (a path relative to the runbook, or a ${var}), reading and parsing it,
// and the copy a run keeps in its bundle (signoffs/allowed_signers) so
// anyone can check a sign-off later with ssh-keygen alone.
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { render, type RefContext } from '../runbook/resolve.js';
import type { Runbook } from '../runbook/types.js';
import { InputError } from '../shared/errors.js';
import { parseAllowedSigners, type AllowedSigner } from './keys.js';

/** The bundle's copy of the allowed-signers file. */
export const SIGNERS_COPY = 'signoffs/allowed_signers';
/** The most an allowed-signers file may hold: a few keys a line each. */
const MAX_SIGNERS_BYTES = 256 * 1024;

export interface SignersFile {
  path: string;
  text: string;
  entries: AllowedSigner[];
}

export function signersPath(runbook: Runbook, runbookDir: string, ctx: RefContext): string | undefined {
  if (!runbook.signers) return undefined;
  const p = render(runbook.signers.file, ctx);
  return isAbsolute(p) ? p : resolve(runbookDir, p);
}

/** Reads and parses an allowed-signers file, or says what is wrong with it (naming the file) and how to fix it. */
export function readSignersFile(path: string, runbook?: Runbook): { ok: true; file: SignersFile } | { ok: false; message: string; hint: string } {
  let text: string;
  try {
    const st = statSync(path);
    if (!st.isFile()) return { ok: false, message: `${path}: the allowed-signers file is not a regular file`, hint: 'point signers.file at the allowed-signers file (one "<principal> <key type> <key>" a line)' };
    if (st.size > MAX_SIGNERS_BYTES) return { ok: false, message: `${path}: the allowed-signers file is ${st.size} bytes; at most ${MAX_SIGNERS_BYTES} are read`, hint: 'check that signers.file names the allowed-signers file' };
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return { ok: false, message: `${path}: cannot read the allowed-signers file (${(err as NodeJS.ErrnoException).code ?? String(err)})`, hint: 'create it (docs/signoffs.md says how each approver adds their key) or fix signers.file in the runbook' };
  }
  const parsed = parseAllowedSigners(text);
  if (!parsed.ok) return { ok: false, message: `${path}: ${parsed.problem}`, hint: 'each line is "<principal>[,<principal>…] [options] <key type> <base64 key> [comment]", as ssh-keygen(1) describes under ALLOWED SIGNERS' };
  if (runbook?.signers) {
    const missing = Object.entries(runbook.signers.roles).flatMap(([role, principals]) => principals.filter((p) => !parsed.value.some((e) => e.principals.includes(p))).map((p) => `${p} (${role})`));
    if (missing.length) return { ok: false, message: `${path}: no key for ${missing.join(', ')}, named under signers.roles`, hint: 'add a line "<principal> <key type> <key>" for each of them (their ~/.ssh/id_ed25519.pub), or fix the principal in the runbook' };
  }
  return { ok: true, file: { path, text, entries: parsed.value } };
}

/** The file of a runbook about to run; an InputError naming it otherwise. */
export function loadSignersForRun(runbook: Runbook, runbookDir: string, ctx: RefContext, runbookFile: string): SignersFile | undefined {
  const path = signersPath(runbook, runbookDir, ctx);
  if (path === undefined) return undefined;
  const r = readSignersFile(path, runbook);
  if (!r.ok) throw new InputError(`${runbookFile}: signers.file: ${r.message}`, r.hint);
  return r.file;
}

/** Plan's preflight of the file (problems in plan's words). */
export function signersProblems(runbook: Runbook, runbookDir: string, ctx: RefContext): { message: string; hint: string }[] {
  let path: string | undefined;
  try {
    path = signersPath(runbook, runbookDir, ctx);
  } catch {
    return []; // a var it uses has no value: reported with the vars
  }
  if (path === undefined || path.includes('${')) return [];
  const r = readSignersFile(path, runbook);
  return r.ok ? [] : [{ message: `signers.file: ${r.message}`, hint: r.hint }];
}
