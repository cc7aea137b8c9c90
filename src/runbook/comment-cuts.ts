// A lint warning for text YAML cuts short: in a plain (unquoted) scalar,
// ` #` starts a comment, so `description: The channel (e.g. #mk-incident).`
// is read as "The channel (e.g." and the rest silently disappears. Every
// plain scalar of a text key (description, title, statement, label, …)
// directly followed by a comment on its line is reported at the `#`, with
// the fix: quote the string.
import { isScalar, visit, type Scalar } from 'yaml';
import type { Diagnostic } from './diagnostics.js';
import { protocolWarnings } from './protocol-warnings.js';
import { readRunbookSource, type RunbookSource } from './source.js';

/** Keys whose values are prose a person reads (a comment there is almost always a cut). */
const TEXT_KEYS = new Set(['description', 'title', 'statement', 'label', 'audience', 'action', 'note', 'remediation']);

export function commentCutWarnings(source: RunbookSource): Diagnostic[] {
  const out: Diagnostic[] = [];
  visit(source.doc, {
    Pair(_, pair) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (!key || !TEXT_KEYS.has(key) || !isScalar(pair.value)) return;
      const value = pair.value as Scalar;
      if (value.type !== 'PLAIN' || !value.range) return;
      const end = value.range[1];
      const after = /^[ \t]+#/.exec(source.text.slice(end, end + 200));
      if (!after) return;
      const hash = end + after[0].length - 1;
      const pos = source.lines.linePos(hash);
      const kept = String(value.value);
      const lineEnd = source.text.indexOf('\n', hash);
      const cut = source.text.slice(hash, lineEnd === -1 ? undefined : lineEnd).trimEnd();
      out.push({
        file: source.file,
        line: pos.line,
        col: pos.col,
        message: `warning: the ${key} is cut at " #": YAML reads ${JSON.stringify(cut.length > 60 ? `${cut.slice(0, 57)}...` : cut)} as a comment, so the text ends at ${JSON.stringify(kept.length > 40 ? `…${kept.slice(-40)}` : kept)}`,
        hint: `quote the string ('...' or "...") so that the # stays part of it`,
      });
    },
  });
  return out;
}

/** The warnings of a runbook file — cut text, a rollback runbook without a protocol step — (none when it cannot be read: lint reports that as a problem). */
export function lintWarnings(file: string): Diagnostic[] {
  const read = readRunbookSource(file);
  return read.ok ? [...commentCutWarnings(read.source), ...protocolWarnings(read.source)] : [];
}
