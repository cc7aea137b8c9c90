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
