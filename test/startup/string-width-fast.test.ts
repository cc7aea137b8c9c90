// The build gives string-width a fast path (scripts/string-width-fast.mjs):
// a string made only of the characters it computes is as wide as it is
// long. Checked here against the real string-width modules Ink bundles, on
// strings those characters make (each alone, in pairs with every kind of
// neighbour, and random mixes), and against characters it must leave to
// string-width's own path.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a build script (plain .mjs, no types)
import { narrowClass } from '../../scripts/string-width-fast.mjs';

const modules = (path: string) => fileURLToPath(new URL(`../../node_modules/${path}`, import.meta.url));
const COPIES = {
  'string-width 8 (Ink)': modules('string-width/index.js'),
  'string-width 7 (wrap-ansi)': modules('wrap-ansi/node_modules/string-width/index.js'),
};

/** A small deterministic PRNG: the same strings on every run. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe.each(Object.entries(COPIES))('%s', (_name, file) => {
  let cls: string;
  beforeAll(async () => {
    cls = (await narrowClass(file)) as string;
  });

  it('measures every string of the fast-path characters as its length', async () => {
    const fast = new RegExp(`^[\\u0020-\\u007E${cls}]*$`);
    const { default: stringWidth } = (await import(file)) as { default: (s: string) => number };
    const chars = [...Array(0x2c00).keys()].map((cp) => String.fromCodePoint(cp)).filter((c) => fast.test(c));
    // The screen's own glyphs are among them.
    for (const glyph of ['›', '·', '✓', '✗', '→', '—', '…', '│', '─', '▲', '▼', '•', '×', 'é', 'ß']) expect(chars).toContain(glyph);
    // Each with a neighbour of every kind on either side.
    for (const c of chars) for (const n of ['a', '›', 'é']) expect([stringWidth(c + n), stringWidth(n + c)]).toEqual([2, 2]);
    const next = rng(42);
    for (let i = 0; i < 1500; i++) {
      const s = Array.from({ length: 1 + Math.floor(next() * 40) }, () => chars[Math.floor(next() * chars.length)]).join('');
      expect(fast.test(s)).toBe(true);
      expect(stringWidth(s)).toBe(s.length);
    }
  });

  it('leaves wide, zero-width, combining and emoji characters to string-width', async () => {
    const fast = new RegExp(`^[\\u0020-\\u007E${cls}]*$`);
    // CJK, an emoji, a text-default emoji (⚠, ✔) that may take VS16, the stopwatch (wide), ZWJ/ZWSP, a combining accent, soft hyphen, ©, a control.
    for (const c of ['漢', '😀', '⚠', '✔', '⏱', '\u200d', '\u200b', '\u0301', '\u00ad', '©', '\u001b', '\t', '\ufe0f']) expect(fast.test(c), JSON.stringify(c)).toBe(false);
  });
});

// The segmenter the build puts in front of Intl.Segmenter in string-width,
// ansi-tokenize and slice-ansi: a string of the fast-path characters, printable
// ASCII and ESC is split into its UTF-16 units without Intl.Segmenter, and
// that must be exactly what Intl.Segmenter returns for it.
describe('the fast segmenter', () => {
  type Segment = { segment: string; index: number; input: string };
  type Segments = Iterable<Segment> & { containing(i: number): Segment | undefined };
  let segmenter: { segment(s: string): Segments };
  let chars: string[];
  const intl = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  const plain = (it: Iterable<Segment>) => [...it].map(({ segment, index }) => ({ segment, index }));
  beforeAll(async () => {
    const cls = (await narrowClass(COPIES['string-width 8 (Ink)'])) as string;
    // @ts-expect-error: a build script (plain .mjs, no types)
    const { SEGMENTER } = (await import('../../scripts/string-width-fast.mjs')) as { SEGMENTER: (cls: string, options: string) => string };
    segmenter = new Function(`return ${SEGMENTER(cls, "undefined, {granularity: 'grapheme'}")};`)() as typeof segmenter;
    const fast = new RegExp(`^[\\u001B\\u0020-\\u007E${cls}]$`);
    chars = [...Array(0x2c00).keys()].map((cp) => String.fromCodePoint(cp)).filter((c) => fast.test(c));
  });

  it('splits screen text with ANSI codes exactly as Intl.Segmenter does, and answers containing() the same', () => {
    expect(chars).toContain('\u001b');
    const next = rng(7);
    const codes = ['\u001b[31m', '\u001b[1m', '\u001b[39m', '\u001b[22m', '\u001b[7m', '\u001b[0m'];
    for (let i = 0; i < 1500; i++) {
      const s = Array.from({ length: 1 + Math.floor(next() * 40) }, () => (next() < 0.1 ? codes[Math.floor(next() * codes.length)] : chars[Math.floor(next() * chars.length)])).join('');
      const ours = segmenter.segment(s);
      const theirs = intl.segment(s);
      expect(plain(ours)).toEqual(plain(theirs));
      for (const at of [-1, 0, Math.floor(next() * s.length), s.length - 1, s.length, 1.5, undefined]) expect(ours.containing(at as number) && { segment: ours.containing(at as number)!.segment, index: ours.containing(at as number)!.index }).toEqual(theirs.containing(at as number) && { segment: theirs.containing(at as number)!.segment, index: theirs.containing(at as number)!.index });
    }
  });

  it('leaves every other string to Intl.Segmenter (combining marks, emoji, CJK, CR LF)', () => {
    for (const s of ['e\u0301', '👍🏽 ok', '👨‍👩‍👧', '漢字', 'a\r\nb', '\u001b[31m🇫🇷\u001b[39m', 'a\u200db']) {
      expect(plain(segmenter.segment(s))).toEqual(plain(intl.segment(s)));
    }
    // Not a string: made one first, as Intl.Segmenter does.
    for (const v of [12, undefined]) expect(plain(segmenter.segment(v as unknown as string))).toEqual(plain(intl.segment(v as unknown as string)));
  });
});

// In the bundle as built (npm test builds first): every Intl.Segmenter and
// the RGI_Emoji regex are made on first use only, never when a module loads
// (the first would cost the screen's first frame ~16 ms of ICU start-up).
describe('the built bundle', () => {
  it('makes no Intl.Segmenter and no RGI_Emoji regex but lazily (x ??= new …)', () => {
    const dist = fileURLToPath(new URL('../../dist/', import.meta.url));
    const code = readdirSync(dist).filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(dist, f), 'utf8')).join('\n');
    const made = [...code.matchAll(/(.{0,4})new (Intl\.Segmenter|RegExp\("\^\\\\p\{RGI_Emoji)/g)];
    expect(made.length).toBeGreaterThanOrEqual(5); // four segmenters (two string-width copies, ansi-tokenize, slice-ansi) and the regex
    for (const m of made) expect(m[1], m[0]).toMatch(/\?\?=$/);
  });
});
