import { describe, expect, it } from 'vitest';
import { MAX_DISPLAY_LINE, sanitizeForTerminal, TerminalTextFilter } from '../../src/runner/index.js';
import { Tail } from '../../src/runner/output-view.js';

describe('sanitizeForTerminal', () => {
  it.each([
    ['OSC title ended by BEL', '\x1b]0;pwned title\x07ok', 'ok'],
    ['OSC ended by ST', '\x1b]8;;https://x.test\x1b\\link\x1b]8;;\x1b\\', 'link'],
    ['clear screen and cursor moves', '\x1b[2J\x1b[H\x1b[10;20Hok\x1b[?25l', 'ok'],
    ['colours', '\x1b[1;31mred\x1b[0m \x1b[38;5;208morange\x1b[m', 'red orange'],
    ['DCS, APC and PM strings', '\x1bPq#0;2;0;0;0\x1b\\a\x1b_apc\x1b\\b\x1b^pm\x07c', 'abc'],
    ['8-bit C1 CSI and OSC', '\u009b31mred\u009d0;title\u0007!', 'red!'],
    ['two-byte escapes', '\x1bc\x1b(B\x1b7\x1b8\x1b=ok', 'ok'],
    ['C0 controls, DEL and stray ESC', 'a\x07b\x08c\x00d\x7fe\x1b', 'abcde'],
    ['bidi overrides', 'safe\u202e)txt.exe(\u202c\u2066x\u2069', 'safe)txt.exe(x'],
    ['tab and newline kept', 'a\tb\nc', 'a\tb\nc'],
    ['CRLF and CR CR LF become LF', 'a\r\nb\r\r\nc', 'a\nb\nc'],
    ['lone CR becomes a line break', '10%\r20%\rdone', '10%\n20%\ndone'],
    ['lone surrogates', 'a\ud800b\udc00c', 'a\uFFFDb\uFFFDc'],
    ['emoji pairs kept', 'ok 👍', 'ok 👍'],
  ])('%s', (_name, input, expected) => {
    expect(sanitizeForTerminal(input)).toBe(expected);
  });

  it('decodes bytes, replacing invalid UTF-8 with U+FFFD', () => {
    const bytes = Buffer.concat([Buffer.from('é '), Buffer.from([0xff, 0x20, 0xc3]), Buffer.from(' ok')]);
    expect(sanitizeForTerminal(bytes)).toBe('é \uFFFD \uFFFD ok');
  });

  it('clips long lines and marks the cut', () => {
    const out = sanitizeForTerminal(`${'x'.repeat(5000)}\nshort`);
    const [first, second] = out.split('\n');
    expect(first).toBe(`${'x'.repeat(MAX_DISPLAY_LINE)}…`);
    expect(second).toBe('short');
  });

  it('does not split a surrogate pair at the clipping point', () => {
    const out = sanitizeForTerminal(`${'x'.repeat(9)}👍👍`, 10);
    expect(out).toBe(`${'x'.repeat(9)}…`);
  });
});

describe('TerminalTextFilter', () => {
  it('gives the same text whatever the chunk boundaries', () => {
    const text = 'a\x1b]0;title\x07b\x1b[1;31mc\x1b[0m\r\nd\x1bPdcs\x1b\\e\u009b2Jf\r\rg\r';
    const whole = sanitizeForTerminal(text);
    expect(whole).toBe('abc\ndef\ng');
    for (let cut = 0; cut <= text.length; cut++) {
      const filter = new TerminalTextFilter();
      const pieces = filter.push(text.slice(0, cut)) + filter.push(text.slice(cut)) + filter.end();
      expect(pieces, `cut at ${cut}`).toBe(whole);
    }
  });

  it('keeps clipping a long line across chunks until the next newline', () => {
    const filter = new TerminalTextFilter(5);
    expect(filter.push('abc')).toBe('abc');
    expect(filter.push('defgh')).toBe('de…');
    expect(filter.push('ijk\nxy')).toBe('\nxy');
  });
});

describe('Tail', () => {
  it('keeps the last lines, counting an unfinished line', () => {
    const tail = new Tail(3);
    tail.push('one\ntwo\nthr');
    tail.push('ee\nfour\nfi');
    expect(tail.snapshot()).toEqual(['three', 'four', 'fi']);
  });

  it('clips a line that grows from many pieces', () => {
    const tail = new Tail(2, 4);
    for (const piece of ['ab', 'cd', 'ef', 'gh']) tail.push(piece);
    tail.push('\nnext');
    expect(tail.snapshot()).toEqual(['abcd…', 'next']);
  });

  it('keeps nothing when asked for zero lines', () => {
    const tail = new Tail(0);
    tail.push('a\nb\nc\n');
    expect(tail.snapshot()).toEqual([]);
  });
});
