// Reads a log file by pages, never whole: the viewer keeps the byte offset
// of its first line and reads a screenful from there (seek + read). Opening
// a 1 GB log and jumping to its end reads only its last few kilobytes;
// searching reads it in chunks, yielding between them so keys still work.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { sanitizeForTerminal } from '../../runner/terminal-text.js';

/** A line longer than this is shown in pieces of this many bytes. */
export const MAX_LINE_BYTES = 4096;
const CHUNK = 64 * 1024;
const SEARCH_CHUNK = 1024 * 1024;

export interface Page {
  lines: string[];
  /** Byte offset where each shown line starts. */
  offsets: number[];
  /** Offset just past the last shown line. */
  end: number;
}

export class LogPager {
  private readonly fd: number;

  constructor(readonly file: string) {
    this.fd = openSync(file, 'r');
  }

  get size(): number {
    return fstatSync(this.fd).size;
  }

  private read(from: number, length: number): Buffer {
    const buf = Buffer.alloc(Math.max(0, length));
    const n = length > 0 ? readSync(this.fd, buf, 0, length, from) : 0;
    return buf.subarray(0, n);
  }

  /** Up to `n` lines from `offset` (the start of a line). */
  page(offset: number, n: number, width = 400): Page {
    const lines: string[] = [];
    const offsets: number[] = [];
    let at = offset;
    const size = this.size;
    while (lines.length < n && at < size) {
      const buf = this.read(at, Math.min(CHUNK, size - at));
      const last = at + buf.length >= size;
      let pos = 0;
      while (lines.length < n && pos < buf.length) {
        const nl = buf.indexOf(0x0a, pos);
        let stop: number;
        let next: number;
        if (nl !== -1 && nl - pos <= MAX_LINE_BYTES) [stop, next] = [nl, nl + 1];
        else if (nl !== -1 || buf.length - pos > MAX_LINE_BYTES) [stop, next] = [pos + MAX_LINE_BYTES, pos + MAX_LINE_BYTES]; // a long line, in pieces
        else if (last) [stop, next] = [buf.length, buf.length]; // the last line, without its newline
        else break; // the line goes on in the next chunk: read again from its start
        offsets.push(at + pos);
        lines.push(sanitizeForTerminal(buf.subarray(pos, stop), width).replace(/\n/g, ' '));
        pos = next;
      }
      if (pos === 0) break;
      at += pos;
    }
    return { lines, offsets, end: at };
  }

  /** The start of the line before the one that starts at `offset`. */
  previous(offset: number): number {
    if (offset <= 0) return 0;
    const from = Math.max(0, offset - 1 - MAX_LINE_BYTES);
    const buf = this.read(from, offset - 1 - from);
    const nl = buf.lastIndexOf(0x0a);
    if (nl !== -1) return from + nl + 1;
    return from === 0 ? 0 : offset - MAX_LINE_BYTES;
  }

  /** The offset that shows the last `n` lines. */
  lastPage(n: number): number {
    let at = this.size;
    for (let i = 0; i < n && at > 0; i++) at = this.previous(at);
    return at;
  }

  /**
   * The start of the first line after (or, backwards, before) `offset`
   * that contains `term`; undefined when there is none. Yields to the event
   * loop between chunks; `cancelled` stops it.
   */
  async search(term: string, offset: number, direction: 'forward' | 'backward', cancelled: () => boolean = () => false): Promise<number | undefined> {
    const needle = Buffer.from(term);
    if (needle.length === 0) return undefined;
    const size = this.size;
    if (direction === 'forward') {
      // From the line after the current one.
      let at = this.page(offset, 1).end;
      while (at < size) {
        if (cancelled()) return undefined;
        const buf = this.read(at, Math.min(SEARCH_CHUNK + needle.length, size - at));
        const hit = buf.indexOf(needle);
        if (hit !== -1) return this.lineStart(at + hit);
        at += SEARCH_CHUNK;
        await new Promise((r) => setImmediate(r));
      }
      return undefined;
    }
    let end = offset;
    while (end > 0) {
      if (cancelled()) return undefined;
      const from = Math.max(0, end - SEARCH_CHUNK);
      const buf = this.read(from, Math.min(end + needle.length - 1, size) - from);
      const hit = buf.lastIndexOf(needle, end - from - 1);
      if (hit !== -1) return this.lineStart(from + hit);
      end = from;
      await new Promise((r) => setImmediate(r));
    }
    return undefined;
  }

  private lineStart(offset: number): number {
    const from = Math.max(0, offset - MAX_LINE_BYTES);
    const buf = this.read(from, offset - from);
    const nl = buf.lastIndexOf(0x0a);
    return nl === -1 ? from : from + nl + 1;
  }

  close(): void {
    closeSync(this.fd);
  }
}
