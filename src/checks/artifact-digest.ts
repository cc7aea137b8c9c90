// The artifact-digest check: verifies the sha256 pins of release artifacts
// (the `artifacts` array of a release evidence bundle) under a root
// directory and copies each artifact into the evidence bundle, verified and
// mismatched ones apart, so the bundle holds the exact bytes that were judged.
// A copy's path is built from the pinned path one `/`-separated name at a
// time and proven inside the destination (shared/inside.ts): a name that
// cannot be a file there ("..", a control character) is a violation, and a
// backslash is part of a name, never a separator.
import { createHash } from 'node:crypto';
import { constants as fsConstants, createReadStream } from 'node:fs';
import { copyFile, mkdir, realpath, rename, rm, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { InputError } from '../shared/errors.js';
import { isInside as inside, resolveInside, UnsafePathError } from '../shared/inside.js';
import { printableName } from '../shared/printable.js';
import { readJsonFile } from './json.js';
import { childPath, formatValue, isPlainObject, jsonTypeOf, type Violation } from './violation.js';

export interface ArtifactPin {
  /** Relative to the root directory, `/`-separated as in the evidence bundle. */
  path: string;
  sha256: string;
}

export type ArtifactStatus = 'verified' | 'mismatch' | 'missing' | 'escapes-root' | 'not-a-file' | 'unreadable' | 'unsafe-name';

export interface ArtifactOutcome {
  path: string;
  status: ArtifactStatus;
  expected: string;
  actual?: string;
  bytes?: number;
  /** Where the copy went, relative to the destination directory. */
  copiedTo?: string;
  /** (unsafe-name) why the artifact cannot be copied under that name, and how to fix it. */
  reason?: string;
}

export interface ArtifactDigestResult {
  check: 'artifact-digest';
  passed: boolean;
  root: string;
  /** The file the pins were read from, if any. */
  from: string | null;
  destination: string | null;
  artifacts: ArtifactOutcome[];
  violations: Violation[];
}

const SHA256 = /^[0-9a-fA-F]{64}$/;

/** Subdirectories of the destination; a mismatched copy can never be taken for a verified one. */
export const VERIFIED_DIR = 'verified';
export const MISMATCHED_DIR = 'mismatched';

/** Validates a pin list; `where` names its origin (a file, a runbook parameter) in errors. */
export function parseArtifactPins(value: unknown, where: string, fix: string): ArtifactPin[] {
  const list = isPlainObject(value) ? value.artifacts : value;
  if (!Array.isArray(list)) {
    throw new InputError(`${where} has no artifacts list (got ${jsonTypeOf(list)})`, fix);
  }
  if (list.length === 0) throw new InputError(`${where} lists no artifacts`, `${fix}; a digest check over nothing proves nothing`);
  return list.map((item, i) => {
    const at = `${where} artifacts[${i}]`;
    if (!isPlainObject(item)) throw new InputError(`${at} is ${jsonTypeOf(item)}, expected {"path": ..., "sha256": ...}`, fix);
    if (typeof item.path !== 'string' || item.path === '') throw new InputError(`${at}.path must be a non-empty string`, fix);
    if (typeof item.sha256 !== 'string' || !SHA256.test(item.sha256)) {
      throw new InputError(`${at}.sha256 ${formatValue(item.sha256)} is not a sha256 digest (64 hex characters)`, `${fix}; \`sha256sum FILE\` prints one`);
    }
    return { path: item.path, sha256: item.sha256.toLowerCase() };
  });
}

export async function readArtifactPins(file: string, cwd: string | undefined, flag: string): Promise<ArtifactPin[]> {
  const doc = await readJsonFile(file, { label: 'artifact list', cwd, flag });
  return parseArtifactPins(doc.value, `artifact list "${file}"`, `use a file shaped like RELEASE_EVIDENCE_BUNDLE_LATEST.json ({"artifacts": [{"path", "sha256"}]}) with ${flag}`);
}

export interface ArtifactDigestRequest {
  root: string;
  pins: ArtifactPin[];
  /** Copy destination (the step's artifact directory); nothing is copied without it. */
  destination?: string;
  /** Where a copy is staged until its digest is known (the bundle's temp directory); the destination itself if not given. */
  tempDir?: string;
  from?: string;
  cwd?: string;
  rootFlag?: string;
  /** Cancels the check: hashing stops and the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

export async function verifyArtifactDigests(req: ArtifactDigestRequest): Promise<ArtifactDigestResult> {
  const root = resolve(req.cwd ?? process.cwd(), req.root);
  const realRoot = await rootDirectory(root, req.root, req.rootFlag ?? '--root');
  const artifacts: ArtifactOutcome[] = [];
  const violations: Violation[] = [];
  for (const [i, pin] of req.pins.entries()) {
    req.signal?.throwIfAborted();
    const outcome = await verifyOne(pin, root, realRoot, req.destination, req.tempDir, req.signal).catch((err: NodeJS.ErrnoException): ArtifactOutcome => {
      req.signal?.throwIfAborted(); // a cancel is not an unreadable file
      return { path: pin.path, expected: pin.sha256, status: 'unreadable', actual: err.code ?? err.message };
    });
    artifacts.push(outcome);
    const v = violationFor(outcome, childPath('$.artifacts', i), req.root);
    if (v) violations.push(v);
  }
  return {
    check: 'artifact-digest',
    passed: violations.length === 0,
    root: req.root,
    from: req.from ?? null,
    destination: req.destination ?? null,
    artifacts,
    violations,
  };
}

async function rootDirectory(root: string, given: string, flag: string): Promise<string> {
  try {
    if ((await stat(root)).isDirectory()) return await realpath(root);
  } catch {
    throw new InputError(`artifact root "${given}" not found (looked at ${root})`, `pass the producer checkout the artifact paths are relative to with ${flag}`);
  }
  throw new InputError(`artifact root "${given}" is not a directory`, `pass the directory the artifact paths are relative to with ${flag}`);
}

/**
 * The names of an artifact's copy below VERIFIED_DIR or MISMATCHED_DIR: its
 * pinned path split on `/` only, empty and "." names dropped (`./a//b` is
 * `a/b`). A backslash is an ordinary character of a name.
 */
export function copyNames(path: string): string[] {
  return path.split('/').filter((n) => n !== '' && n !== '.');
}

const UNSAFE_FIX = 'artifact paths are relative and /-separated, without ".." or control characters: fix the pin, or rename the artifact';

/** Both places a copy may go, proven inside the destination, or why it cannot be copied. */
function copyTargets(destination: string, path: string): { verified: string; mismatched: string } | { reason: string } {
  const names = copyNames(path);
  try {
    return {
      verified: resolveInside(destination, [VERIFIED_DIR, ...names], 'the copy', UNSAFE_FIX),
      mismatched: resolveInside(destination, [MISMATCHED_DIR, ...names], 'the copy', UNSAFE_FIX),
    };
  } catch (err) {
    if (err instanceof UnsafePathError) return { reason: `${err.message}; ${err.hint}` };
    throw err;
  }
}

async function verifyOne(pin: ArtifactPin, root: string, realRoot: string, destination?: string, tempDir?: string, signal?: AbortSignal): Promise<ArtifactOutcome> {
  const base = { path: pin.path, expected: pin.sha256 };
  const file = resolve(root, pin.path);
  if (isAbsolute(pin.path) || !inside(root, file)) return { ...base, status: 'escapes-root' };
  let real: string;
  try {
    real = await realpath(file);
  } catch {
    return { ...base, status: 'missing' };
  }
  // A symlink inside the root may point anywhere; judge where it lands.
  if (!inside(realRoot, real)) return { ...base, status: 'escapes-root' };
  const info = await stat(real);
  if (!info.isFile()) return { ...base, status: 'not-a-file' };
  if (!destination) {
    const actual = await sha256File(real, signal);
    return { ...base, status: actual === pin.sha256 ? 'verified' : 'mismatch', actual, bytes: info.size };
  }
  const targets = copyTargets(destination, pin.path);
  if ('reason' in targets) return { ...base, status: 'unsafe-name', reason: targets.reason };
  // Hash the copy, not the source: the digest recorded is then the digest
  // of the bytes in the bundle even if the source changes meanwhile.
  const unique = `${process.pid}-${Math.random().toString(36).slice(2)}`;
  const staging = tempDir ? join(tempDir, `${unique}-incoming`) : join(destination, `.incoming-${unique}`);
  await mkdir(destination, { recursive: true });
  await copyFile(real, staging, fsConstants.COPYFILE_EXCL);
  try {
    const actual = await sha256File(staging, signal);
    const status = actual === pin.sha256 ? 'verified' : 'mismatch';
    const target = status === 'verified' ? targets.verified : targets.mismatched;
    await mkdir(dirname(target), { recursive: true });
    await rename(staging, target);
    const copiedTo = [status === 'verified' ? VERIFIED_DIR : MISMATCHED_DIR, ...copyNames(pin.path)].join('/');
    return { ...base, status, actual, bytes: (await stat(target)).size, copiedTo };
  } finally {
    await rm(staging, { force: true });
  }
}

export async function sha256File(file: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash, signal ? { signal } : {});
  return hash.digest('hex');
}

function violationFor(o: ArtifactOutcome, path: string, root: string): Violation | undefined {
  switch (o.status) {
    case 'verified':
      return undefined;
    case 'mismatch':
      return {
        rule: 'artifact-digest-mismatch',
        path,
        expected: o.expected,
        actual: o.actual,
        message: `${printableName(o.path)}: sha256 expected ${o.expected}, got ${o.actual}${o.copiedTo ? ` (copied to ${printableName(o.copiedTo)})` : ''}`,
      };
    case 'missing':
      return { rule: 'artifact-missing', path, expected: o.expected, message: `${printableName(o.path)} does not exist under ${root}` };
    case 'escapes-root':
      return { rule: 'artifact-path-escape', path, actual: o.path, message: `${printableName(o.path)} resolves outside the root ${root}; artifact paths must stay inside it` };
    case 'not-a-file':
      return { rule: 'artifact-not-file', path, actual: o.path, message: `${printableName(o.path)} is not a regular file` };
    case 'unsafe-name':
      return { rule: 'artifact-name-unsafe', path, actual: o.path, message: `${printableName(o.path)} was not copied into the evidence: ${o.reason}` };
    case 'unreadable':
      return { rule: 'artifact-unreadable', path, actual: o.actual, message: `${printableName(o.path)} could not be read or copied (${o.actual}); check its permissions and the free space of the evidence directory` };
  }
}

export function summarizeArtifacts(r: ArtifactDigestResult): string {
  const verified = r.artifacts.filter((a) => a.status === 'verified').length;
  return r.passed
    ? `artifact-digest check passed: ${verified} of ${r.artifacts.length} artifacts match their sha256 pins under ${r.root}`
    : `artifact-digest check FAILED: ${verified} of ${r.artifacts.length} artifacts verified under ${r.root}, ${r.violations.length} violation${r.violations.length === 1 ? '' : 's'}`;
}

export function formatArtifactReport(r: ArtifactDigestResult): string {
  const lines = r.artifacts.map((a) => {
    // Pinned paths come from a file: printed escaped, never as raw terminal sequences.
    const copy = a.copiedTo ? ` -> ${printableName(a.copiedTo)}` : '';
    return `${a.status.padEnd(12)} ${printableName(a.path)}${copy}`;
  });
  for (const v of r.violations) lines.push(`${v.path}: ${v.message} [${v.rule}]`);
  lines.push(summarizeArtifacts(r));
  return lines.join('\n');
}
