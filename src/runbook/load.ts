// Loads a runbook: read + YAML with positions, schema and semantic checks.
// Returns every problem found (not only the first) as a Result value.
import { createHash } from 'node:crypto';
import { sortAndCap, type Diagnostic } from './diagnostics.js';
import { schemaDiagnostics } from './schema.js';
import { semanticDiagnostics } from './semantics.js';
import { readRunbookSource } from './source.js';
import type { Runbook } from './types.js';

export interface LoadedRunbook {
  file: string;
  text: string;
  sha256: string;
  runbook: Runbook;
}

export type LoadResult = { ok: true; loaded: LoadedRunbook } | { ok: false; diagnostics: Diagnostic[] };

export interface LoadOptions {
  /** Check that the rollback runbook exists beside this file (off for the copy inside a bundle). */
  checkRollbackPath?: boolean;
  /**
   * The copy inside an evidence bundle was linted when its run started; it
   * is read with the schema only, so a lint rule added since never makes an
   * older bundle unverifiable or unresumable.
   */
  bundleCopy?: boolean;
}

export function loadRunbook(file: string, options: LoadOptions = {}): LoadResult {
  const read = readRunbookSource(file);
  if (!read.ok) return read;
  const { source } = read;
  const schemaProblems = schemaDiagnostics(source);
  // Semantic checks run on schema-invalid data too, so one lint run reports
  // every problem. A semantic complaint at the very spot of a schema one is
  // the same mistake seen twice; keep the schema's.
  const taken = new Set(schemaProblems.map((d) => `${d.line}:${d.col}`));
  const semantic = options.bundleCopy ? [] : semanticDiagnostics(source, { checkRollbackPath: options.checkRollbackPath !== false }).filter((d) => !taken.has(`${d.line}:${d.col}`));
  if (schemaProblems.length + semantic.length > 0) return { ok: false, diagnostics: sortAndCap(file, [...schemaProblems, ...semantic]) };
  const runbook = source.data as Runbook;
  return { ok: true, loaded: { file, text: source.text, sha256: createHash('sha256').update(source.text).digest('hex'), runbook } };
}
