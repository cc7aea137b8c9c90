// A runbook problem with its position, printed as `file:line:col: message`
// followed by a hint on how to fix it.

export interface Diagnostic {
  file: string;
  line?: number;
  col?: number;
  message: string;
  hint?: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line !== undefined ? `${d.file}:${d.line}:${d.col ?? 1}` : d.file;
  return d.hint ? `${where}: ${d.message}\n  hint: ${d.hint}` : `${where}: ${d.message}`;
}

/** Problems shown per file; past this, a runbook needs fixing, not a longer list. */
export const MAX_DIAGNOSTICS = 100;

/** Sorts by position and keeps the first MAX_DIAGNOSTICS, with a closing line counting the rest. */
export function sortAndCap(file: string, diagnostics: Diagnostic[]): Diagnostic[] {
  const sorted = [...diagnostics].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0));
  if (sorted.length <= MAX_DIAGNOSTICS) return sorted;
  return [
    ...sorted.slice(0, MAX_DIAGNOSTICS),
    { file, message: `${sorted.length - MAX_DIAGNOSTICS} more problem(s) not shown`, hint: 'fix the problems above and lint again' },
  ];
}
