// Turns yaml's parse errors into diagnostics a runbook author can act on:
// the one error that matters, at the position where the mistake is, in plain
// words with a fix hint.
import { isMap, isPair, isScalar, isSeq, visit, type Document, type LineCounter, type Node, type YAMLError } from 'yaml';
import type { Diagnostic } from './diagnostics.js';

/**
 * YAML syntax errors as diagnostics. After the first real syntax error the
 * parser's recovery produces follow-on errors that only confuse, so only
 * that one is reported — except tabs (every tab-indented line is its own
 * mistake and the cause of the rest) and duplicate keys before it.
 */
export function yamlDiagnostics(file: string, text: string, doc: Document, lines: LineCounter): Diagnostic[] {
  const errors = doc.errors;
  const tabs = errors.filter((e) => e.code === 'TAB_AS_INDENT');
  let chosen: YAMLError[];
  if (tabs.length > 0) {
    chosen = tabs;
  } else {
    const first = errors.find((e) => e.code !== 'DUPLICATE_KEY');
    chosen = first ? [...errors.filter((e) => e.code === 'DUPLICATE_KEY' && e.pos[0] < first.pos[0]), first] : errors;
  }
  return chosen.map((e) => ({ file, ...explainYamlError(e, text, doc, lines) }));
}

function explainYamlError(e: YAMLError, text: string, doc: Document, lines: LineCounter): Omit<Diagnostic, 'file'> {
  const at = lines.linePos(e.pos[0]);
  const generic = { ...at, message: `YAML syntax error: ${firstLine(e.message)}`, hint: yamlHint(e.code) };
  switch (e.code) {
    case 'TAB_AS_INDENT':
      return { ...at, message: 'YAML syntax error: a tab is used for indentation', hint: 'indent with spaces, not tabs (YAML does not allow tabs in indentation)' };
    case 'MULTIPLE_DOCS':
      return { ...at, message: 'YAML syntax error: a second YAML document starts here (a runbook file holds one document)', hint: 'remove this `---` line and what follows it, or move that content to its own file' };
    case 'DUPLICATE_KEY': {
      const dup = duplicateKeyAt(doc, e.pos[0]);
      if (!dup) return generic;
      const firstAt = dup.firstOffset === undefined ? undefined : lines.linePos(dup.firstOffset).line;
      return { ...at, message: `YAML syntax error: key "${dup.key}" appears twice in the same mapping${firstAt ? ` (first on line ${firstAt})` : ''}`, hint: 'each key may appear once in a mapping; remove or rename one of them' };
    }
    case 'MISSING_CHAR': {
      const quote = /Missing closing (["'])quote/.exec(e.message)?.[1];
      if (quote) {
        const start = lastNodeStartBefore(doc, e.pos[0], (n) => isScalar(n) && n.type === (quote === '"' ? 'QUOTE_DOUBLE' : 'QUOTE_SINGLE'));
        return {
          ...lines.linePos(start ?? e.pos[0]),
          message: `YAML syntax error: the quoted string ${quote}… that starts here is never closed`,
          hint: quote === '"' ? 'add the closing " (write \\" for a quote mark inside a double-quoted string)' : "add the closing ' (write '' for a quote mark inside a single-quoted string)",
        };
      }
      if (/Implicit map keys need to be followed by map values/.test(e.message)) {
        const lineText = text.slice(e.pos[0], lineEnd(text, e.pos[0])).replace(/\s+#.*$/, '').trim();
        return {
          ...at,
          message: `YAML syntax error: "${truncate(lineText, 40)}" is not a \`key: value\` line (the colon after the key is missing)`,
          hint: 'write `key: value` with a colon and a space after the key, or indent the line as part of the value above it',
        };
      }
      return generic;
    }
    case 'BAD_INDENT': {
      const unclosed = /^Flow (map|sequence) in block collection must be sufficiently indented and end with a ([}\]])/.exec(e.message);
      if (unclosed) {
        const [, kind, closer] = unclosed;
        const start = lastNodeStartBefore(doc, e.pos[0], (n) => (kind === 'map' ? isMap(n) : isSeq(n)) && (n as { flow?: boolean }).flow === true);
        return {
          ...lines.linePos(start ?? e.pos[0]),
          message: `YAML syntax error: the flow ${kind === 'map' ? 'mapping {' : 'sequence ['} that starts here is never closed with ${closer}`,
          hint: `add the closing ${closer} (on the same line, or indent the lines that continue it)`,
        };
      }
      return generic;
    }
    case 'UNEXPECTED_TOKEN': {
      // `run: echo ${root}` inside `{ ... }`: the `{` of the reference opens a mapping.
      if (/^Unexpected flow-map-start/.test(e.message) && text[e.pos[0] - 1] === '$') {
        return {
          ...lines.linePos(e.pos[0] - 1),
          message: 'YAML syntax error: a ${...} reference inside a { ... } mapping must be quoted (YAML reads its { as the start of a mapping)',
          hint: 'quote the value, e.g. `run: "echo ${root}"`, or write the mapping as indented `key: value` lines',
        };
      }
      return generic;
    }
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'MULTILINE_IMPLICIT_KEY': {
      const over = overIndentedLineAfter(text, e.pos[0], lines);
      if (over) {
        return {
          ...over,
          message: `YAML syntax error: this line is indented deeper than line ${at.line}, so YAML reads it as part of that line's value`,
          hint: 'indent it exactly as far as the other keys of the same mapping',
        };
      }
      return generic;
    }
    default:
      return generic;
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

function yamlHint(code: string): string {
  switch (code) {
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
      return 'check the indentation and the brackets/quotes around this position';
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'MULTILINE_IMPLICIT_KEY':
      return 'a key must fit on one line and be followed by ": "; check for a missing colon or quote';
    case 'BAD_ALIAS':
    case 'BAD_DIRECTIVE':
    case 'TAG_RESOLVE_FAILED':
      return 'runbooks need no YAML tags or directives; remove it';
    default:
      return 'fix the YAML syntax at this position (the schema in your editor shows it as you type)';
  }
}

function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl === -1 ? text.length : nl;
}

function truncate(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** Start offset of the last node matching `test` that starts before `offset`. */
function lastNodeStartBefore(doc: Document, offset: number, test: (n: Node) => boolean): number | undefined {
  let best: number | undefined;
  visit(doc, {
    Node(_key, node) {
      const start = node.range?.[0];
      if (start !== undefined && start < offset && test(node) && (best === undefined || start > best)) best = start;
    },
  });
  return best;
}

/** The key "key" whose duplicate starts at `offset`, and where it first appears. */
function duplicateKeyAt(doc: Document, offset: number): { key: string; firstOffset?: number } | undefined {
  let hit: { key: string; firstOffset?: number } | undefined;
  visit(doc, {
    Map(_key, map) {
      const index = map.items.findIndex((p) => isPair(p) && (p.key as Node | null)?.range?.[0] === offset);
      if (index < 0) return undefined;
      const keyNode = map.items[index]!.key;
      const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
      const first = map.items.find((p, i) => i < index && isScalar(p.key) && String(p.key.value) === key);
      hit = { key, firstOffset: (first?.key as Node | undefined)?.range?.[0] };
      return visit.BREAK;
    },
  });
  return hit;
}

/**
 * When a key is indented deeper than the line before it, YAML reads it as a
 * continuation of that line's plain value and complains about the earlier
 * line. Point at the over-indented line instead.
 */
function overIndentedLineAfter(text: string, offset: number, lines: LineCounter): { line: number; col: number } | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const indent = (s: string) => s.length - s.trimStart().length;
  const here = text.slice(lineStart, lineEnd(text, lineStart));
  let next = lineEnd(text, lineStart) + 1;
  while (next < text.length) {
    const line = text.slice(next, lineEnd(text, next));
    if (line.trim() !== '' && !line.trimStart().startsWith('#')) {
      if (indent(line) > indent(here) && /^\s*[^\s:#][^:#]*:(\s|$)/.test(line)) return lines.linePos(next + indent(line));
      return undefined;
    }
    next = lineEnd(text, next) + 1;
  }
  return undefined;
}
