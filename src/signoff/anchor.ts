// The allowed-signers file `cutover verify` trusts (docs/signoffs.md §5).
// The bundle's copy (signoffs/allowed_signers) is vouched for only by the
// digest in run.started, in the same journal a forger can rewrite with
// every hash recomputed: it proves the signatures are consistent with the
// bundle, not that the keys are the team's. An anchor from outside the
// bundle — the team's own file, given with --allowed-signers or found
// through --runbook — must list every key that signed, for its principal.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { JournalEvent } from '../engine/events.js';
import { resolvePins } from '../runbook/resolve.js';
import type { Runbook } from '../runbook/types.js';
import { keysOf } from './keys.js';
import { readSignersFile, signersPath, type SignersFile } from './signers-file.js';
import { sshVerify } from './ssh-keygen.js';

export interface SignersAnchor extends SignersFile {
  /** How verify came to it: `--allowed-signers`, or the runbook's signers file (`--runbook`). */
  via: string;
}

/** One key verify accepted a signature of, for the report. */
export interface TrustedSigner {
  step: string;
  role: string;
  principal: string;
  key: string;
}

/** What the signatures were checked against, and which keys were trusted: printed by verify so a reader sees it. */
export interface SignersReport {
  /** The file the keys were held against: the team's (an anchor) or the bundle's own copy. */
  checked_against: string;
  anchored: boolean;
  trusted: TrustedSigner[];
}

export const NO_ANCHOR_WORDS = "signatures checked against the bundle's own allowed_signers copy — give --allowed-signers to check them against your team's file";

/**
 * The runbook's own signers file when verify was given --runbook and it
 * resolves (with the run's vars) to a file that exists; a problem when it
 * exists but cannot be read; nothing otherwise.
 */
export function runbookAnchor(runbook: Runbook, runbookFile: string, started: Extract<JournalEvent, { type: 'run.started' }>): { anchor?: SignersAnchor; problem?: string; note?: string } {
  if (!runbook.signers) return {};
  let path: string | undefined;
  try {
    const vars = started.vars && typeof started.vars === 'object' ? started.vars : {};
    path = signersPath(runbook, dirname(resolve(runbookFile)), { vars, ...resolvePins(runbook, vars) });
  } catch {
    return { note: `the runbook's signers.file ${JSON.stringify(runbook.signers.file)} cannot be resolved here; ${NO_ANCHOR_WORDS}` };
  }
  if (!path || path.includes('${') || !existsSync(path)) return { note: `the runbook's signers file ${path ?? runbook.signers.file} does not exist here; ${NO_ANCHOR_WORDS}` };
  const r = readSignersFile(path);
  if (!r.ok) return { problem: `${r.message} (the runbook's signers file, used as the anchor because of --runbook): ${r.hint}` };
  return { anchor: { ...r.file, via: `the runbook's signers file (--runbook)` } };
}

/**
 * Holds a signature verify accepted against the bundle's copy against the
 * anchor too: its key must be listed there for its principal, and
 * ssh-keygen must accept it with the anchor's line (namespaces, validity).
 * Returns the problem in words, or undefined.
 */
export function anchorProblem(anchor: SignersAnchor, principal: string, fingerprint: string, armored: string, message: string, at: string | undefined): string | undefined {
  if (!keysOf(anchor.entries, principal).includes(fingerprint)) {
    const owners = anchor.entries.filter((e) => e.fingerprint === fingerprint).flatMap((e) => e.principals);
    return `key ${fingerprint} signed as "${principal}", but ${anchor.path} (${anchor.via}) does not list that key for "${principal}"${owners.length ? ` (it lists it for ${owners.join(', ')})` : ''}: the bundle's allowed_signers copy vouches for a key your team's file does not — a forged bundle, or the key was removed from the team's file since the run`;
  }
  const verdict = sshVerify(anchor.text, principal, armored, message, { ...(at ? { at } : {}), fingerprint });
  return verdict.ok ? undefined : `ssh-keygen -Y verify with ${anchor.path} (${anchor.via}) refused the signature of "${principal}": ${verdict.reason}`;
}

export function signersReport(anchor: SignersAnchor | undefined, trusted: TrustedSigner[]): SignersReport {
  return anchor ? { checked_against: `${anchor.path} (${anchor.via})`, anchored: true, trusted } : { checked_against: 'signoffs/allowed_signers (the bundle\'s own copy)', anchored: false, trusted };
}
