// Durable writes: what the journal and the bundle rely on to survive a
// crash or a power loss (fsync of the file, then of the directory holding
// its name). Neutral: the runner, the evidence layer and the session use it.
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { EvidenceWriteError } from './errors.js';
import { proveInside, tempPath, UnsafePathError } from './inside.js';

/** Errors of fsync on a directory from platforms that do not support it; anything else is real. */
const DIR_FSYNC_UNSUPPORTED = new Set(['EISDIR', 'EINVAL', 'EBADF', 'ENOTSUP', 'EOPNOTSUPP', 'EPERM']);

/**
 * fsyncs a directory, so the entries created, renamed or removed in it
 * survive a power loss (fsync of a file does not cover its name). Platforms
 * that cannot open or fsync a directory are skipped silently.
 */
export function fsyncDir(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch (err) {
    if (DIR_FSYNC_UNSUPPORTED.has((err as NodeJS.ErrnoException).code ?? '')) return;
    throw err;
  }
  try {
    fsyncSync(fd);
  } catch (err) {
    if (!DIR_FSYNC_UNSUPPORTED.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
  } finally {
    closeSync(fd);
  }
}

/** mkdir -p, then fsync the parent of every directory it created, so the new path survives a crash. */
export function mkdirDurable(dir: string): void {
  const first = mkdirSync(dir, { recursive: true });
  if (first === undefined) return;
  const target = resolve(dir);
  for (let d = resolve(first); ; d = join(d, relative(d, target).split(sep)[0]!)) {
    fsyncDir(dirname(d));
    if (d === target) break;
  }
}

/**
 * Writes a file of the bundle `root` durably: temp file, fsync, rename,
 * fsync of the directory — a crash leaves old or new, never half, and the
 * new name survives a power loss. `path` is proven inside `root` first
 * (UnsafePathError); the temp file lives in the root's TEMP_DIR, where no
 * evidence can be named like it, and is created afresh (never written
 * through a link left there). A failed write (disk full) removes its temp
 * file and throws an EvidenceWriteError naming `path` (with the OS code).
 */
export function writeFileDurable(path: string, data: string | Buffer, root: string): void {
  proveInside(root, path, 'the evidence file');
  try {
    const tmp = tempPath(root, basename(path));
    try {
      rmSync(tmp, { force: true });
      writeFileSync(tmp, data, { flag: 'wx' });
      const fd = openSync(tmp, 'r');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, path);
    } catch (err) {
      rmSync(tmp, { force: true });
      throw err;
    }
    fsyncDir(dirname(path));
  } catch (err) {
    if (err instanceof UnsafePathError) throw err;
    throw EvidenceWriteError.from(path, err);
  }
}

