// Text that came from a bundle or a pin list (file names above all) made
// safe to print on a terminal: a control character, a C1 control, a bidi
// override or a lone surrogate is written as an escape, never sent raw, so
// a file name can neither move the cursor, retitle the window nor make one
// name look like another. The escapes are unambiguous: a name's own
// backslash is doubled.

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\\': '\\\\' };

/** C0 and C1 controls, DEL, line/paragraph separators, bidi controls, lone surrogates. */
const UNSAFE = /[\x00-\x1f\x7f-\x9f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function escapeOne(ch: string): string {
  const named = NAMED[ch];
  if (named) return named;
  const code = ch.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

/** A file name as it may be printed: unsafe characters and backslashes escaped (`a\nb` prints as `a\\nb`). */
export function printableName(name: string): string {
  return name.replace(/\\/g, '\\\\').replace(UNSAFE, escapeOne);
}

/** Any other text (a message that may quote a name): unsafe characters escaped, backslashes kept. */
export function printable(text: string): string {
  return text.replace(UNSAFE, escapeOne);
}

/** What JSON.stringify leaves raw in a string: DEL, C1 controls, line/paragraph separators, bidi controls. */
const UNSAFE_IN_JSON = /[\x7f-\x9f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Pretty JSON for a terminal: JSON.stringify escapes C0 controls and lone surrogates; the rest is written as \uXXXX too (same value). */
export function printableJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(UNSAFE_IN_JSON, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
