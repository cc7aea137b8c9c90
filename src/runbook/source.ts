// Reads a runbook file and parses it as YAML with source positions. Every
// way a file can be unusable (missing, a directory, empty, binary, huge, a
// YAML syntax error, an alias bomb, absurd nesting) becomes a Diagnostic
// instead of an exception.
//
// The YAML is parsed in two stages on purpose: yaml's CST parser is
// iterative, its composer is recursive (10,000 nested `[` overflow the stack,
// and near the stack limit V8 can abort the process outright) and checks
// duplicate keys pairwise (50,000 keys take seconds). So the CST is measured
// with an explicit stack first and only a sanely shaped file is composed.
import { readFileSync, statSync } from 'node:fs';
import { Composer, CST, Document, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, Parser, visit, YAMLParseError, type Node } from 'yaml';
import type { Diagnostic } from './diagnostics.js';
import { precompiledData } from './precompiled.js';
import { yamlDiagnostics } from './yaml-errors.js';

/** Runbooks are hand-written; anything larger is a mistake, not a runbook. */
/** The message of a runbook path that names no file (the CLI says it as it is, not as "not a valid runbook"). */
export const NOT_FOUND = 'runbook not found (no such file)';

export const MAX_RUNBOOK_BYTES = 1024 * 1024;
export const MAX_ALIAS_COUNT = 100;
export const MAX_DEPTH = 64;
/** Keys in one mapping; duplicate-key checking is quadratic in this. */
export const MAX_MAP_KEYS = 1000;
/** YAML nodes in the whole file; bounds the work of every later stage. */
export const MAX_NODES = 100_000;

export interface RunbookSource {
  file: string;
  text: string;
  doc: Document;
  lines: LineCounter;
  data: unknown;
}

export type SourceResult = { ok: true; source: RunbookSource } | { ok: false; diagnostics: Diagnostic[] };

