// The append-only journal: one hash-chained event per line, written and
// fsync'd before append() returns, so nothing the UI shows can be lost by a
// crash, Ctrl-C or kill -9. On open, a torn last line (a write cut short by a
// crash, never acknowledged) is cut off and reported.
import { closeSync, fsyncSync, ftruncateSync, openSync, readFileSync, writeSync, existsSync } from 'node:fs';
import type { EventBody, JournalEvent } from '../engine/events.js';
import { chainHash, GENESIS } from './canonical.js';

export const JOURNAL_FILE = 'journal.ndjson';

export class Journal {
  private fd: number;
  private lastHash: string;
  private lastSeq: number;
  readonly events: JournalEvent[];
  /** Bytes of a torn, unacknowledged last line removed when opening. */
  readonly repairedTailBytes: number;

  private constructor(fd: number, events: JournalEvent[], repaired: number) {
    this.fd = fd;
    this.events = events;
    const last = events[events.length - 1];
    this.lastHash = last?.hash ?? GENESIS;
    this.lastSeq = last?.seq ?? 0;
    this.repairedTailBytes = repaired;
  }

  static create(path: string): Journal {
    if (existsSync(path)) throw new Error(`journal ${path} already exists`);
    const fd = openSync(path, 'wx');  // exclusive create; appends go to the end
    return new Journal(fd, [], 0);
  }

  /** Opens an existing journal for appending, after validating its chain. */
  static open(path: string): Journal {
    const { events, validBytes, problems, totalBytes } = readJournal(path);
    if (problems.length > 0) {
      throw new JournalCorruptError(path, problems);
    }
    const repaired = totalBytes - validBytes;
    if (repaired > 0) {
      const rw = openSync(path, 'r+');
      ftruncateSync(rw, validBytes);
      fsyncSync(rw);
      closeSync(rw);
    }
    // O_APPEND: every write lands at the end, whatever the file position.
    const fd = openSync(path, 'a');
    return new Journal(fd, events, repaired);
  }

  get seq(): number {
    return this.lastSeq;
  }

  append(body: EventBody, now: Date = new Date()): JournalEvent {
    const withMeta = { seq: this.lastSeq + 1, at: now.toISOString(), ...body, prev: this.lastHash } as Record<string, unknown>;
    const hash = chainHash(this.lastHash, withMeta);
    const event = { ...withMeta, hash } as JournalEvent;
    const line = Buffer.from(`${JSON.stringify(event)}\n`, 'utf8');
    let off = 0;
    while (off < line.length) off += writeSync(this.fd, line, off, line.length - off, null);
    fsyncSync(this.fd);
    this.lastHash = hash;
    this.lastSeq = event.seq;
    this.events.push(event);
    return event;
  }

  close(): void {
    closeSync(this.fd);
  }
}

export class JournalCorruptError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: ${problems[0]}`);
  }
}

export interface JournalRead {
  events: JournalEvent[];
  /** Length of the prefix made of complete, parseable lines. */
  validBytes: number;
  totalBytes: number;
  /** Chain or format problems in complete lines (tampering or corruption). */
  problems: string[];
}

/**
 * Reads and checks a journal: every complete line parses, seq counts up by
 * one, prev links to the previous hash, and hash recomputes. A final line
 * without its newline is a torn write and is excluded (validBytes).
 */
export function readJournal(path: string): JournalRead {
  const buf = readFileSync(path);
  const problems: string[] = [];
  const events: JournalEvent[] = [];
  let pos = 0;
  let lineNo = 0;
  let prevHash = GENESIS;
  let validBytes = 0;
  while (pos < buf.length) {
    const nl = buf.indexOf(0x0a, pos);
    if (nl === -1) break; // torn last line
    lineNo++;
    const text = buf.subarray(pos, nl).toString('utf8');
    pos = nl + 1;
    let ev: JournalEvent;
    try {
      ev = JSON.parse(text) as JournalEvent;
    } catch {
      problems.push(`line ${lineNo}: not valid JSON`);
      continue;
    }
    if (ev.seq !== events.length + 1) problems.push(`line ${lineNo}: seq is ${ev.seq}, expected ${events.length + 1} (an event was removed or reordered)`);
    if (ev.prev !== prevHash) problems.push(`line ${lineNo}: prev does not match the hash of the previous event (the chain is broken)`);
    const { hash, ...rest } = ev;
    const expected = chainHash(ev.prev, rest as Record<string, unknown>);
    if (hash !== expected) problems.push(`line ${lineNo} (seq ${ev.seq}, ${ev.type}): hash does not match its content (the event was modified)`);
    prevHash = hash;
    events.push(ev);
    validBytes = pos;
  }
  return { events, validBytes, totalBytes: buf.length, problems };
}
