// What `cutover verify` reads of a bundle's files, read without trusting
// them: every entry is listed without following a link; anything that is not
// a regular file or a directory (a link, a FIFO, a device, a socket) or whose
// name is not UTF-8 is reported and never opened; the regular files are
// hashed once (opened without following a link and without blocking); and
// SHA256SUMS is parsed as `sha256sum -c` reads it, GNU's escapes included.
import { readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { TEMP_DIR } from '../shared/inside.js';
import { listBundleEntries, NotRegularError, parseSumsLine, sha256Regular } from './bundle-files.js';
import { DECISION_RECORD, LOCK, MANIFEST, RUNBOOK_COPY, SUMS } from './bundle.js';
import { JOURNAL_FILE } from './journal.js';

type Report = (file: string, message: string) => void;

/** The files verify reads by name: if one is not a regular file, nothing more is checked. */
const READ_BY_NAME = new Set([JOURNAL_FILE, SUMS, MANIFEST, DECISION_RECORD, RUNBOOK_COPY]);

export interface BundleScan {
  /** The regular files, bundle-relative (the lock and the temp directory left out). */
  files: string[];
  /** sha256 of each of `files` but SHA256SUMS. */
  digests: Map<string, string>;
  /** A file verify reads by name is not a regular file: it was reported, and must not be opened. */
  blocked: boolean;
}

function notRegular(bundleDir: string, path: string, kind: string): string {
  let target = '';
  if (kind === 'symbolic link') {
    try {
      target = ` (to ${readlinkSync(join(bundleDir, path))})`;
    } catch {
      // gone meanwhile: the kind says enough
    }
  }
  return `is a ${kind}${target}, not a regular file: a bundle holds only regular files and directories and cutover never writes a ${kind}, so it was put there after the run; it was not opened — restore the file from a trusted copy of the bundle`;
}

/** Lists and hashes the bundle, reporting every entry that is not evidence cutover could have written. */
/** The request, claim and answer files of `cutover trigger` (session/trigger-requests.ts): never evidence, and harmless once their command has gone. */
const TRIGGER_FILE = /^trigger-(?:request|claimed|answer|part)-[a-f0-9]{16}\.json$/;

export async function scanBundle(bundleDir: string, report: Report, note: Report = report): Promise<BundleScan> {
  const files: string[] = [];
  const digests = new Map<string, string>();
  let blocked = false;
  const seen = new Map<string, string>();
  for (const entry of listBundleEntries(bundleDir)) {
    const { path, kind } = entry;
    if (entry.badName) {
      report(path, `has a name that is not valid UTF-8 (each invalid byte shown as U+FFFD): cutover never writes such a name, so it was put there after the run; it was not opened`);
      continue;
    }
    if (kind !== 'file') {
      report(path, notRegular(bundleDir, path, kind));
      if (READ_BY_NAME.has(path)) blocked = true;
      continue;
    }
    if (path === LOCK) continue;
    if (path.startsWith(`${TEMP_DIR}/`) && TRIGGER_FILE.test(path.slice(TEMP_DIR.length + 1))) {
      note(path, `is left by a \`cutover trigger\` request whose command or session stopped: it is not evidence and changes nothing; delete it: rm ${join(bundleDir, path)}`);
      continue;
    }
    if (path.startsWith(`${TEMP_DIR}/`)) {
      report(path, 'is a temporary file left by a write that was cut short (a crash): it is not evidence; `cutover resume` removes it');
      continue;
    }
    files.push(path);
    if (path === SUMS) continue;
    try {
      digests.set(path, await sha256Regular(join(bundleDir, path), seen));
    } catch (err) {
      // Replaced between the listing and the open: reported, never read.
      if (!(err instanceof NotRegularError)) throw err;
      report(path, notRegular(bundleDir, path, err.kind));
      files.pop();
      if (READ_BY_NAME.has(path)) blocked = true;
    }
  }
  return { files, digests, blocked };
}

/** The lines of SHA256SUMS: each listed name with its digest, and the numbers of the malformed lines. */
export function readSums(bundleDir: string): { listed: Map<string, string>; malformed: number[] } {
  const listed = new Map<string, string>();
  const malformed: number[] = [];
  readFileSync(join(bundleDir, SUMS), 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line === '') return;
      const parsed = parseSumsLine(line);
      if (parsed) listed.set(parsed.name, parsed.digest);
      else malformed.push(i + 1);
    });
  return { listed, malformed };
}

/** Every file against SHA256SUMS, and every file listed there. `files` and `digests` come from scanBundle. */
export function checkSums(bundleDir: string, files: readonly string[], digests: ReadonlyMap<string, string>, report: Report): void {
  if (!files.includes(SUMS)) {
    report(SUMS, 'is missing: the bundle was never summarized (the run may have been killed); `cutover resume` writes it');
    return;
  }
  const { listed, malformed } = readSums(bundleDir);
  for (const n of malformed) report(SUMS, `line ${n} is not "<sha256>  <file>" (nor GNU's escaped form "\\<sha256>  <file>")`);
  for (const [file, expected] of listed) {
    const actual = digests.get(file);
    if (actual === undefined) report(file, 'is listed in SHA256SUMS but missing from the bundle (or not a regular file)');
    else if (actual !== expected) report(file, `sha256 ${actual} does not match SHA256SUMS (${expected}): the file was changed`);
  }
  for (const f of files) {
    if (f !== SUMS && !listed.has(f)) report(f, 'is not listed in SHA256SUMS: it was added or renamed after the bundle was written');
  }
}
