// Reads a runbook file and parses it as YAML with source positions. Every
// way a file can be unusable (missing, a directory, empty, binary, huge, a
// YAML syntax error, an alias bomb, absurd nesting) becomes a Diagnostic
// instead of an exception.
import { readFileSync, statSync } from 'node:fs';
import { Document, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { Diagnostic } from './diagnostics.js';

/** Runbooks are hand-written; anything larger is a mistake, not a runbook. */
export const MAX_RUNBOOK_BYTES = 1024 * 1024;
const MAX_ALIAS_COUNT = 100;
const MAX_DEPTH = 64;

export interface RunbookSource {
  file: string;
  text: string;
  doc: Document;
  lines: LineCounter;
  data: unknown;
}

export type SourceResult = { ok: true; source: RunbookSource } | { ok: false; diagnostics: Diagnostic[] };

export function readRunbookSource(file: string): SourceResult {
  const fail = (message: string, hint: string, line?: number, col?: number): SourceResult => ({
    ok: false,
    diagnostics: [{ file, message, hint, line, col }],
  });
  let bytes: Buffer;
  try {
    const st = statSync(file);
    if (st.isDirectory()) return fail('is a directory, not a runbook file', 'pass the path of a .yaml runbook file, e.g. checklists/service-v3-cutover-day.yaml');
    if (!st.isFile()) return fail('is not a regular file', 'pass the path of a .yaml runbook file');
    if (st.size > MAX_RUNBOOK_BYTES) {
      return fail(`is ${(st.size / 1024 / 1024).toFixed(1)} MiB; a runbook may be at most 1 MiB`, 'check that this is the runbook you meant; split generated content out of it');
    }
    bytes = readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return fail('no such file', 'check the path; shipped runbooks are in the checklists/ folder');
    if (code === 'EACCES') return fail('permission denied while reading the file', 'make the file readable (chmod +r)');
    return fail(`cannot be read (${code ?? String(err)})`, 'check the path and permissions');
  }
  if (bytes.length === 0 || bytes.toString('utf8').trim() === '') {
    return fail('the file is empty', 'a runbook starts with `format: cutover-runbook/v1`; see docs/runbook-format.md');
  }
  if (bytes.includes(0)) return fail('is a binary file (it contains NUL bytes), not a YAML runbook', 'pass the path of a .yaml runbook file');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail('is not valid UTF-8 text', 'save the runbook as UTF-8');
  }

  const lines = new LineCounter();
  let doc: Document;
  try {
    doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false, strict: true });
  } catch (err) {
    return fail(`cannot be parsed as YAML (${err instanceof Error ? err.message : String(err)})`, 'simplify the nesting of the file');
  }
  if (doc.errors.length > 0) {
    return {
      ok: false,
      diagnostics: doc.errors.map((e) => {
        const pos = lines.linePos(e.pos[0]);
        return { file, line: pos.line, col: pos.col, message: `YAML syntax error: ${firstLine(e.message)}`, hint: yamlHint(e.code, e.message) };
      }),
    };
  }
  const tooDeep = findTooDeep(doc.contents as Node | null, 0);
  if (tooDeep) {
    const pos = lines.linePos(tooDeep.range?.[0] ?? 0);
    return fail(`nesting deeper than ${MAX_DEPTH} levels`, 'a runbook is at most a few levels deep; check for runaway brackets', pos.line, pos.col);
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/alias/i.test(message)) {
      return fail(`YAML aliases expand too much (${message})`, `use at most ${MAX_ALIAS_COUNT} alias expansions; write the repeated content out instead of nesting anchors`);
    }
    return fail(`cannot be read as YAML data (${message})`, 'check the file for unusual YAML features (tags, anchors)');
  }
  return { ok: true, source: { file, text, doc, lines, data } };
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

function yamlHint(code: string, message: string): string {
  if (/tab/i.test(message)) return 'indent with spaces, not tabs';
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'each key may appear once in a mapping; remove or rename the duplicate';
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
      return 'check the indentation and the brackets/quotes around this position';
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'MULTILINE_IMPLICIT_KEY':
      return 'a key must fit on one line and be followed by ": "; check for a missing colon or quote';
    default:
      return 'fix the YAML syntax at this position (a YAML linter or the schema in your editor helps)';
  }
}

function findTooDeep(node: Node | null | undefined, depth: number): Node | undefined {
  if (!node) return undefined;
  if (depth > MAX_DEPTH) return node;
  if (isMap(node)) {
    for (const pair of node.items) {
      const hit = findTooDeep(pair.value as Node | null, depth + 1);
      if (hit) return hit;
    }
  } else if (isSeq(node)) {
    for (const item of node.items) {
      const hit = findTooDeep(item as Node | null, depth + 1);
      if (hit) return hit;
    }
  }
  return undefined;
}

/**
 * Position of the value at `path` (or of its key, when `key` is true) in the
 * source. Falls back to the nearest existing ancestor.
 */
export function positionOf(source: RunbookSource, path: (string | number)[], key = false): { line: number; col: number } {
  let node: unknown = source.doc.contents;
  let offset = (node as Node | null)?.range?.[0] ?? 0;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      const keyNode = pair.key as Node;
      if (last && key) {
        offset = keyNode.range?.[0] ?? offset;
        break;
      }
      node = pair.value;
      offset = (node as Node | null)?.range?.[0] ?? keyNode.range?.[0] ?? offset;
    } else if (isSeq(node)) {
      const item = node.items[Number(seg)];
      if (item === undefined) break;
      node = item;
      offset = (item as Node).range?.[0] ?? offset;
    } else {
      break;
    }
  }
  return source.lines.linePos(offset);
}
