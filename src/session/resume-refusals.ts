// The refusals of a resume that come before anything is written: a bundle
// holding what cutover never writes, a journal that does not account for
// the evidence in the bundle, a runbook changed at the path the run started
// from. Each is an InputError that says what was found and what to do.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { summariesAhead, unaccountedFiles } from '../evidence/accounts.js';
import { listBundleEntries } from '../evidence/bundle-files.js';
import { MANIFEST } from '../evidence/bundle.js';
import { sha256 } from '../evidence/canonical.js';
import type { JournalEvent } from '../engine/events.js';
import { JOURNAL_FILE } from '../evidence/journal.js';
import { InputError } from '../shared/errors.js';
import { printableName } from '../shared/printable.js';

/**
 * A journal cut back to a prefix of itself is still a valid chain; what
 * gives it away is the evidence the longer journal had recorded — closing
 * summaries of later events, attempts it never started. Resuming such a
 * bundle would reuse those attempts and could reach a GO the full journal
 * refused, so it is refused before anything is written.
 */
export function refuseUnaccounted(bundleDir: string, files: readonly string[], events: readonly JournalEvent[]): void {
  let manifestText: string | undefined;
  try {
    manifestText = readFileSync(join(bundleDir, MANIFEST), 'utf8');
  } catch {
    manifestText = undefined;
  }
  const problems = [summariesAhead(manifestText, events)].filter((p): p is string => p !== undefined);
  const unaccounted = unaccountedFiles(files, events, { crashLeftovers: true });
  for (const u of unaccounted) problems.push(`${printableName(u.file)} ${u.message}`);
  if (problems.length === 0) return;
  const shown = problems.slice(0, 5).map((p) => `  - ${p}`).join('\n');
  const more = problems.length > 5 ? `\n  … and ${problems.length - 5} more` : '';
  // A file dropped in by hand (a desktop's .DS_Store, a note) is not a cut journal: say how to tell.
  const stray = problems.length === unaccounted.length && unaccounted.every((u) => u.message.startsWith('is not part of the bundle layout'));
  throw new InputError(
    `${printableName(join(bundleDir, JOURNAL_FILE))}: the journal does not account for evidence already in the bundle, so it cannot be resumed:\n${shown}${more}`,
    stray
      ? 'these files are not cutover\'s; if you put them there, move them out of the bundle and resume again'
      : 'the journal may have been cut back or the bundle altered; run `cutover verify` on it, and start a new run',
  );
}

/**
 * Resume runs the bundle's copy of the runbook. Someone who can write the
 * bundle could put other commands in that copy (and its digest in the
 * journal); the runbook the run started from, where it is still at hand,
 * says otherwise. A runbook changed since the start is refused either way:
 * the run goes on only with the runbook it started with.
 */
export function refuseChangedOrigin(origin: string, recorded: string, copy: string): void {
  let text: Buffer;
  try {
    if (!statSync(origin).isFile()) return;
    text = readFileSync(origin);
  } catch {
    return; // another machine, or moved: the copy is all there is
  }
  const now = sha256(text);
  if (now === recorded) return;
  throw new InputError(
    `${printableName(origin)}: the runbook this run started from has changed since (sha256 ${now}, the run started with ${recorded}); the bundle's copy ${printableName(copy)} is not resumed against it`,
    'restore the runbook to the version the run started with (e.g. `git stash` or check out that commit) and resume, or start a new run with the changed runbook',
  );
}

/** Anything in the bundle that is not a regular file or a directory (a link, a FIFO, a device) is refused before anything is opened; returns the files. */
export function refuseNotRegular(bundleDir: string): string[] {
  const entries = listBundleEntries(bundleDir);
  const odd = entries.filter((e) => e.kind !== 'file' || e.badName);
  if (odd.length === 0) return entries.map((e) => e.path);
  const shown = odd.slice(0, 5).map((e) => `  - ${printableName(e.path)} is ${e.badName ? 'named with bytes that are not UTF-8' : `a ${e.kind}`}`).join('\n');
  throw new InputError(
    `${printableName(bundleDir)}: the bundle holds what cutover never writes, so it is not opened:\n${shown}${odd.length > 5 ? `\n  … and ${odd.length - 5} more` : ''}`,
    'run `cutover verify` on it; a bundle with links, FIFOs or devices in it was altered',
  );
}
