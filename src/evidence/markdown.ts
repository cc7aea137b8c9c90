// Text from the journal and the runbook, made safe to put into
// decision-record.md. Remediation plans, notes, input values, names, skip
// reasons, refusal reasons and titles are free text: an unclosed `<!--`
// in one of them once hid the real sign-offs and showed a GO. Every such
// value goes through mdText, which leaves it one inline run of literal
// text: it cannot open HTML, a comment, a code span, emphasis, a link or a
// table cell, start a heading, quote or list, or end its line. Pure and
// deterministic: `cutover verify` renders the record again from the journal
// and compares it byte for byte.

/**
 * Characters Markdown (CommonMark + GFM, GitHub's math) may read as markup
 * anywhere in a line; `_` only next to a non-letter (between two letters or
 * digits it never emphasises, and `started_at` or a URL stays as written),
 * `&` only where it starts an entity.
 */
const INLINE = /[\\`*[\]<>|~$]|_(?![\p{L}\p{N}])|(?<![\p{L}\p{N}])_|&(?=#?\w+;)/gu;
/** A line break of any kind: it would end the list item or table row the text sits in. */
const BREAK = /\r\n|[\n\r\u0085\u2028\u2029]/g;
/** Controls (terminal escapes when `cutover report` prints the record) and bidi overrides: shown, never applied. */
const HIDDEN = /[\p{Cc}\p{Cs}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;
/** What would start a block if the text began a line: a heading, a list item, a thematic break or setext underline. */
const LEADING = /^(\s*)(#{1,6}|[-+=]|\d{1,9}[.)])(?=\s|$)|^(\s*)([-=])(?=[-=\s]*$)/;

/** One inline run of literal text: markup escaped, line breaks as `<br>`, controls written as ⟨U+XXXX⟩. */
export function mdText(value: string | number | null | undefined): string {
  const text = String(value ?? '')
    .replace(/\t/g, ' ')
    .replace(BREAK, '\n')
    .replace(HIDDEN, (ch) => (ch === '\n' ? ch : `⟨U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}⟩`))
    .replace(INLINE, (ch) => `\\${ch}`);
  // Each line as if it began a line of the file, in case a reader turns <br> back into line breaks.
  return text
    .split('\n')
    .map((line) => line.replace(LEADING, (m: string) => (/\d/.test(m) ? m.replace(/\S$/, '\\$&') : m.replace(/\S/, '\\$&'))))
    .join('<br>');
}

/** An id, hash or path as code; anything else that would need escaping inside backticks is plain escaped text. */
export function mdCode(value: string): string {
  return /^[\w.:@/+-]+$/.test(value) ? `\`${value}\`` : mdText(value);
}

/** A link to a file of the bundle: escaped text, and a target that can only be a relative path. */
export function mdLink(text: string, target: string): string {
  const href = target.replace(/[^A-Za-z0-9._~/-]/g, (ch) => encodeURIComponent(ch).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`));
  return `[${mdText(text)}](${href.startsWith('/') ? `.${href}` : href})`;
}
