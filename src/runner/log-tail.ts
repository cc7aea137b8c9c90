// The last lines of a log file, read from its end only (never the whole
// file), made safe for a terminal. Both front ends show a finished step's
// output this way.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { sanitizeForTerminal } from './terminal-text.js';

/** The last `n` lines of a log file, read from its end only, made safe for a terminal. */
export function tailOf(path: string, n: number): string[] {
  let text: string;
  try {
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      const len = Math.min(size, 64 * 1024);
      const buf = Buffer.alloc(len);
      readSync(fd, buf, 0, len, size - len);
      text = buf.toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return [];
  }
  const lines = sanitizeForTerminal(text).split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.slice(-n);
}
