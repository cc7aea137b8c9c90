// Names of people (signers, operators) and decision labels, as the GO lock
// sees them. One place decides what is stored, what is compared and what is
// refused, so the live session, the answers file, the runbook lint and
// `cutover verify`'s replay of the rules can never disagree.
//
// Stored (cleanText): the text as typed, in NFC, with every run of white
// space and control characters (tab, newline, U+2028…) made one space, bidi
// controls removed (they make "‮ecilA" display as "Alice"), and trimmed.
// Compared (nameKey): the stored text in NFKC, with invisible characters
// removed (zero-width, soft hyphen, fillers, variation selectors), spacing
// collapsed and case folded. Two decision labels are compared by the same
// key; a typed confirmation by the same text with its case kept.
// Refused (nameProblem): text without a visible letter, or letters of
// scripts that are not written together ("Аlice" with a Cyrillic А looks
// like "Alice" but is someone else to a computer).

/** The longest name accepted; a name is a person, not a paragraph. */
export const MAX_NAME_CHARS = 200;

const SPACES = /[\s\p{Cc}\p{Zl}\p{Zp}]+/gu;
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Cf}]/gu;

/** The form that is stored and shown: as typed, minus what only hides or breaks lines. */
export function cleanText(raw: string): string {
  return raw.normalize('NFC').replace(BIDI, '').replace(SPACES, ' ').trim();
}

/** The text as the eye reads it: NFKC, invisible characters removed, spacing collapsed (case kept). */
export function visibleText(text: string): string {
  return cleanText(text).normalize('NFKC').replace(INVISIBLE, '').replace(SPACES, ' ').trim();
}

/** The comparison key: equal keys are one person (or one label), however they were typed. */
export function nameKey(text: string): string {
  // Upper then lower folds ß/SS, ς/σ and the like; NFKC again after folding.
  return visibleText(text).toUpperCase().toLowerCase().normalize('NFKC');
}

/** One person, however the name was typed. */
export function samePerson(a: string, b: string): boolean {
  return nameKey(a) === nameKey(b);
}

/**
 * The typed confirmation reads as the label: what `visibleText` ignores is
 * ignored, but case is not (typing the label is a deliberate act; "no-go"
 * does not confirm "NO-GO").
 */
export function confirmsLabel(typed: string, label: string): boolean {
  return visibleText(typed) === visibleText(label);
}

/**
 * Scripts that are written together (UTS #39, "highly restrictive"): Latin
 * with Han and the Japanese kana, with Han and Bopomofo, or with Han and Hangul.
 */
const TOGETHER: readonly (readonly string[])[] = [
  ['Latin', 'Han', 'Hiragana', 'Katakana'],
  ['Latin', 'Han', 'Bopomofo'],
  ['Latin', 'Han', 'Hangul'],
];

const SCRIPTS = [
  'Latin', 'Greek', 'Cyrillic', 'Armenian', 'Hebrew', 'Arabic', 'Syriac', 'Thaana', 'Devanagari', 'Bengali', 'Gurmukhi',
  'Gujarati', 'Oriya', 'Tamil', 'Telugu', 'Kannada', 'Malayalam', 'Sinhala', 'Thai', 'Lao', 'Tibetan', 'Myanmar', 'Georgian',
  'Hangul', 'Ethiopic', 'Cherokee', 'Canadian_Aboriginal', 'Khmer', 'Mongolian', 'Hiragana', 'Katakana', 'Bopomofo', 'Han',
].map((name) => ({ name, test: new RegExp(`^\\p{Script=${name}}$`, 'u') }));

/** The scripts of the letters of `text` (letters of the Common and Inherited scripts belong to none). */
export function scriptsOf(text: string): string[] {
  const found = new Set<string>();
  for (const ch of text.normalize('NFKC')) {
    if (!/\p{L}/u.test(ch) || /\p{Script=Common}|\p{Script=Inherited}/u.test(ch)) continue;
    found.add(SCRIPTS.find((s) => s.test.test(ch))?.name ?? `another script (U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`);
  }
  return [...found];
}

/** The scripts of `text` when they are not written together; undefined when they are. */
export function mixedScripts(text: string): string[] | undefined {
  const scripts = scriptsOf(text);
  if (scripts.length <= 1 || TOGETHER.some((set) => scripts.every((s) => set.includes(s)))) return undefined;
  return scripts;
}

/** The text quoted for a message, every invisible, blank or stray character written as \u{…}. */
export function quoted(text: string): string {
  let out = '';
  let afterBase = false;
  for (const ch of text) {
    const hidden: boolean = INVISIBLE_OR_BLANK.test(ch) || (/\p{M}/u.test(ch) && !afterBase);
    out += ch === '"' || ch === '\\' ? `\\${ch}` : hidden ? `\\u{${ch.codePointAt(0)!.toString(16)}}` : ch;
    afterBase = !hidden && /[\p{L}\p{N}\p{M}]/u.test(ch);
  }
  return `"${out}"`;
}

const INVISIBLE_OR_BLANK = /^(?! )(?:[\p{Default_Ignorable_Code_Point}\p{C}\p{Z}\u2800]|\s)$/u;

/**
 * Why `text` cannot name a person or label a decision, in words; undefined
 * when it can. `what` is how the message names it ("the signer's name").
 */
export function nameProblem(text: string, what = 'the name'): string | undefined {
  const key = nameKey(text);
  if (!/\p{L}/u.test(key)) {
    return text.trim() === '' ? `${what} is empty` : `${what} ${quoted(text)} has no visible letter (only spaces, digits, symbols or invisible characters)`;
  }
  if ([...cleanText(text)].length > MAX_NAME_CHARS) return `${what} is longer than ${MAX_NAME_CHARS} characters`;
  const mixed = mixedScripts(text);
  if (mixed) return `${what} ${quoted(cleanText(text))} mixes letters of ${mixed.join(' and ')}, which can make one text look like another`;
  return undefined;
}
