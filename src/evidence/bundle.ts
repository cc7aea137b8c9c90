// The evidence bundle on disk (DESIGN §5): its directory, the runbook copy,
// per-attempt log paths, and the closing files (manifest.json,
// decision-record.md, SHA256SUMS) written from the folded state.
import { createHash } from 'node:crypto';
import { createReadStream, lstatSync, mkdirSync, readdirSync, readlinkSync, realpathSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fsyncDir, mkdirDurable, writeFileDurable } from '../shared/durable.js';
import { EvidenceWriteError, InputError } from '../shared/errors.js';
import { isInside, resolveInside, TEMP_DIR } from '../shared/inside.js';
import { entryKind, listBundleEntries, sha256Regular, sumsLine } from './bundle-files.js';

export const RUNBOOK_COPY = 'runbook.yaml';
export const MANIFEST = 'manifest.json';
export const DECISION_RECORD = 'decision-record.md';
export const SUMS = 'SHA256SUMS';
export const LOCK = '.lock';

/** Top-level entries that are not evidence and are left out of SHA256SUMS (TEMP_DIR: temporary files). */
export const NOT_EVIDENCE = new Set([SUMS, LOCK, TEMP_DIR]);

export function bundleName(runbookId: string, at: Date): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}_${runbookId}`;
}

/** Creates a fresh bundle directory under `evidenceDir`, never reusing one; its entry is fsync'd. */
export function createBundleDir(evidenceDir: string, runbookId: string, at: Date): string {
  mkdirDurable(evidenceDir);
  const base = join(evidenceDir, bundleName(runbookId, at));
  for (let i = 0; ; i++) {
    const dir = i === 0 ? base : `${base}-${i}`;
    try {
      mkdirSync(dir);
      fsyncDir(evidenceDir);
      return dir;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

export function attemptDir(bundleDir: string, stepId: string, attempt: number): string {
  return resolveInside(bundleDir, ['steps', stepId, `attempt-${attempt}`], 'the attempt directory', 'step ids are lower-case letters, digits, - and _ (docs/runbook-format.md)');
}

/** The file a notice's text is written to, `notices/<step-id>.md` (and the paste-ready `.txt`), proven inside the bundle. */
export function noticeFile(bundleDir: string, stepId: string, ext: 'md' | 'txt' = 'md', update?: number): { rel: string; path: string } {
  const name = `${stepId}${update !== undefined ? `.update-${update}` : ''}.${ext}`; // a status update: notices/<step>.update-<n>.<ext>
  const path = resolveInside(bundleDir, ['notices', name], 'the notice text', 'step ids are lower-case letters, digits, - and _ (docs/runbook-format.md)');
  return { rel: `notices/${name}`, path };
}

/**
 * Creates an attempt's directory for a new attempt. An attempt directory is
 * never reused: one that exists and holds anything is evidence the journal
 * does not know about, and is refused (an empty one is what a crash between
 * its creation and step.started leaves, and is taken).
 */
export function claimAttemptDir(dir: string): void {
  mkdirDurable(dirname(dir));
  try {
    mkdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw EvidenceWriteError.from(dir, err);
    if (readdirSync(dir).length === 0) return;
    throw new InputError(`${dir} already holds evidence that the journal does not record; an attempt directory is never reused`, 'the journal may have been cut back or the bundle altered; run `cutover verify` on the bundle, and start a new run');
  }
  fsyncDir(dirname(dir));
}

/**
 * Empties the bundle's TEMP_DIR: the temp files of writes that a crash cut
 * short (written, never renamed into place). Nothing else is a temp file,
 * whatever its name. Only for a bundle no live process is writing: call it
 * after the lock check, before the run continues. A link there is removed,
 * never followed.
 */
export function removeStaleTempFiles(bundleDir: string): string[] {
  const dir = resolveInside(bundleDir, [TEMP_DIR], 'the temporary directory', `remove ${TEMP_DIR} from the bundle (cutover keeps only temporary files there)`);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  for (const name of names) rmSync(join(dir, name), { recursive: true, force: true });
  if (names.length) fsyncDir(dir);
  return names.map((n) => `${TEMP_DIR}/${n}`);
}

/** A file of the bundle's TEMP_DIR (never evidence; removed on resume). */
export function isTempFile(file: string): boolean {
  return file.startsWith(`${TEMP_DIR}/`);
}

/** Every entry of the bundle but its directories (bundle-relative, `/`-separated, sorted); links and FIFOs too, never followed. */
export function listBundleFiles(bundleDir: string): string[] {
  return listBundleEntries(bundleDir).map((e) => e.path);
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Writes SHA256SUMS over every regular file but itself, the lock and the
 * temp files, in `sha256sum -c` format (GNU's escaped form for a name with
 * a backslash or a line break). Logs whose digest the runner computed while
 * writing them (`known`) are not read again: if such a file changed since,
 * its recorded digest no longer matches and verify reports it, which is what
 * SHA256SUMS is for. Anything that is not a regular file (a link, a FIFO:
 * cutover writes none) is never opened nor listed; verify reports it.
 */
export async function writeSums(bundleDir: string, known: ReadonlyMap<string, { bytes: number; sha256: string }> = new Map()): Promise<void> {
  const files = listBundleEntries(bundleDir).filter((e) => e.kind === 'file' && !e.badName && !NOT_EVIDENCE.has(e.path.split('/')[0]!));
  const lines: string[] = [];
  for (const { path: f } of files) {
    const k = known.get(f);
    const digest = k && lstatSync(join(bundleDir, f)).size === k.bytes ? k.sha256 : await sha256Regular(join(bundleDir, f));
    lines.push(sumsLine(digest, f));
  }
  writeFileDurable(join(bundleDir, SUMS), `${lines.join('\n')}\n`, bundleDir);
}

/** A directory with a journal.ndjson that is a regular file (a link or a FIFO there is not followed). */
export function isBundleDir(dir: string): boolean {
  try {
    return statSync(dir).isDirectory() && lstatSync(join(dir, 'journal.ndjson')).isFile();
  } catch {
    return false;
  }
}

/** Where a write to `path` would land: links followed (a dangling one too), then the real path of the nearest existing directory. */
function landingOf(path: string): string {
  let p = resolve(path);
  for (let i = 0; i < 40 && entryKind(p) === 'symbolic link'; i++) p = resolve(dirname(p), readlinkSync(p));
  const rest: string[] = [];
  for (let d = p; ; d = dirname(d)) {
    try {
      return join(realpathSync(d), ...rest.reverse());
    } catch {
      if (dirname(d) === d) return p;
      rest.push(basename(d));
    }
  }
}

/**
 * Refuses a write outside the bundle machinery (`report --out`, `check
 * artifact-digest --copy-to`) that would land in an evidence bundle: in a
 * directory holding a journal.ndjson or below one, or — for `bundle` — on a
 * hard link to one of its files. `what` names the flag and the path.
 */
export function refuseBundleTarget(path: string, what: string, bundle?: string): void {
  const landing = landingOf(path);
  for (let d = landing; ; d = dirname(d)) {
    if (entryKind(join(d, 'journal.ndjson')) !== undefined) {
      throw new InputError(`${what}: ${landing} is ${d === landing ? 'an evidence bundle' : `inside the evidence bundle ${d}`}; writing there would change its evidence (verify would report it, or a file of the run would be overwritten)`, 'write it outside the bundle, e.g. next to it');
    }
    if (dirname(d) === d) break;
  }
  if (!bundle) return;
  let info;
  try {
    info = statSync(landing);
  } catch {
    return; // a new file
  }
  const real = realpathSync(bundle);
  const same = listBundleEntries(bundle).find((e) => e.kind === 'file' && !e.badName && lstatSync(join(real, e.path)).ino === info.ino && lstatSync(join(real, e.path)).dev === info.dev);
  if (same || isInside(real, landing)) {
    throw new InputError(`${what}: ${landing} is ${same ? `the bundle's ${same.path} (a hard link to it)` : 'inside the bundle'}; writing there would overwrite its evidence`, 'write it to a new file outside the bundle');
  }
}
