// The bundle lock: one cutover process at a time writes a bundle. `.lock`
// holds the owner's pid, start time and boot id (see process-identity.ts),
// so a lock left by a crash, a kill -9 or a reboot is recognised as stale
// even when the pid now belongs to an unrelated process.
//
// The lock is created with its content in one step — a temp file linked to
// `.lock`, which fails if `.lock` exists — so no other process ever reads a
// lock that is there but still empty. A stale lock is replaced by renaming a
// temp file over it. Two processes replacing the same stale lock in the same
// instant could both proceed; each re-reads the lock afterwards, which
// narrows that window to the gap between the other's rename and read.
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EvidenceWriteError, InputError } from '../shared/errors.js';
import { LOCK } from '../evidence/bundle.js';
import { fsyncDir } from '../shared/durable.js';
import { tempPath } from '../shared/inside.js';
import { identityOf, isSameProcessAlive, parseIdentity, type ProcessIdentity } from '../runner/process-identity.js';

/** The identity this process writes into a lock (computed once: it does not change). */
let self: ProcessIdentity | undefined;

/**
 * What kind of holder a lock names, beside its identity: the command that
 * holds it (`cutover sign`, `cutover trigger`…) and whether it is a session
 * that picks up `cutover trigger` requests (session/trigger-requests.ts).
 * A one-shot writer holds the bundle for a moment and never looks.
 */
export interface LockHolder {
  pid: number;
  command: string;
  polls: boolean;
}

let command = 'cutover';
/** Bundles whose lock this process has marked as polling for requests. */
const polling = new Set<string>();

/** Names the command this process runs (cli.ts), recorded in every lock it takes. */
export function setLockCommand(name: string): void {
  command = name;
}
function selfIdentity(): ProcessIdentity {
  self ??= identityOf(process.pid);
  return self;
}

function isSelf(holder: ProcessIdentity): boolean {
  const me = selfIdentity();
  if (holder.pid !== me.pid) return false;
  if (holder.started && me.started && holder.started !== me.started) return false;
  if (holder.boot_id && me.boot_id && holder.boot_id !== me.boot_id) return false;
  return true;
}

/** Reads a lock: the JSON identity, or a bare pid as older versions wrote it. undefined: missing. */
function readHolder(path: string): ProcessIdentity | 'unreadable' | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = parseIdentity(text);
  if (parsed) return parsed;
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? { pid } : 'unreadable';
}

/** Writes the lock content to a temp file (fsync'd); the caller links or renames it into place. */
function writeTemp(bundleDir: string): string {
  // In the bundle's temp directory, created afresh (never through a link left there).
  const tmp = tempPath(bundleDir, 'lock');
  rmSync(tmp, { force: true });
  const fd = openSync(tmp, 'wx');
  let written = false;
  try {
    const data = Buffer.from(`${JSON.stringify({ ...selfIdentity(), command, ...(polling.has(resolve(bundleDir)) ? { polls: true } : {}) })}\n`);
    let off = 0;
    while (off < data.length) off += writeSync(fd, data, off, data.length - off, null);
    fsyncSync(fd);
    written = true;
  } finally {
    closeSync(fd);
    if (!written) rmSync(tmp, { force: true }); // disk full: no half-written temp file is left
  }
  return tmp;
}

function inUse(bundleDir: string, holder: ProcessIdentity): InputError {
  return new InputError(
    `${bundleDir}: the run is in use by another cutover process (pid ${holder.pid})`,
    'wait for it to finish or stop it (q in the TUI, Ctrl-C in plain mode), then resume; if that process is not cutover, the lock is stale: delete .lock in the bundle',
  );
}

/**
 * Takes the bundle's lock, or throws InputError when another live cutover
 * process holds it. A lock of a process that is gone (crash, kill -9,
 * reboot, or a pid since reused) is stale and replaced.
 */
/** Bundles this process holds: a second session on one of them would interleave the journal. */
const held = new Set<string>();

