// NDJSON reading for the checks: one JSON record per line, streamed in
// large chunks and split by hand, because per-line async iteration
// (readline) costs more than validating the records.
import { isAscii, isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { InputError } from '../shared/errors.js';
import { MAX_JSON_DEPTH, mayNestDeeperThan, scanJson } from './json-scan.js';
import { MiB, tooDeepError } from './json.js';

export const MAX_NDJSON_LINE_BYTES = 16 * MiB;
const CHUNK_BYTES = 1 * MiB;

/** The first `limit` bytes, or with `toNewline` the first line (newline included) if it ends within them. */
export async function readPrefix(absolutePath: string, limit: number, toNewline: boolean): Promise<string> {
  const handle = await open(absolutePath, 'r');
  try {
    const parts: Buffer[] = [];
    let total = 0;
    while (total < limit) {
      const buffer = Buffer.alloc(Math.min(64 * 1024, limit - total));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, total);
      if (bytesRead === 0) break;
      const piece = buffer.subarray(0, bytesRead);
      const newline = toNewline ? piece.indexOf(0x0a) : -1;
      parts.push(newline >= 0 ? piece.subarray(0, newline + 1) : piece);
      total += bytesRead;
      if (newline >= 0 || !toNewline) break;
    }
    return Buffer.concat(parts).toString('utf8');
  } finally {
    await handle.close();
  }
}

export function parsesAsObject(line: string): boolean {
  try {
    const v: unknown = JSON.parse(line);
    return typeof v === 'object' && v !== null && !Array.isArray(v);
  } catch {
    return false;
  }
}

/**
 * Streams NDJSON line by line; returns the number of records. Chunks are
 * cut at their last newline byte, which never occurs inside a multi-byte
 * UTF-8 sequence, so each piece decodes on its own after a native
 * (simdutf) validity check instead of a slower fatal TextDecoder; a piece
 * that is all ASCII is copied as latin1, the same text without decoding.
 */
export async function streamNdjson(absolutePath: string, file: string, label: string, onRecord: (value: unknown, text: string, lineNo: number) => void): Promise<number> {
  let carry: Buffer = Buffer.alloc(0);
  let lineNo = 0;
  let records = 0;
  const onLine = (raw: string): void => {
    lineNo++;
    const line = raw.charCodeAt(raw.length - 1) === 0x0d ? raw.slice(0, -1) : raw;
    if (line.length === 0) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      if (line.trim() === '') return;
      throw syntaxError(label, file, line, lineNo);
    }
    const deep = mayNestDeeperThan(line, MAX_JSON_DEPTH) ? scanJson(line).tooDeep : undefined;
    if (deep) throw tooDeepError(`${label} "${file}" nests arrays or objects`, deep, lineNo);
    records++;
    onRecord(value, line, lineNo);
  };
  const decode = (bytes: Buffer): string => {
    // ASCII (most NDJSON) decodes to the same text as latin1, which is a copy; UTF-8 decoding cost more than JSON.parse here.
    if (isAscii(bytes)) return bytes.toString('latin1');
    if (!isUtf8(bytes)) {
      throw new InputError(`${label} "${file}" is not valid UTF-8 text (after line ${lineNo})`, 'save it as UTF-8');
    }
    return bytes.toString('utf8');
  };
  const stream = createReadStream(absolutePath, { highWaterMark: CHUNK_BYTES });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let start = 0;
      if (carry.length > 0) {
        // Only the line cut at the chunk boundary is joined: copying the
        // whole chunk behind it cost a copy of the file.
        const first = chunk.indexOf(0x0a);
        if (first < 0) {
          carry = Buffer.concat([carry, chunk]);
          if (carry.length > MAX_NDJSON_LINE_BYTES) throw lineTooLong(label, file, lineNo);
          continue;
        }
        const joined = decode(Buffer.concat([carry, chunk.subarray(0, first + 1)]));
        onLine(joined.slice(0, -1));
        start = first + 1;
      }
      const lastNewline = chunk.lastIndexOf(0x0a);
      if (lastNewline >= start) {
        const text = decode(chunk.subarray(start, lastNewline + 1));
        for (let from = 0, nl = text.indexOf('\n'); nl >= 0; from = nl + 1, nl = text.indexOf('\n', from)) {
          onLine(text.slice(from, nl));
        }
        carry = chunk.subarray(lastNewline + 1);
      } else {
        carry = chunk.subarray(start);
      }
      if (carry.length > MAX_NDJSON_LINE_BYTES) throw lineTooLong(label, file, lineNo);
    }
  } finally {
    stream.destroy();
  }
  if (carry.length > 0) onLine(decode(carry));
  return records;
}

function lineTooLong(label: string, file: string, lineNo: number): InputError {
  return new InputError(`${label} "${file}" line ${lineNo + 1} is longer than 16 MiB`, 'each NDJSON line must be one JSON record; check that this is the right file');
}

function syntaxError(label: string, file: string, line: string, lineNo: number): InputError {
  const problem = scanJson(line).syntaxError;
  const where = problem ? `, column ${problem.column}` : '';
  return new InputError(
    `${label} "${file}" is not valid NDJSON: line ${lineNo}${where}: ${problem?.message ?? 'not a JSON value'}`,
    'each line must hold one complete JSON object (a pretty-printed object must be the only thing in the file)',
  );
}
