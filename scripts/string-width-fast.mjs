// An esbuild plugin that gives string-width (both copies Ink bundles: v8
// for Ink's measuring, v7 under wrap-ansi) a fast path for the characters the
// screen is made of. string-width sends every string that is not plain
// printable ASCII through Intl.Segmenter and Unicode-property regexes
// (\p{RGI_Emoji} with the v flag): the screen's glyphs (› · ✓ ✗ → — …) make
// nearly every line take that path, and its first use — compiling those
// regexes, loading the segmenter — was ~30 ms of the first frame.
//
// The fast path: a string made only of characters that each are one column
// wide and can never join a neighbour into one grapheme cluster has a width
// equal to its length. Which characters those are is decided here, at build
// time, by asking the very string-width being bundled, character by
// character, over a few blocks (Latin, Greek, Cyrillic, punctuation, arrows,
// maths, box drawing, shapes, dingbats):
// - a letter, number, punctuation, symbol or space; no mark, no emoji
//   (Extended_Pictographic), nothing default-ignorable;
// - string-width says 1 for it alone, 3 between two letters, 2 doubled;
// - Intl.Segmenter keeps it apart from a letter on either side (no
//   Prepend, Extend, SpacingMark or ZWJ behaviour);
// - all of them in the Basic Multilingual Plane, so length = characters.
// Two such characters cannot form one cluster either (the grapheme rules
// join only with Extend/SpacingMark/ZWJ after, Prepend before, Hangul and
// regional indicators, none of which qualify), so the sum of widths holds
// for any string of them. Anything else takes string-width's own path, and
// the fast path is used only with the default ambiguousIsNarrow (ambiguous
// characters are then one column, as measured here).
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readFileSync } from 'node:fs';

const BLOCKS = [
  [0x00a0, 0x024f], // Latin-1 Supplement, Latin Extended-A/B
  [0x0370, 0x03ff], // Greek
  [0x0400, 0x04ff], // Cyrillic
  [0x2010, 0x2bff], // punctuation, super/subscripts, currency, letterlike, arrows, maths, technical, box drawing, blocks, shapes, symbols, dingbats
];

const segmenter = new Intl.Segmenter();
const clusters = (s) => [...segmenter.segment(s)].length;
const KIND = /^[\p{L}\p{N}\p{P}\p{S}\p{Zs}]$/u;
const EXCLUDED = /[\p{M}\p{Extended_Pictographic}\p{Default_Ignorable_Code_Point}\p{Regional_Indicator}]/u;

/** The code points string-width (the module at `file`) measures as one column in any string of them: a regex character class body. */
export async function narrowClass(file) {
  const { default: stringWidth } = await import(pathToFileURL(file).href);
  const ranges = [];
  for (const [from, to] of BLOCKS) {
    for (let cp = from; cp <= to; cp++) {
      const c = String.fromCodePoint(cp);
      const ok = KIND.test(c) && !EXCLUDED.test(c) && stringWidth(c) === 1 && stringWidth(`a${c}a`) === 3 && stringWidth(c + c) === 2 && clusters(`a${c}`) === 2 && clusters(`${c}a`) === 2;
      if (!ok) continue;
      const last = ranges.at(-1);
      if (last && last[1] === cp - 1) last[1] = cp;
      else ranges.push([cp, cp]);
    }
  }
  const hex = (cp) => `\\u${cp.toString(16).padStart(4, '0')}`;
  return ranges.map(([a, b]) => (a === b ? hex(a) : `${hex(a)}-${hex(b)}`)).join('');
}

/**
 * A segmenter for the text the screen draws, put in front of Intl.Segmenter
 * where Ink's text code splits strings into grapheme clusters (ansi-tokenize
 * for every row of every frame, slice-ansi when a line is wrapped or cut, and
 * string-width's own slow path). The first Intl.Segmenter of a process loads
 * ICU's break rules (~16 ms here), and each library made one when it was
 * loaded; a \p{RGI_Emoji} regex (~14 ms to build) was made the same way.
 * Both are now made on first use, and a string of printable ASCII, ESC and
 * the fast-path characters is split into its UTF-16 units without them: ESC
 * is a control (a cluster boundary on both sides, UAX #29 GB4/GB5), and the
 * others never join a neighbour (see above), so each unit is one cluster —
 * what Intl.Segmenter returns for such a string (test/startup checks it). The
 * object answers what these libraries ask of Intl.Segmenter's segments:
 * iteration and containing().
 */