export function acquireLock(bundleDir: string): void {
  const key = resolve(bundleDir);
  if (held.has(key)) throw new InputError(`${bundleDir}: the run is already open in this cutover process`, 'finish or release the open session before resuming the run again');
  try {
    takeLock(bundleDir);
  } catch (error) {
    if (error instanceof InputError) throw error;
    // Disk full, I/O error: a clear error naming the lock, and no lock of ours left behind.
    releaseLock(bundleDir);
    throw EvidenceWriteError.from(join(bundleDir, LOCK), error);
  }
  held.add(key);
}

function takeLock(bundleDir: string): void {
  const path = join(bundleDir, LOCK);
  for (let round = 0; round < 3; round++) {
    const tmp = writeTemp(bundleDir);
    try {
      try {
        linkSync(tmp, path); // atomic, and fails if a lock exists
        fsyncDir(bundleDir);
        return;
      } catch (error) {
        // ENOENT: a resume that took the lock meanwhile emptied the temp directory; try again.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = readHolder(path);
      if (holder === undefined) continue; // released meanwhile: try again
      if (holder !== 'unreadable' && !isSelf(holder) && isSameProcessAlive(holder)) throw inUse(bundleDir, holder);
      // Stale (or ours already): replace it, unless it changed since it was read.
      const again = readHolder(path);
      if (JSON.stringify(again) !== JSON.stringify(holder)) continue;
      renameSync(tmp, path);
      fsyncDir(bundleDir);
      const now = readHolder(path);
      if (now !== undefined && now !== 'unreadable' && isSelf(now)) return;
      if (now !== undefined && now !== 'unreadable' && isSameProcessAlive(now)) throw inUse(bundleDir, now);
    } finally {
      rmSync(tmp, { force: true });
    }
  }
  throw new InputError(`${bundleDir}: the lock ${LOCK} keeps changing; another cutover process is taking the run`, 'make sure only one `cutover resume` runs on this bundle, then try again');
}

/** Removes the bundle's lock if this process holds it; a lock of another process is left alone. */
export function releaseLock(bundleDir: string): void {
  held.delete(resolve(bundleDir));
  polling.delete(resolve(bundleDir));
  const path = join(bundleDir, LOCK);
  let holder: ReturnType<typeof readHolder>;
  try {
    holder = readHolder(path);
  } catch {
    return;
  }
  if (holder === undefined || holder === 'unreadable' || !isSelf(holder)) return;
  rmSync(path, { force: true });
  try {
    fsyncDir(bundleDir);
  } catch {
    // the lock is gone from this process's view; durability of its removal is not evidence
  }
}

/**
 * Marks the lock this process holds as that of a session picking up
 * `cutover trigger` requests (or no longer): the lock is rewritten whole
 * (a temp file renamed over it). Nothing happens if this process does not hold it.
 */
export function markLockPolling(bundleDir: string, polls: boolean): void {
  const key = resolve(bundleDir);
  if (!held.has(key)) return;
  if (polls) polling.add(key);
  else polling.delete(key);
  const tmp = writeTemp(bundleDir);
  try {
    renameSync(tmp, join(bundleDir, LOCK));
    fsyncDir(bundleDir);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** Another live cutover process holding the bundle's lock, if any, with what it is (nothing is written). */
export function lockHeldElsewhere(bundleDir: string): LockHolder | undefined {
  const path = join(bundleDir, LOCK);
  let holder: ReturnType<typeof readHolder>;
  try {
    holder = readHolder(path);
  } catch {
    return undefined;
  }
  if (holder === undefined || holder === 'unreadable' || isSelf(holder) || !isSameProcessAlive(holder)) return undefined;
  let kind: { command?: unknown; polls?: unknown } = {};
  try {
    kind = JSON.parse(readFileSync(path, 'utf8')) as typeof kind;
  } catch {
    // a bare pid (older versions): a holder of unknown kind
  }
  return { pid: holder.pid, command: typeof kind.command === 'string' && /^cutover[ a-z-]*$/.test(kind.command) ? kind.command : 'cutover', polls: kind?.polls === true };
}
