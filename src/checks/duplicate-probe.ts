// Finding duplicate keys in NDJSON records without scanning every line.
import { scanJson, type DuplicateKey } from './json-scan.js';

/** The duplicate keys of one record's text, or undefined when it has none. */
export function duplicateKeysIn(text: string): DuplicateKey[] | undefined {
  const found = scanJson(text).duplicates;
  return found.length ? found : undefined;
}

/**
 * Scanning every line with the full scanner would cost 5x JSON.parse, so a
 * cheap test picks the lines to scan; it may pick a line without
 * duplicates, never miss one with. JSON.parse drops repeated keys, so a
 * line has a duplicate exactly when its text holds more keys than its
 * parsed value. A key is a closing quote followed by a colon; counting
 * `":` with native indexOf is several times cheaper than walking the
 * characters, and can only over-count (a string value starting with a
 * colon), which just costs a scan. Only whitespace before a colon would
 * hide a key from that count, so such lines take the exact walk instead.
 */
export function mayHaveDuplicateKeys(line: string, parsed: unknown): boolean {
  const keys = countKeys(parsed);
  return (SPACE_BEFORE_COLON.test(line) ? structuralColons(line) : quoteColons(line)) !== keys;
}

const SPACE_BEFORE_COLON = /"[ \t\r\n]+:/;

/** Occurrences of an unescaped quote directly followed by a colon. */
function quoteColons(line: string): number {
  let count = 0;
  for (let at = line.indexOf('":'); at >= 0; at = line.indexOf('":', at + 2)) {
    let backslashes = 0;
    while (line.charCodeAt(at - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) count++;
  }
  return count;
}

/** Colons outside strings: exactly one per key in valid JSON. */
function structuralColons(line: string): number {
  let colons = 0;
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x3a) {
      colons++;
    }
  }
  return colons;
}

function countKeys(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  let n = 0;
  if (Array.isArray(value)) {
    for (const item of value) n += countKeys(item);
    return n;
  }
  for (const key in value) n += 1 + countKeys((value as Record<string, unknown>)[key]);
  return n;
}
