// wrapLines: words over rows; with `whole`, a word longer than a row is
// broken between characters (never inside a surrogate pair) and rows are
// measured in terminal cells, so nothing is cut or lost.
import { describe, expect, it } from 'vitest';
import { cells, wrapLines } from '../../src/ui/layout.js';

describe('wrapLines', () => {
  it('cuts a word longer than a row with … by default', () => {
    expect(wrapLines(`a ${'x'.repeat(20)}`, 10)).toEqual(['a', `${'x'.repeat(9)}…`]);
  });

  it('with whole, breaks a long word over rows and keeps every character', () => {
    const word = `path/${'x'.repeat(23)}/end`;
    const rows = wrapLines(`see ${word} now`, 10, Infinity, { whole: true });
    expect(rows.every((r) => cells(r) <= 10)).toBe(true);
    expect(rows.join('')).toContain(word);
    expect(rows.join(' ')).not.toContain('…');
  });

  it('with whole, never splits a surrogate pair and counts wide characters as two cells', () => {
    const emoji = '😀'.repeat(12);
    const rows = wrapLines(`a ${emoji}`, 10, Infinity, { whole: true });
    expect(rows.join('').replace(/^a/, '')).toBe(emoji);
    expect(rows.every((r) => cells(r) <= 10 && !/[\ud800-\udbff]$/.test(r))).toBe(true);
    const cjk = '漢字'.repeat(8);
    const wide = wrapLines(cjk, 10, Infinity, { whole: true });
    expect(wide.join('')).toBe(cjk);
    expect(wide.every((r) => cells(r) <= 10)).toBe(true);
  });
});
