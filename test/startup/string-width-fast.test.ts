// The build gives string-width a fast path (scripts/string-width-fast.mjs):
// a string made only of the characters it computes is as wide as it is
// long. Checked here against the real string-width modules Ink bundles, on
// strings those characters make (each alone, in pairs with every kind of
// neighbour, and random mixes), and against characters it must leave to
// string-width's own path.
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
