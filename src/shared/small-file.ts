// Reading a small file someone else may have put there (a signature dropped
// into a bundle, its text): opened without following a link and without
// blocking (a FIFO or a device is refused, never read), held to a regular
// file, and to a size cap read at most once.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/** Open flags that never follow a link and never block on a FIFO or a device (to be fstat'ed as a regular file). */
export const NO_FOLLOW = (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);
const FLAGS = constants.O_RDONLY | NO_FOLLOW;

/** The most a signature or sign-off text may hold. */
export const SMALL_FILE_MAX = 64 * 1024;

export type SmallFile = { ok: true; text: string } | { ok: false; missing: boolean; problem: string };

/** The file's text, or why it is not read (`missing` when there is no file). */
export function readSmallFile(path: string, max = SMALL_FILE_MAX): SmallFile {
  let fd: number;
  try {
    fd = openSync(path, FLAGS);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: false, missing: true, problem: 'does not exist' };
    if (code === 'ELOOP') return { ok: false, missing: false, problem: 'is a symbolic link, not a regular file: it is not read' };
    return { ok: false, missing: false, problem: `cannot be read (${code ?? String(err)})` };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { ok: false, missing: false, problem: `is ${st.isFIFO() ? 'a FIFO' : st.isDirectory() ? 'a directory' : 'not a regular file'}: it is not read` };
    if (st.size > max) return { ok: false, missing: false, problem: `is ${st.size} bytes; at most ${max} are read` };
    const buf = Buffer.alloc(max + 1);
    let n = 0;
    for (let r = 1; r > 0 && n <= max; n += r) r = readSync(fd, buf, n, max + 1 - n, null);
    if (n > max) return { ok: false, missing: false, problem: `is more than ${max} bytes; it is not read` };
    return { ok: true, text: buf.subarray(0, n).toString('utf8') };
  } finally {
    closeSync(fd);
  }
}
