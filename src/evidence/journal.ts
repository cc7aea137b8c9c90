// The append-only journal: one hash-chained event per line, written and
// fsync'd before append() returns, so nothing the UI shows can be lost by a
// crash, Ctrl-C or kill -9. On open, a torn last line (a write cut short by a
// crash, never acknowledged) is cut off and reported.
//
// An append that fails (disk full, I/O error) is undone: the file is cut
// back to its size before the append, so it never holds half an event, and
// the journal refuses every later append (JournalWriteError) — the run is
// resumable from what is on disk once the cause is fixed.
import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, readFileSync, statSync, writeSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EventBody, JournalEvent } from '../engine/events.js';
import { fsyncDir } from '../shared/durable.js';
import { EvidenceWriteError } from '../shared/errors.js';
import { chainHash, GENESIS } from './canonical.js';
import { maskEvent } from './mask-event.js';

export const JOURNAL_FILE = 'journal.ndjson';

/**
 * An event could not be written to the journal (ENOSPC, EIO, EFBIG…). The
 * file was cut back to its last complete event where possible; the run is
 * resumable once the cause is fixed. `code` is the OS error code.
 */
export class JournalWriteError extends EvidenceWriteError {
  override readonly name = 'JournalWriteError';
  constructor(file: string, code: string, message: string, options?: { cause?: unknown }) {
    super(file, code, message, options);
  }

  /** The journal file (the same as `path`). */
  get file(): string {
    return this.path;
  }
}

function errnoCode(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : 'EIO';
}

export class Journal {
  private fd: number;
  private closed = false;
  private lastHash: string;
  private lastSeq: number;
  /** Set by a failed append: every later append throws it. */
  private failure: JournalWriteError | undefined;
  /** Values masked in every event before it is hashed and written (maskWith). */
  private secrets: readonly string[] = [];
  readonly path: string;
  readonly events: JournalEvent[];
  /** Bytes of a torn, unacknowledged last line removed when opening. */
  readonly repairedTailBytes: number;

  private constructor(path: string, fd: number, events: JournalEvent[], repaired: number) {
    this.path = path;
    this.fd = fd;
    this.events = events;
    const last = events[events.length - 1];
    this.lastHash = last?.hash ?? GENESIS;
    this.lastSeq = last?.seq ?? 0;
    this.repairedTailBytes = repaired;
  }

  static create(path: string, secrets: readonly string[] = []): Journal {
    if (existsSync(path)) throw new Error(`journal ${path} already exists`);
    const fd = openSync(path, 'wx'); // exclusive create; appends go to the end
    try {
      fsyncDir(dirname(path)); // the journal's name must survive a crash like its events
    } catch (err) {
      closeSync(fd);
      throw err;
    }
    return new Journal(path, fd, [], 0).maskWith(secrets);
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
    return new Journal(path, fd, events, repaired);
  }

  get seq(): number {
    return this.lastSeq;
  }

  /** From now on every appended event is masked with these values (see mask-event.ts). */
  maskWith(secrets: readonly string[]): this {
    this.secrets = [...secrets];
    return this;
  }

  /** Appends the event masked (secrets as `***`): what is hashed, written and returned is the same. */
  append(body: EventBody, now: Date = new Date()): JournalEvent {
    // Time never goes before the previous event's (a clock stepped back, a
    // resume on a machine whose clock is behind): verify holds a journal
    // whose times go backwards to be forged.
    const last = this.events[this.events.length - 1];
    const at = last && now.toISOString() < last.at ? last.at : now.toISOString();
    const withMeta = { seq: this.lastSeq + 1, at, ...maskEvent(body, this.secrets), prev: this.lastHash } as Record<string, unknown>;
    const hash = chainHash(this.lastHash, withMeta);
    const event = { ...withMeta, hash } as JournalEvent;
    const line = Buffer.from(`${JSON.stringify(event)}\n`, 'utf8');
    this.write(line);
    this.lastHash = hash;
    this.lastSeq = event.seq;
    this.events.push(event);
    return event;
  }

  /** The journal could not be written; every append throws this error. */
  get failed(): JournalWriteError | undefined {
    return this.failure;
  }

