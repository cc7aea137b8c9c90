// The evidence bundle on disk (DESIGN §5): its directory, the runbook copy,
// per-attempt log paths, and the closing files (manifest.json,
// decision-record.md, SHA256SUMS) written from the folded state.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync, openSync, fsyncSync, closeSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

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

/** Creates a fresh bundle directory under `evidenceDir`, never reusing one. */
export function createBundleDir(evidenceDir: string, runbookId: string, at: Date): string {
  mkdirSync(evidenceDir, { recursive: true });
  const base = join(evidenceDir, bundleName(runbookId, at));
  for (let i = 0; ; i++) {
    const dir = i === 0 ? base : `${base}-${i}`;
    try {
      mkdirSync(dir);
      return dir;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

export function attemptDir(bundleDir: string, stepId: string, attempt: number): string {
  return join(bundleDir, 'steps', stepId, `attempt-${attempt}`);
}

/** Writes a file durably: temp file, fsync, rename — a crash leaves old or new, never half. */
export function writeFileDurable(path: string, data: string | Buffer): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  const fd = openSync(tmp, 'r');
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, path);
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
    return statSync(dir).isDirectory() && existsSync(join(dir, 'journal.ndjson'));
  } catch {
    return false;
  }
}
