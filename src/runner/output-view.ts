// What the operator sees of a command's output while it runs and afterwards:
// per-stream decoding (UTF-8 split across chunks, invalid bytes → U+FFFD)
// and sanitizing, plus a bounded tail of the combined view. Only this tail
// is kept in memory; the full output lives in the capture files.

import { StringDecoder } from 'node:string_decoder';
import { MAX_DISPLAY_LINE, TerminalTextFilter } from './terminal-text.js';

/** Masked bytes of one stream → display text. */
export class StreamView {
  private readonly decoder = new StringDecoder('utf8');
  private readonly filter = new TerminalTextFilter(MAX_DISPLAY_LINE);

  push(bytes: Buffer): string {
    return this.filter.push(this.decoder.write(bytes));
  }

  end(): string {
    return this.filter.push(this.decoder.end()) + this.filter.end();
  }
}

/** Last `maxLines` lines of display text; the unfinished last line counts as a line. */
export class Tail {
  private lines: string[] = [];
  private current = '';
  private currentClipped = false;

  constructor(
    private readonly maxLines: number,
    private readonly maxLineLength = MAX_DISPLAY_LINE,
  ) {}

  push(text: string): void {
    const pieces = text.split('\n');
    this.append(pieces[0] ?? '');
    for (let i = 1; i < pieces.length; i++) {
      this.lines.push(this.current);
      this.current = '';
      this.currentClipped = false;
      this.append(pieces[i] ?? '');
    }
    if (this.lines.length > 2 * this.maxLines) this.lines = this.maxLines > 0 ? this.lines.slice(-this.maxLines) : [];
  }

  snapshot(): string[] {
    const all = this.current === '' ? this.lines : [...this.lines, this.current];
    return this.maxLines > 0 ? all.slice(-this.maxLines) : [];
  }

  // Lines from stdout and stderr can interleave into one combined line, so
  // the tail clips again even though each stream's text is already clipped.
  private append(piece: string): void {
    if (this.currentClipped || piece === '') return;
    this.current += piece;
    if (this.current.length > this.maxLineLength) {
      this.current = this.current.slice(0, this.maxLineLength) + '…';
      this.currentClipped = true;
    }
  }
}
