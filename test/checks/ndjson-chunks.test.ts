// NDJSON lines cut by the 1 MiB reads of the streaming reader: a line that
// spans several reads, a CRLF split between two reads, a newline as the
// first byte of a read. Every record is counted once, with its own line
// number.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { streamNdjson } from '../../src/checks/ndjson.js';
import { tempDir } from './helpers.js';

const MiB = 1024 * 1024;
const record = (i: number, pad = 0) => JSON.stringify({ i, pad: 'x'.repeat(pad) });

async function read(text: string): Promise<Array<{ i: number; line: number }>> {
  const file = join(tempDir(), 'cut.ndjson');
  writeFileSync(file, text);
  const seen: Array<{ i: number; line: number }> = [];
  const n = await streamNdjson(file, file, 'sample file', (value, _text, line) => seen.push({ i: (value as { i: number }).i, line }));
  expect(n).toBe(seen.length);
  return seen;
}

describe('streamNdjson across read boundaries', () => {
  it('a line longer than two reads, between short ones', async () => {
    const text = [record(0), record(1, 2.5 * MiB), record(2), record(3)].join('\n') + '\n';
    expect(await read(text)).toEqual([
      { i: 0, line: 1 },
      { i: 1, line: 2 },
      { i: 2, line: 3 },
      { i: 3, line: 4 },
    ]);
  });

  it('a CRLF whose CR ends one read and whose LF starts the next', async () => {
    const first = record(0);
    // Pad record 1 so that its CR is the last byte of the first 1 MiB read.
    const head = `${first}\r\n`;
    const bare = record(1).length;
    const text = `${head}${record(1, MiB - head.length - bare - 1)}\r\n${record(2)}\r\n`;
    expect(Buffer.byteLength(text.slice(0, text.indexOf('\r', head.length) + 1))).toBe(MiB);
    expect(await read(text)).toEqual([
      { i: 0, line: 1 },
      { i: 1, line: 2 },
      { i: 2, line: 3 },
    ]);
  });

  it('a newline as the first byte of a read, and no newline at the end', async () => {
    const bare = record(0).length;
    const text = `${record(0, MiB - bare)}\n${record(1)}\n\n${record(2)}`;
    expect(text.indexOf('\n')).toBe(MiB);
    expect(await read(text)).toEqual([
      { i: 0, line: 1 },
      { i: 1, line: 2 },
      { i: 2, line: 4 },
    ]);
  });
});
