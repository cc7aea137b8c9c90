// The evidence bundle on disk (DESIGN §5): its directory, the runbook copy,
// per-attempt log paths, and the closing files (manifest.json,
// decision-record.md, SHA256SUMS) written from the folded state.
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fsyncDir, mkdirDurable, writeFileDurable } from '../shared/durable.js';

export const RUNBOOK_COPY = 'runbook.yaml';
export const MANIFEST = 'manifest.json';
export const DECISION_RECORD = 'decision-record.md';
export const SUMS = 'SHA256SUMS';
export const LOCK = '.lock';

/** Files that are not evidence and are left out of SHA256SUMS. */
export const NOT_EVIDENCE = new Set([SUMS, LOCK]);

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
  return join(bundleDir, 'steps', stepId, `attempt-${attempt}`);
}

/**
 * Removes the temp files of durable writes that a crash cut short (written,
 * never renamed into place). Only for a bundle no live process is writing:
 * call it after the lock check, before the run continues.
 */
export function removeStaleTempFiles(bundleDir: string): string[] {
  const stale = listBundleFiles(bundleDir).filter((f) => /\.tmp-\d+$/.test(f));
  for (const f of stale) rmSync(join(bundleDir, f), { force: true });
  return stale;
}

export function listBundleFiles(bundleDir: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.push(relative(bundleDir, full).split(sep).join('/'));
    }
  };
  walk(bundleDir);
  return out.sort();
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Writes SHA256SUMS over every file but itself and the lock, in `sha256sum -c`
 * format. Logs whose digest the runner computed while writing them (`known`)
 * are not read again: if such a file changed since, its recorded digest no
 * longer matches and verify reports it, which is what SHA256SUMS is for.
 */
export async function writeSums(bundleDir: string, known: ReadonlyMap<string, { bytes: number; sha256: string }> = new Map()): Promise<void> {
  const files = listBundleFiles(bundleDir).filter((f) => !NOT_EVIDENCE.has(f) && !f.includes('.tmp-'));
  const lines: string[] = [];
  for (const f of files) {
    const k = known.get(f);
    const digest = k && statSync(join(bundleDir, f)).size === k.bytes ? k.sha256 : await sha256File(join(bundleDir, f));
    lines.push(`${digest}  ${f}`);
  }
  writeFileDurable(join(bundleDir, SUMS), `${lines.join('\n')}\n`);
}

export function isBundleDir(dir: string): boolean {
  try {
    return statSync(dir).isDirectory() && statSync(join(dir, 'journal.ndjson')).isFile();
  } catch {
    return false;
  }
}
