// The rows of the screen (TUI.md's 80×24 budget): the frame is one row
// shorter than the terminal (a taller frame flickers and wipes scrollback).
// At 80×24: header 2 · steps 7 · detail 8 · GO lock 3 · message 1 · keys 1.

import stringWidth from 'string-width';

export const MIN_COLUMNS = 60;
export const MIN_ROWS = 16;

export interface Layout {
  frame: number;
  header: number;
  list: number;
  detail: number;
  lock: number;
  message: number;
  footer: number;
}

export function layoutFor(rows: number, lockOptions: number): Layout {
  const frame = rows - 1;
  const header = 2;
  const message = 1;
  const footer = 1;
  const lock = lockOptions ? 1 + Math.min(lockOptions, 3) : 0;
  const rest = Math.max(4, frame - header - message - footer - lock);
  const list = Math.max(3, Math.floor(rest * 0.45));
  return { frame, header, list, detail: rest - list, lock, message, footer };
}

/** One line: whitespace and newlines collapsed, clipped to `max` characters with an ellipsis. */
export function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, Math.max(0, max - 1))}…` : flat;
}

/** Terminal cells of `text`, as Ink measures it (the same string-width, with the build's fast path). */
export function cells(text: string): number {
  return stringWidth(text);
}

/** `word` in pieces of at most `width` cells, split between characters (never inside a surrogate pair). */
function pieces(word: string, width: number): string[] {
  const out: string[] = [];
  let piece = '';
  let used = 0;
  for (const ch of word) {
    const w = cells(ch);
    if (piece && used + w > width) {
      out.push(piece);
      piece = '';
      used = 0;
    }
    piece += ch;
    used += w;
  }
  return piece ? [...out, piece] : out;
}

/**
 * Words wrapped to rows of at most `width` characters (a word longer than a
 * row is cut with …). With `whole`, rows are measured in terminal cells and a
 * word longer than a row (a path, a URL, a digest) goes on over rows, never cut.
 */
export function wrapLines(text: string, width: number, maxRows = Infinity, opts: { whole?: boolean } = {}): string[] {
  const rows: string[] = [];
  let row = '';
  const size = opts.whole ? cells : (t: string) => t.length;
  const words = text.replace(/\s+/g, ' ').trim().split(' ');
  for (const word of opts.whole ? words.flatMap((w) => pieces(w, Math.max(1, width))) : words) {
    const w = !opts.whole && word.length > width ? `${word.slice(0, width - 1)}…` : word;
    if (row && size(row) + 1 + size(w) > width) {
      rows.push(row);
      row = w;
    } else row = row ? `${row} ${w}` : w;
  }
  if (row) rows.push(row);
  if (rows.length > maxRows) return [...rows.slice(0, maxRows - 1), oneLine(rows.slice(maxRows - 1).join(' '), width)];
  return rows;
}

/** Human-readable byte count. */
export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

/**
 * A message's further lines as drawn at the top of the detail pane: wrapped
 * at the terminal's current width when drawn, not when the message was made
 * (a resize wraps them again), as many as `room` rows hold; when there are
 * more, the last row shown ends with " …".
 */
export function detailRows(details: readonly string[] | undefined, columns: number, room: number): string[] {
  const rows = (details ?? []).flatMap((line) => wrapLines(line, columns, Infinity, { whole: true }));
  if (rows.length <= room) return rows;
  const shown = rows.slice(0, Math.max(0, room));
  if (shown.length) shown[shown.length - 1] = oneLine(`${shown.at(-1)!} …`, columns);
  return shown;
}
