// The last bytes of a command's output, kept raw (masked, not decoded) in
// arrival order. Nothing is decoded while the command runs: text is made
// only from the last lines, when someone asks — at the end of the attempt,
// or a few times a second by a live view. The cost of `lines()` is
// proportional to the tail, never to the output's size.
import { StreamView, Tail } from './output-view.js';

/** Raw bytes kept: enough for the last few hundred lines of ordinary output. */
export const RAW_TAIL_BYTES = 256 * 1024;

export class RawTail {
  private chunks: Buffer[] = [];
  private held = 0;
  private truncated = false;
  private total = 0;

  constructor(private readonly limit = RAW_TAIL_BYTES) {}

  /** Keeps a reference to `bytes` (the caller must not reuse the buffer). */
  push(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.chunks.push(bytes);
    this.held += bytes.length;
    this.total += bytes.length;
    while (this.chunks.length > 1 && this.held - this.chunks[0]!.length >= this.limit) {
      this.held -= this.chunks.shift()!.length;
      this.truncated = true;
    }
  }

  /** Bytes pushed so far: changes whenever there is something new to show. */
  get bytes(): number {
    return this.total;
  }

  /**
   * The last `n` lines as display text (decoded, sanitized for a terminal,
   * long lines clipped). `maxBytes` bounds the work for a live view.
   */
  lines(n: number, maxBytes = this.limit): string[] {
    const tail = new Tail(n);
    if (n <= 0 || this.held === 0) return tail.snapshot();
    let raw = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    this.chunks = [raw]; // concatenated once; later pushes append to it
    let cut = this.truncated;
    if (raw.length > maxBytes) {
      raw = raw.subarray(raw.length - maxBytes);
      cut = true;
    }
    // Start at a line boundary so a cut escape sequence or UTF-8 character is not shown.
    if (cut) {
      const nl = raw.indexOf(0x0a);
      if (nl !== -1) raw = raw.subarray(nl + 1);
    }
    // Make text of little more than the last n lines: twice as many raw
    // lines, because a newline inside an escape string (OSC, DCS) does not
    // make a shown line; Tail keeps the last n.
    let from = raw.length;
    for (let i = 0; i <= 2 * n && from !== -1; i++) from = from > 0 ? raw.lastIndexOf(0x0a, from - 1) : -1;
    let marker = cut ? '…\n' : '';
    if (from !== -1) {
      raw = raw.subarray(from + 1);
      marker = ''; // the lines cut here were beyond the tail anyway, and so would the marker be
    }
    const view = new StreamView();
    tail.push(marker + view.push(raw) + view.end());
    return tail.snapshot();
  }
}