export const SEGMENTER = (cls, options) => `(() => {
\tconst simple = /^[\\u001B\\u0020-\\u007E${cls}]*$/;
\tlet intl;
\tconst units = (input) => ({
\t\tcontaining(at) {
\t\t\tconst index = Math.trunc(Number(at)) || 0; // as Intl.Segmenter's: undefined is 0, 1.5 is 1
\t\t\treturn index >= 0 && index < input.length ? {segment: input[index], index, input} : undefined;
\t\t},
\t\t*[Symbol.iterator]() {
\t\t\tfor (let index = 0; index < input.length; index++) yield {segment: input[index], index, input};
\t\t},
\t});
\treturn {segment: (value) => { const input = String(value); return simple.test(input) ? units(input) : (intl ??= new Intl.Segmenter(${options})).segment(input); }};
})()`;

/** The edits for each file: [file pattern, [the text replaced, the text put there (given the character class)]...]. */
const EDITS = [
  {
    // v8 (Ink): replaces its printable-ASCII fast path with one that includes these characters.
    file: /[\\/]node_modules[\\/]string-width[\\/]index\.js$/,
    edits: [
      ["if (/^[\\u0020-\\u007E]*$/.test(string)) {\n\t\treturn string.length;\n\t}", (cls) => `if (/^[\\u0020-\\u007E]*$/.test(string) || (ambiguousIsNarrow && /^[\\u0020-\\u007E${cls}]*$/.test(string))) {\n\t\treturn string.length;\n\t}`],
      ['const segmenter = new Intl.Segmenter();', (cls) => `const segmenter = ${SEGMENTER(cls, '')};`],
      ['const rgiEmojiRegex = /^\\p{RGI_Emoji}$/v;', () => 'let rgiEmoji;\nconst rgiEmojiRegex = {test: (text) => (rgiEmoji ??= /^\\p{RGI_Emoji}$/v).test(text)};'],
    ],
  },
  {
    // v7 (wrap-ansi): had no fast path at all; it goes after the ANSI codes are stripped.
    file: /[\\/]wrap-ansi[\\/]node_modules[\\/]string-width[\\/]index\.js$/,
    edits: [
      ['\tlet width = 0;\n\tconst eastAsianWidthOptions = {ambiguousAsWide: !ambiguousIsNarrow};', (cls) => `\tif (ambiguousIsNarrow && /^[\\u0020-\\u007E${cls}]*$/.test(string)) {\n\t\treturn string.length;\n\t}\n\n\tlet width = 0;\n\tconst eastAsianWidthOptions = {ambiguousAsWide: !ambiguousIsNarrow};`],
      ['const segmenter = new Intl.Segmenter();', (cls) => `const segmenter = ${SEGMENTER(cls, '')};`],
    ],
  },
  {
    file: /[\\/]@alcalzone[\\/]ansi-tokenize[\\/]build[\\/]tokenize\.js$/,
    edits: [['const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });', (cls) => `const segmenter = ${SEGMENTER(cls, "undefined, {granularity: 'grapheme'}")};`]],
  },
  {
    file: /[\\/]slice-ansi[\\/]tokenize-ansi\.js$/,
    edits: [["const GRAPHEME_SEGMENTER = new Intl.Segmenter(undefined, {granularity: 'grapheme'});", (cls) => `const GRAPHEME_SEGMENTER = ${SEGMENTER(cls, "undefined, {granularity: 'grapheme'}")};`]],
  },
];

/** The fast-path characters: the ones Ink's string-width measures as one column in any string of them (computed once a build). */
let inkClass;
const INK_STRING_WIDTH = fileURLToPath(new URL('../node_modules/string-width/index.js', import.meta.url));

export const stringWidthFastPath = {
  name: 'string-width-fast-path',
  setup(b) {
    const patched = new Set();
    for (const edit of EDITS) {
      b.onLoad({ filter: edit.file }, async (args) => {
        // The v8 pattern also matches the v7 path's tail: take the most specific edit.
        const own = EDITS.filter((e) => e.file.test(args.path)).at(-1);
        if (own !== edit) return undefined;
        let text = readFileSync(args.path, 'utf8');
        // Each string-width copy's own width fast path uses its own class; the segmenters the one of Ink's string-width.
        const widthClass = edit.file.source.includes('string-width') ? await narrowClass(args.path) : undefined;
        inkClass ??= await narrowClass(INK_STRING_WIDTH);
        for (const [wrong, right] of edit.edits) {
          if (!text.includes(wrong)) throw new Error(`${args.path}: the text a fast path of scripts/string-width-fast.mjs replaces has changed (${JSON.stringify(wrong.slice(0, 60))}); check it and update the script`);
          text = text.replace(wrong, right(wrong.includes('Segmenter') ? inkClass : (widthClass ?? inkClass)));
        }
        patched.add(edit);
        return { contents: text, loader: 'js' };
      });
    }
    b.onEnd((result) => {
      if (result.errors.length === 0 && patched.size !== EDITS.length) throw new Error('scripts/string-width-fast.mjs: a file it patches was not bundled (did Ink, wrap-ansi or slice-ansi change their dependencies?)');
    });
  },
};
