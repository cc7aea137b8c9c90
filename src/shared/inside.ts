// Every path cutover writes under a root — an evidence bundle, or the
// directory given to `check artifact-digest --copy-to` — is built and proven
// inside that root here, in one place. A name from outside (a pinned
// artifact path, a step id, a notice) is taken one file name at a time:
// "..", ".", an empty name, a separator or a control character cannot be
// mapped to a file safely and is refused with a message, never
// reinterpreted. No existing directory on the way may be a symbolic link,
// which would carry the write wherever it points.
import { lstatSync, mkdirSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { InputError } from './errors.js';
import { printableName } from './printable.js';

/**
 * The bundle's own directory for temporary files (durable writes before
 * their rename, artifact copies before their digest is known). No evidence
 * can be named like it — the bundle's top level holds only cutover's fixed
 * names — so no evidence can collide with a temporary file; it is never
 * summed and `cutover resume` empties it.
 */
export const TEMP_DIR = '.tmp';

/** A path that cannot be written under its root. An InputError: exit 2, with how to fix it. */
export class UnsafePathError extends InputError {
  override readonly name = 'UnsafePathError';
}

/** True for `root` itself and anything below it (both absolute or both relative to one directory). */
export function isInside(root: string, candidate: string): boolean {
  const rel = relative(root, candidate);
  return rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

const MAX_NAME_BYTES = 255;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why `name` cannot be one file or directory name under a root, in words; undefined when it can. */
export function unsafeName(name: string): string | undefined {
  if (name === '') return 'it has an empty name in it';
  if (name === '.' || name === '..') return `it has a "${name}" in it, which would not name a file of its own`;
  if (name.includes('/') || (sep === '\\' && /[\\:]/.test(name))) return 'a name in it contains a path separator';
  if (/[\x00-\x1f\x7f]/.test(name)) return 'it contains a control character (a newline, tab or escape), which no evidence file name may hold';
  if (LONE_SURROGATE.test(name)) return 'it is not valid Unicode';
  if (Buffer.byteLength(name) > MAX_NAME_BYTES) return `a name in it is longer than ${MAX_NAME_BYTES} bytes`;
  return undefined;
}

/**
 * The path of `names` (one file name each) under `root`, proven inside it.
 * `what` says what is written ("the copy of artifact …"); `fix` how to avoid
 * the refusal. Throws UnsafePathError.
 */
export function resolveInside(root: string, names: readonly string[], what: string, fix: string): string {
  for (const name of names) {
    const why = unsafeName(name);
    if (why) throw new UnsafePathError(`${what} "${printableName(names.join('/'))}" cannot be written under ${printableName(root)}: ${why}`, fix);
  }
  return proveInside(root, join(root, ...names), what);
}

/**
 * `path` (absolute, or relative to the working directory like `root`)
 * proven to be `root` or below it, with no symbolic link among its existing
 * components below `root`. Throws UnsafePathError.
 */
export function proveInside(root: string, path: string, what: string): string {
  const base = resolve(root);
  const full = resolve(path);
  if (!isInside(base, full)) {
    throw new UnsafePathError(`${what} ${printableName(full)} is outside ${printableName(base)}`, 'this is refused: cutover writes only inside the bundle (or the --copy-to directory)');
  }
  let at = base;
  for (const part of relative(base, full).split(sep).filter(Boolean)) {
    at = join(at, part);
    try {
      if (!lstatSync(at).isSymbolicLink()) continue;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') break; // the rest is created by the write
      throw err;
    }
    throw new UnsafePathError(
      `${what}: ${printableName(at)} is a symbolic link; cutover never writes through a link, which could lead outside ${printableName(base)}`,
      'remove the link (cutover itself never makes one), or choose another directory',
    );
  }
  return full;
}

/** The root's TEMP_DIR, created if needed (never through a link). */
export function tempDirOf(root: string): string {
  const dir = resolveInside(root, [TEMP_DIR], 'the temporary directory', `remove ${TEMP_DIR} from the bundle (cutover keeps only temporary files there)`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * A temporary file of the root's TEMP_DIR. Its name is the pid and `label`
 * (made of safe characters); a synchronous write may use a fixed label, an
 * asynchronous one must make its label unique.
 */
export function tempPath(root: string, label: string): string {
  return join(tempDirOf(root), `${process.pid}-${label.replace(/[^A-Za-z0-9._-]/g, '_').slice(-100)}`);
}
