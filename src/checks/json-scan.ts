// A small JSON scanner that does the two things JSON.parse will not:
// it reports duplicate object keys (JSON.parse silently keeps the last one,
// so a payload can say one thing to us and another to a different reader),
// and it locates a syntax error as line:column (V8's messages on Node 20
// often give no position at all). It is iterative so deep nesting cannot
// overflow the stack, and it never builds the parsed value. It also finds
// where a document nests deeper than MAX_JSON_DEPTH: the checks refuse
// such a file, because the code that reads a parsed value (the schema
// validator, the reports) recurses and a 100,000-deep array overflows it.
import { childPath } from './violation.js';

export interface DuplicateKey {
  /** JSON path of the duplicated member, e.g. `$.active_runtime_baseline.commit_sha`. */
  path: string;
  key: string;
  line: number;
  column: number;
  /** Line of the first occurrence, which JSON.parse discards. */
  firstLine: number;
}

export interface JsonSyntaxProblem {
  line: number;
  column: number;
  message: string;
}

/** Arrays and objects nested deeper than this are refused; real payloads are a few levels deep. */
export const MAX_JSON_DEPTH = 64;

export interface JsonScan {
  duplicates: DuplicateKey[];
  syntaxError?: JsonSyntaxProblem;
  /** Where the first array or object deeper than MAX_JSON_DEPTH opens. */
  tooDeep?: { line: number; column: number };
}

interface Frame {
  isObject: boolean;
  path: string;
  /** Object frames: key → line of its first occurrence. */
  keys: Map<string, number> | undefined;
  /** Array frames: index of the current element. */
  index: number;
  /** Path of the value being read inside this frame. */
  childPath: string;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

class ScanError extends Error {}

/**
 * Whether `text` could nest deeper than `depth`: only when it holds that
 * many brackets and braces. Counted natively, so the exact (slower) scan
 * runs only on the rare text that passes.
 */
export function mayNestDeeperThan(text: string, depth: number): boolean {
  let n = 0;
  for (const open of ['[', '{']) {
    for (let at = text.indexOf(open); at >= 0; at = text.indexOf(open, at + 1)) if (++n > depth) return true;
  }
  return false;
}

export function scanJson(text: string): JsonScan {
  const duplicates: DuplicateKey[] = [];
  let tooDeep: JsonScan['tooDeep'];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const stack: Frame[] = [];

  const fail = (message: string): never => {
    throw new ScanError(message);
  };
  const describeHere = (): string => {
    if (i >= text.length) return 'end of input';
    const rest = text.slice(i, i + 12).split(/\r?\n/)[0]!;
    return rest === '' ? 'a line break' : JSON.stringify(rest);
  };
  const skipWhitespace = (): void => {
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x0a) {
        line++;
        lineStart = i + 1;
      } else if (c !== 0x20 && c !== 0x09 && c !== 0x0d) {
        return;
      }
    }
  };
  const readString = (): string => {
    const start = i;
    i++; // opening quote
    let escaped = false;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        i++;
        const raw = text.slice(start + 1, i - 1);
        return escaped ? (JSON.parse(text.slice(start, i)) as string) : raw;
      }
      if (c < 0x20) fail('unescaped control character (a raw line break or tab) inside a string');
      if (c === BACKSLASH) {
        escaped = true;
        const next = text[i + 1];
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
            i++;
            fail('invalid \\u escape: expected four hex digits');
          }
          i += 5;
        } else if (next !== undefined && '"\\/bfnrt'.includes(next)) {
          i++;
        } else {
          i++;
          fail(`invalid escape sequence \\${next ?? ''}`);
        }
      }
    }
    i = start;
    return fail('unterminated string');
  };
  const readNumber = (): void => {
    const match = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
    match.lastIndex = i;
    const m = match.exec(text);
    if (!m || m[0] === '-' || m[0].length === 0) fail(`expected a value, found ${describeHere()}`);
    i += m![0].length;
    const after = text.charCodeAt(i);
    // "01", "1.", "1e" are not JSON numbers even though a prefix is.
    if ((after >= 0x30 && after <= 0x39) || after === 0x2e || after === 0x65 || after === 0x45) {
      fail(`malformed number ${JSON.stringify(text.slice(i - m![0].length, i + 1))}`);
    }
  };
  const readLiteral = (word: string): void => {
    if (text.startsWith(word, i)) i += word.length;
    else fail(`expected a value, found ${describeHere()}`);
  };
  const readKey = (frame: Frame): void => {
    skipWhitespace();
    if (text.charCodeAt(i) !== QUOTE) fail(`expected a double-quoted property name, found ${describeHere()}`);
    const keyLine = line;
    const keyColumn = i - lineStart + 1;
    const key = readString();
    frame.childPath = childPath(frame.path, key);
    const first = frame.keys!.get(key);
    if (first !== undefined) {
      duplicates.push({ path: frame.childPath, key, line: keyLine, column: keyColumn, firstLine: first });
    } else {
      frame.keys!.set(key, keyLine);
    }
    skipWhitespace();
    if (text[i] !== ':') fail(`expected ':' after property name ${JSON.stringify(key)}, found ${describeHere()}`);
    i++;
  };

  try {
    let expectValue = true;
    for (;;) {
      skipWhitespace();
      if (expectValue) {
        const path = stack.length === 0 ? '$' : stack[stack.length - 1]!.childPath;
        const c = text[i];
        if (c === '{' || c === '[') {
          if (stack.length >= MAX_JSON_DEPTH) tooDeep ??= { line, column: i - lineStart + 1 };
          i++;
          const frame: Frame = { isObject: c === '{', path, keys: c === '{' ? new Map() : undefined, index: 0, childPath: childPath(path, 0) };
          stack.push(frame);
          skipWhitespace();
          if (text[i] === (c === '{' ? '}' : ']')) {
            i++;
            stack.pop();
            expectValue = false;
          } else if (frame.isObject) {
            readKey(frame);
          }
          continue;
        }
        if (c === '"') readString();
        else if (c === 't') readLiteral('true');
        else if (c === 'f') readLiteral('false');
        else if (c === 'n') readLiteral('null');
        else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) readNumber();
        else fail(`expected a value, found ${describeHere()}`);
        expectValue = false;
        continue;
      }
      const frame = stack[stack.length - 1];
      if (!frame) {
        if (i < text.length) fail(`unexpected content after the JSON value: ${describeHere()}`);
        return tooDeep ? { duplicates, tooDeep } : { duplicates };
      }
      const close = frame.isObject ? '}' : ']';
      if (text[i] === ',') {
        i++;
        if (frame.isObject) {
          readKey(frame);
        } else {
          frame.index++;
          frame.childPath = childPath(frame.path, frame.index);
        }
        expectValue = true;
      } else if (text[i] === close) {
        i++;
        stack.pop();
      } else {
        fail(`expected ',' or '${close}', found ${describeHere()}`);
      }
    }
  } catch (err) {
    if (!(err instanceof ScanError)) throw err;
    return { duplicates, syntaxError: { line, column: i - lineStart + 1, message: err.message }, ...(tooDeep ? { tooDeep } : {}) };
  }
}
