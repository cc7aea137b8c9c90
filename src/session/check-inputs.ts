// What a check step looked at, as evidence: every file it reads gets its
// size, sha256 and the git HEAD of the checkout holding it recorded, and a
// copy in the attempt's inputs/ directory (up to the caps of
// checks/inputs.ts; a larger file is recorded by its digest only, said so).
// The copy is taken before the check runs: it is the file as the check
// found it, and `cutover verify` runs the check again on it.
import { constants, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, dirname, relative, sep } from 'node:path';
import type { CheckInputRecord, StreamRecord } from '../engine/events.js';
import { sha256 } from '../evidence/canonical.js';
import { sha256File } from '../evidence/bundle.js';
import { MAX_INPUT_COPY_BYTES, MAX_INPUT_COPY_TOTAL_BYTES, type CheckInputSpec } from '../checks/inputs.js';
import { readGitState } from '../runner/git-head.js';
import { mkdirDurable, writeFileDurable } from '../shared/durable.js';
import { resolveInside, UnsafePathError } from '../shared/inside.js';

const MiB = 1024 * 1024;

export interface InputCopyOptions {
  /** The attempt directory; copies go to its inputs/<param>/<file name>. */
  dir: string;
  bundleDir: string;
  /** Secret values: an input holding one is not copied (the bundle never holds a secret). */
  secrets: readonly string[];
}

/** Records and copies every input; throws only when the bundle cannot be written (EvidenceWriteError). */
export async function recordCheckInputs(specs: readonly CheckInputSpec[], opts: InputCopyOptions): Promise<CheckInputRecord[]> {
  const heads = new Map<string, Promise<{ head: string | null; error?: string }>>();
  const headOf = (dir: string) => {
    let h = heads.get(dir);
    if (!h) heads.set(dir, (h = gitHeadOf(dir)));
    return h;
  };
  const out: CheckInputRecord[] = [];
  let copied = 0;
  for (const spec of specs) {
    const rec: CheckInputRecord = { param: spec.param, path: spec.path, ...(spec.builtin ? { builtin: true } : {}), bytes: null, sha256: null, git_head: null };
    const git = await headOf(dirname(spec.path));
    rec.git_head = git.head;
    if (git.error !== undefined) rec.git_error = git.error;
    const read = await readInput(spec.path, copied);
    if ('error' in read) {
      rec.not_copied = read.error;
      out.push(rec);
      continue;
    }
    rec.bytes = read.bytes;
    rec.sha256 = read.sha256;
    if (read.data === undefined) {
      rec.not_copied = read.bytes > MAX_INPUT_COPY_BYTES
        ? `larger than ${MAX_INPUT_COPY_BYTES / MiB} MiB: only its digest is kept`
        : `the copies of this attempt would pass ${MAX_INPUT_COPY_TOTAL_BYTES / MiB} MiB: only its digest is kept`;
    } else if (holdsSecret(read.data, opts.secrets)) {
      rec.not_copied = 'it holds the value of a secret: only its digest is kept';
    } else {
      const copy = writeCopy(spec, read.data, opts);
      if (typeof copy === 'string') rec.not_copied = copy;
      else {
        rec.copy = copy;
        copied += read.bytes;
      }
    }
    out.push(rec);
  }
  return out;
}

/** The HEAD of the git work tree holding `dir`, if it is one; never throws. */
export async function gitHeadOf(dir: string): Promise<{ head: string | null; error?: string }> {
  try {
    const state = await readGitState(dir, process.env, false);
    return state.error !== undefined ? { head: state.head, error: state.error } : { head: state.head };
  } catch (err) {
    return { head: null, error: err instanceof Error ? err.message : String(err) };
  }
}

type ReadResult = { bytes: number; sha256: string; data?: Buffer } | { error: string };

/**
 * The file's bytes (when a copy may be kept) or its digest alone. Opened
 * without blocking, so a FIFO named as an input cannot hang the run; what
 * is not a regular file is not read (the check itself says what is wrong).
 */
async function readInput(path: string, copiedSoFar: number): Promise<ReadResult> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    return { error: `it could not be read (${(err as NodeJS.ErrnoException).code ?? String(err)})` };
  }
  try {
    const st: Stats = await handle.stat();
    if (!st.isFile()) return { error: 'it is not a regular file' };
    if (st.size > MAX_INPUT_COPY_BYTES || copiedSoFar + st.size > MAX_INPUT_COPY_TOTAL_BYTES) {
      await handle.close();
      handle = undefined;
      return { bytes: st.size, sha256: await sha256File(path) };
    }
    const data = await handle.readFile();
    return { bytes: data.length, sha256: sha256(data), data };
  } catch (err) {
    return { error: `it could not be read (${(err as NodeJS.ErrnoException).code ?? String(err)})` };
  } finally {
    await handle?.close();
  }
}

function holdsSecret(data: Buffer, secrets: readonly string[]): boolean {
  return secrets.some((s) => s !== '' && data.includes(Buffer.from(s, 'utf8')));
}

/** The copy at inputs/<param>/<file name>, proven inside the bundle; a reason string when the name cannot be written. */
function writeCopy(spec: CheckInputSpec, data: Buffer, opts: InputCopyOptions): StreamRecord | string {
  let target: string;
  try {
    target = resolveInside(opts.dir, ['inputs', spec.param, safeBase(spec.path)], 'the copy of input', 'rename the input file');
  } catch (err) {
    if (err instanceof UnsafePathError) return `it cannot be copied into the bundle: ${err.message}`;
    throw err;
  }
  mkdirDurable(dirname(target));
  writeFileDurable(target, data, opts.bundleDir);
  return { file: relative(opts.bundleDir, target).split(sep).join('/'), bytes: data.length, sha256: sha256(data) };
}

/** The input's own file name when it is a safe one, else `input` (the journal keeps the full path). */
function safeBase(path: string): string {
  const name = basename(path);
  return name === '' || name === '.' || name === '..' || /[\u0000-\u001f\u007f\\]/.test(name) || Buffer.byteLength(name) > 200 ? 'input' : name;
}
