// The entries of a bundle as they are on disk, read without trusting them:
// the walk never follows a symbolic link, reports every entry that is not a
// regular file or a directory (a link, a FIFO, a device, a socket) and every
// name that is not UTF-8, and a file is only ever opened after lstat said it
// is regular — and then without following a link and without blocking, so a
// FIFO or /dev/zero swapped in meanwhile can neither hang nor feed a digest.
// Also the SHA256SUMS line format, GNU's escapes included.
import { createHash } from 'node:crypto';
import { constants, lstatSync, readdirSync, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { NO_FOLLOW } from '../shared/small-file.js';

export type EntryKind = 'file' | 'directory' | 'symbolic link' | 'FIFO' | 'socket' | 'character device' | 'block device' | 'special file';

export interface BundleEntry {
  /** Bundle-relative, `/`-separated. */
  path: string;
  kind: EntryKind;
  /** The name is not valid UTF-8 (the path shows U+FFFD where its bytes were); it is never opened. */
  badName?: boolean;
}

/** A Stats or a Dirent (of any name encoding). */
type Typed = Pick<Stats, 'isFile' | 'isDirectory' | 'isSymbolicLink' | 'isFIFO' | 'isSocket' | 'isCharacterDevice' | 'isBlockDevice'>;

export function kindOf(s: Typed): EntryKind {
  if (s.isFile()) return 'file';
  if (s.isDirectory()) return 'directory';
  if (s.isSymbolicLink()) return 'symbolic link';
  if (s.isFIFO()) return 'FIFO';
  if (s.isSocket()) return 'socket';
  if (s.isCharacterDevice()) return 'character device';
  if (s.isBlockDevice()) return 'block device';
  return 'special file';
}

/** The kind of `path` itself (a link is not followed); undefined when nothing is there. */
export function entryKind(path: string): EntryKind | undefined {
  try {
    return kindOf(lstatSync(path));
  } catch {
    return undefined;
  }
}

/**
 * Every entry of the bundle but its directories, in name order: regular
 * files and whatever else is there. Directories are descended into (never
 * through a link); one whose name is not UTF-8 is listed, not descended.
 */
export function listBundleEntries(bundleDir: string): BundleEntry[] {
  const out: BundleEntry[] = [];
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true, encoding: 'buffer' })) {
      const name = entry.name.toString('utf8');
      const path = `${prefix}${name}`;
      if (!Buffer.from(name, 'utf8').equals(entry.name)) {
        out.push({ path, kind: kindOf(entry), badName: true });
        continue;
      }
      // Some file systems do not report the type in the directory entry.
      const kind = entry.isFile() || entry.isDirectory() || entry.isSymbolicLink() ? kindOf(entry) : kindOf(lstatSync(join(dir, name)));
      if (kind === 'directory') walk(join(dir, name), `${path}/`);
      else out.push({ path, kind });
    }
  };
  walk(bundleDir, '');
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Thrown by sha256Regular for a path that is not (or no longer) a regular file. */
export class NotRegularError extends Error {
  constructor(
    readonly path: string,
    readonly kind: EntryKind,
  ) {
    super(`${path} is a ${kind}, not a regular file`);
    this.name = 'NotRegularError';
  }
}

/** sha256 of a regular file, opened without following a link or blocking (a FIFO or device is refused, never read); `seen` shares digests between hard links. */
export async function sha256Regular(path: string, seen?: Map<string, string>): Promise<string> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | NO_FOLLOW);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw new NotRegularError(path, 'symbolic link');
    throw err;
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new NotRegularError(path, kindOf(info));
    // Hard links to one file (combined.log and the one stream that wrote) are read once.
    const key = `${info.dev}:${info.ino}:${info.size}:${info.mtimeMs}`;
    const known = seen?.get(key);
    if (known) return known;
    const hash = createHash('sha256');
    for await (const chunk of handle.createReadStream({ highWaterMark: 1024 * 1024, autoClose: false })) hash.update(chunk as Buffer);
    const digest = hash.digest('hex');
    seen?.set(key, digest);
    return digest;
  } finally {
    await handle.close();
  }
}

/**
 * One SHA256SUMS line as GNU `sha256sum` writes it: a name holding a
 * backslash, a newline or a carriage return is escaped (`\\`, `\n`, `\r`)
 * and its line starts with a backslash, so `sha256sum -c` reads it back.
 */
export function sumsLine(digest: string, name: string): string {
  if (!/[\\\n\r]/.test(name)) return `${digest}  ${name}`;
  return `\\${digest}  ${name.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r')}`;
}

/** The digest and name of a SHA256SUMS line (GNU's escaped form too); undefined when the line is malformed. */
export function parseSumsLine(line: string): { digest: string; name: string } | undefined {
  const m = /^(\\?)([0-9a-f]{64}) [ *](.+)$/s.exec(line);
  if (!m) return undefined;
  if (!m[1]) return { digest: m[2]!, name: m[3]! };
  let bad = false;
  const name = m[3]!.replace(/\\(.?)/g, (_, c: string) => {
    if (c === '\\') return '\\';
    if (c === 'n') return '\n';
    if (c === 'r') return '\r';
    bad = true;
    return '';
  });
  return bad ? undefined : { digest: m[2]!, name };
}
