// A row of key hints that fits the terminal: when the hints are wider than
// the row, the least important go first (a hint's `keep`; lower goes
// first, the later of two equal ones first), so the keys that get you out
// (q, Esc, ? help) and the one that acts stay in view at 80 columns.

export interface Hint {
  text: string;
  /** How long the hint stays when the row is too narrow: higher stays longer. */
  keep: number;
}

/** Display width of a hint row: every glyph the hints use is one column wide. */
function width(texts: string[], separator: string): number {
  return texts.reduce((n, t) => n + [...t].length, 0) + separator.length * Math.max(0, texts.length - 1);
}

/** The hints' texts that fit in `columns` (with a space of margin each side), in their order. */
export function fitHints(hints: readonly Hint[], columns: number, separator = '  '): string[] {
  const shown = [...hints];
  while (shown.length > 1 && width(shown.map((h) => h.text), separator) + 2 > columns) {
    let drop = 0;
    shown.forEach((h, i) => {
      if (h.keep <= shown[drop]!.keep) drop = i;
    });
    shown.splice(drop, 1);
  }
  return shown.map((h) => h.text);
}
