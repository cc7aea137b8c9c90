// Makes command output safe to draw on the operator's terminal (live tail,
// Ink panes, plain reporter). Escape and control sequences are removed, not
// interpreted, so output can never retitle, clear, recolour or move the
// cursor of the cutover screen; bidi overrides are dropped; CR becomes a line
// break; long lines are clipped so Ink never lays out megabytes. The evidence
// files keep the original bytes: this is only for display.
//
// A state machine rather than regexes so that a sequence split across two
// chunks of output is still recognised as one.

export const MAX_DISPLAY_LINE = 2000;
const ELLIPSIS = '…';
const REPLACEMENT = '\uFFFD';

type State = 'ground' | 'escape' | 'escapeIntermediate' | 'csi' | 'string' | 'stringEscape';

/** Printable in the ground state: plain ASCII, or non-C1, non-bidi, non-surrogate Unicode. */
function isPlain(c: number): boolean {
  if (c >= 0x20 && c < 0x7f) return true;
  if (c < 0xa0) return false;
  if (c >= 0xd800 && c <= 0xdfff) return false;
  return !((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069));
}

function isStringIntroducer(c: number): boolean {
  // ESC ] (OSC), ESC P (DCS), ESC X (SOS), ESC ^ (PM), ESC _ (APC)
  return c === 0x5d || c === 0x50 || c === 0x58 || c === 0x5e || c === 0x5f;
}

/** Streaming filter: push text in any pieces, call end() once. */
export class TerminalTextFilter {
  private state: State = 'ground';
  private pendingCR = false;
  private column = 0;
  private clipped = false;
  private parts: string[] = [];

  constructor(private readonly maxLineLength = MAX_DISPLAY_LINE) {}

  push(text: string): string {
    const n = text.length;
    let i = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      switch (this.state) {
        case 'ground': {
          if (this.pendingCR) {
            if (c === 0x0d) {
              i++; // CR CR LF (doubly converted line ends) is still one line break
              continue;
            }
            this.pendingCR = false;
            this.newline();
            if (c === 0x0a) {
              i++;
              continue;
            }
          }
          const start = i;
          while (i < n && isPlain(text.charCodeAt(i))) i++;
          if (i > start) {
            this.text(text, start, i);
            continue;
          }
          i += this.special(text, i, c);
          continue;
        }
        case 'escape':
          if (c === 0x5b) this.state = 'csi';
          else if (isStringIntroducer(c)) this.state = 'string';
          else if (c >= 0x20 && c <= 0x2f) this.state = 'escapeIntermediate';
          else if (c === 0x1b) this.state = 'escape';
          else {
            this.state = 'ground';
            if (c < 0x30 || c > 0x7e) continue; // not a valid final byte: show it as ground text
          }
          break;
        case 'escapeIntermediate':
          if (c >= 0x20 && c <= 0x2f) break;
          this.state = 'ground';
          if (c < 0x30 || c > 0x7e) continue;
          break;
        case 'csi':
          if (c >= 0x20 && c <= 0x3f) break;
          this.state = c === 0x1b ? 'escape' : 'ground';
          if (c !== 0x1b && (c < 0x40 || c > 0x7e)) continue; // malformed: abandon it, reprocess
          break;
        case 'string':
          if (c === 0x07 || c === 0x9c) this.state = 'ground';
          else if (c === 0x1b) this.state = 'stringEscape';
          break;
        case 'stringEscape':
          // ESC \ is the string terminator; any other ESC starts a new sequence.
          this.state = 'escape';
          if (c === 0x5c) this.state = 'ground';
          else continue;
          break;
      }
      i++;
    }
    const out = this.parts.join('');
    this.parts = [];
    return out;
  }

  /** End of output: an unfinished sequence or a trailing CR is dropped. */
  end(): string {
    this.state = 'ground';
    this.pendingCR = false;
    return '';
  }

  /** Handles one non-plain character in the ground state; returns how many code units it used. */
  private special(text: string, i: number, c: number): number {
    if (c === 0x0a) this.newline();
    else if (c === 0x09) this.text('\t', 0, 1);
    else if (c === 0x0d) this.pendingCR = true;
    else if (c === 0x1b) this.state = 'escape';
    else if (c === 0x9b) this.state = 'csi';
    else if (c === 0x90 || c === 0x98 || c === 0x9d || c === 0x9e || c === 0x9f) this.state = 'string';
    else if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        this.text(text, i, i + 2);
        return 2;
      }
      this.text(REPLACEMENT, 0, 1);
    } else if (c >= 0xdc00 && c <= 0xdfff) this.text(REPLACEMENT, 0, 1);
    // everything else (C0/C1 controls, DEL, bidi overrides) is dropped
    return 1;
  }

  private text(text: string, start: number, end: number): void {
    if (this.clipped) return;
    const room = this.maxLineLength - this.column;
    if (end - start <= room) {
      this.parts.push(start === 0 && end === text.length ? text : text.slice(start, end));
      this.column += end - start;
      return;
    }
    let cut = start + room;
    const atCut = text.charCodeAt(cut);
    if (atCut >= 0xdc00 && atCut <= 0xdfff && cut > start) cut--; // never split a surrogate pair
    this.parts.push(text.slice(start, cut), ELLIPSIS);
    this.clipped = true;
  }

  private newline(): void {
    this.parts.push('\n');
    this.column = 0;
    this.clipped = false;
  }
}

/**
 * Neutralizes a complete piece of output for display: escape/control
 * sequences removed (\n and \t kept, CR → line break), invalid UTF-8 and lone
 * surrogates → U+FFFD, lines clipped to `maxLineLength` characters + '…'.
 */
export function sanitizeForTerminal(text: string | Uint8Array, maxLineLength = MAX_DISPLAY_LINE): string {
  const decoded = typeof text === 'string' ? text : new TextDecoder('utf-8').decode(text);
  const filter = new TerminalTextFilter(maxLineLength);
  return filter.push(decoded) + filter.end();
}