export function readRunbookSource(file: string): SourceResult {
  const fail = (message: string, hint: string, pos?: { line: number; col: number }): SourceResult => ({
    ok: false,
    diagnostics: [{ file, message, hint, ...pos }],
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
    if (code === 'ENOENT') return fail(NOT_FOUND, 'check the path; shipped runbooks are in the checklists/ folder');
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
  // A shipped runbook, byte for byte: read when the package was built (src/runbook/precompiled.ts).
  const shipped = precompiledData(bytes);
  if (shipped !== undefined) return { ok: true, source: withLazyDocument(file, text, shipped) };

  const lines = new LineCounter();
  const tokens = [...new Parser(lines.addNewLine).parse(text)];
  const shape = measureShape(tokens);
  if (shape.tooDeep !== undefined) {
    return fail(`nesting deeper than ${MAX_DEPTH} levels`, 'a runbook is at most a few levels deep; check for runaway brackets or indentation', lines.linePos(shape.tooDeep));
  }
  if (shape.tooWide !== undefined) {
    return fail(`a mapping with more than ${MAX_MAP_KEYS} keys`, 'a runbook mapping has a few dozen keys at most; check that this is the runbook you meant', lines.linePos(shape.tooWide));
  }
  if (shape.nodes > MAX_NODES) {
    return fail(`has ${shape.nodes} YAML nodes; a runbook may have at most ${MAX_NODES}`, 'check that this is the runbook you meant; split generated content out of it');
  }

  const doc = composeFirstDocument(tokens, text.length);
  if (doc.errors.length > 0) return { ok: false, diagnostics: yamlDiagnostics(file, text, doc, lines) };

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const alias = firstAlias(doc);
    const pos = alias ? lines.linePos(alias.node.range?.[0] ?? 0) : undefined;
    if (alias?.unresolved) {
      return fail(`YAML alias *${alias.node.source} refers to an anchor that is not defined before it`, `define &${alias.node.source} on an earlier value, or write the value out instead of the alias`, pos);
    }
    if (/alias/i.test(message)) {
      return fail(`YAML aliases expand to too many nodes (more than ${MAX_ALIAS_COUNT} expansions)`, 'write the repeated content out instead of nesting anchors and aliases', pos);
    }
    return fail(`cannot be read as YAML data (${message})`, 'check the file for unusual YAML features (tags, anchors)', pos);
  }
  return { ok: true, source: { file, text, doc, lines, data } };
}

/** A shipped runbook's source: its data from the build; its YAML document, needed only to place a diagnostic, parsed when first asked for. */
function withLazyDocument(file: string, text: string, data: unknown): RunbookSource {
  let parsed: { doc: Document; lines: LineCounter } | undefined;
  const parse = () => {
    if (!parsed) {
      const lines = new LineCounter();
      parsed = { doc: composeFirstDocument([...new Parser(lines.addNewLine).parse(text)], text.length), lines };
    }
    return parsed;
  };
  return {
    file,
    text,
    data,
    get doc() {
      return parse().doc;
    },
    get lines() {
      return parse().lines;
    },
  };
}

export interface Shape {
  /** Offset of the first token nested deeper than MAX_DEPTH. */
  tooDeep?: number;
  /** Offset of the first mapping with more than MAX_MAP_KEYS keys. */
  tooWide?: number;
  nodes: number;
}

/** Depth, widest mapping and node count of the CST, without recursion (the answers file is measured too). */
export function measureShape(tokens: CST.Token[]): Shape {
  const shape: Shape = { nodes: 0 };
  const stack: { token: CST.Token; depth: number }[] = [];
  for (const token of tokens) if (token.type === 'document' && token.value) stack.push({ token: token.value, depth: 0 });
  while (stack.length > 0) {
    const { token, depth } = stack.pop()!;
    shape.nodes++;
    if (token.type !== 'block-map' && token.type !== 'block-seq' && token.type !== 'flow-collection') continue;
    if (depth >= MAX_DEPTH) {
      shape.tooDeep = Math.min(shape.tooDeep ?? token.offset, token.offset);
      continue;
    }
    const isMapping = token.type === 'block-map' || (token.type === 'flow-collection' && token.start.source === '{');
    if (isMapping && token.items.length > MAX_MAP_KEYS) shape.tooWide = Math.min(shape.tooWide ?? token.offset, token.offset);
    for (const item of token.items) {
      if (item.key) stack.push({ token: item.key, depth: depth + 1 });
      if (item.value) stack.push({ token: item.value, depth: depth + 1 });
    }
  }
  return shape;
}

/** What yaml's parseDocument does, on tokens we already have. */
export function composeFirstDocument(tokens: CST.Token[], length: number): Document {
  const composer = new Composer({ uniqueKeys: true, strict: true, prettyErrors: false });
  let doc: Document | undefined;
  for (const next of composer.compose(tokens, true, length)) {
    if (!doc) {
      doc = next;
    } else {
      doc.errors.push(new YAMLParseError([next.range[0], next.range[0] + 1], 'MULTIPLE_DOCS', 'Source contains multiple documents'));
      break;
    }
  }
  return doc!;
}

function firstAlias(doc: Document): { node: { source: string; range?: [number, number, number] | null }; unresolved: boolean } | undefined {
  const anchors = new Set<string>();
  let found: ReturnType<typeof firstAlias>;
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node)) {
        const unresolved = !anchors.has(node.source);
        if (!found || (unresolved && !found.unresolved)) found = { node, unresolved };
        if (unresolved) return visit.BREAK;
      } else if (node.anchor) {
        anchors.add(node.anchor);
      }
      return undefined;
    },
  });
  return found;
}

/**
 * Position of the value at `path` (or of its key, when `key` is true) in the
 * source. A block mapping or list is located at its key (`steps:`), where a
 * reader looks for it, rather than at its first entry on the next line.
 * Falls back to the nearest existing ancestor.
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
      const value = pair.value as Node | null;
      const blockCollection = (isMap(value) || isSeq(value)) && !value.flow;
      if (last && (key || blockCollection)) {
        offset = keyNode.range?.[0] ?? offset;
        break;
      }
      node = value;
      offset = value?.range?.[0] ?? keyNode.range?.[0] ?? offset;
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

/** The text a scalar at `path` was written as (YAML reads `1.10` as 1.1). */
export function scalarSource(source: RunbookSource, path: (string | number)[]): string | undefined {
  let node: unknown = source.doc.contents;
  for (const seg of path) {
    if (isMap(node)) node = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg))?.value;
    else if (isSeq(node)) node = node.items[Number(seg)];
    else return undefined;
  }
  return isScalar(node) && typeof node.source === 'string' ? node.source : undefined;
}