  /** Writes one line and fsyncs it; on failure cuts the file back to its size before and poisons the journal. */
  private write(line: Buffer): void {
    if (this.failure) throw this.failure;
    if (this.closed) throw new Error(`journal ${this.path} is closed`);
    let before: number | undefined;
    try {
      before = fstatSync(this.fd).size;
      let off = 0;
      while (off < line.length) off += writeSync(this.fd, line, off, line.length - off, null);
      fsyncSync(this.fd);
    } catch (err) {
      const code = errnoCode(err);
      let restored = false;
      if (before !== undefined) {
        try {
          ftruncateSync(this.fd, before);
          fsyncSync(this.fd);
          restored = true;
        } catch {
          // a torn line is left; opening the journal again cuts it off
        }
      }
      this.failure = new JournalWriteError(
        this.path,
        code,
        `cannot write the journal ${this.path}: ${(err as Error).message ?? code}; ${restored ? 'it was cut back to its last complete event' : 'its last line may be incomplete and is cut off when the run is resumed'}, and no further event is recorded by this process`,
        { cause: err },
      );
      throw this.failure;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
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
  let buf: Buffer;
  try {
    const size = statSync(path).size;
    if (size > MAX_JOURNAL_BYTES) return { events: [], validBytes: 0, totalBytes: size, problems: [`the journal is ${size} bytes; cutover never writes one that large (at most ${MAX_JOURNAL_BYTES})`] };
    buf = readFileSync(path);
  } catch (err) {
    // read() errors (EISDIR, EIO) carry no path: name the file for the message.
    const errno = err as NodeJS.ErrnoException;
    if (errno && typeof errno === 'object' && errno.path === undefined) errno.path = path;
    throw err;
  }
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
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      problems.push(`line ${lineNo}: not valid JSON`);
      continue;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      problems.push(`line ${lineNo}: not an event (a JSON ${parsed === null ? 'null' : Array.isArray(parsed) ? 'array' : typeof parsed}, not an object)`);
      continue;
    }
    const ev = parsed as JournalEvent;
    if (nestsDeeperThan(ev, MAX_EVENT_DEPTH)) {
      problems.push(`line ${lineNo}: not an event (it nests deeper than ${MAX_EVENT_DEPTH} levels; cutover never writes that)`);
      continue;
    }
    const unsafe = unsafeField(ev);
    if (unsafe) {
      problems.push(`line ${lineNo}: invalid event (its ${unsafe} is a reserved name)`);
      continue;
    }
    if (typeof ev.prev !== 'string' || typeof ev.hash !== 'string' || typeof ev.type !== 'string' || typeof ev.at !== 'string') {
      problems.push(`line ${lineNo}: not an event (it lacks a string type, at, prev or hash)`);
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

/** Events are a few levels deep; a deeper one would overflow the recursion of canonical(). */
const MAX_EVENT_DEPTH = 32;
/** Far above a real journal (a million events), below what one read can hold. */
const MAX_JOURNAL_BYTES = 1024 * 1024 * 1024;

/** Whether a parsed value nests arrays/objects deeper than `max` (iterative: no recursion to overflow). */
function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= max) return true;
    for (const x of Object.values(v as object)) if (x !== null && typeof x === 'object') stack.push([x, depth + 1]);
  }
  return false;
}

/**
 * Names that, used as a key, reach Object.prototype (or Object) instead of
 * an entry of the run state. No event type is one of them, and no step id
 * can be `__proto__` (ids start with a letter); `constructor` and
 * `prototype` are valid step ids, so an event naming them as its step is
 * checked against the runbook by verify instead (see replay in verify.ts).
 */
const RESERVED_TYPES = new Set(['__proto__', 'constructor', 'prototype']);
const RESERVED_STEPS = new Set(['__proto__']);

/** The field of an event that holds a reserved name (`step`, `type`), if any. */
function unsafeField(ev: object): string | undefined {
  const { type, step } = ev as Record<string, unknown>;
  if (typeof type === 'string' && RESERVED_TYPES.has(type)) return `type "${type}"`;
  if (typeof step === 'string' && RESERVED_STEPS.has(step)) return `step "${step}"`;
  return undefined;
}
