// Capture of one command attempt: each stream is masked, hashed and written
// to its own file and, in arrival order, to the combined file, while a
// sanitized copy feeds the live view and the tail. Reads are paced by the
// file writes (backpressure), so memory stays bounded whatever the output
// size: a command that outpaces the disk simply blocks on its pipe.
//
// Durability: every capture file is fsync'd when it is closed, and so is
// the directory holding them, before the digests are returned — a recorded
// digest describes bytes that are on disk. (An explicit fsync rather than
// createWriteStream's `flush` option, which needs Node >= 20.10 and is
// silently ignored before: engines allows 20.5.)
//
// Any failure to write a capture file (disk full, I/O error, a file size
// limit) becomes an EvidenceWriteError naming the file; runCommand throws it
// once the command's process group is gone.

import { createHash, type Hash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, fdatasync, type WriteStream } from 'node:fs';
import { copyFile, link, mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { fsyncDir } from '../shared/durable.js';
import { EvidenceWriteError } from '../shared/errors.js';
import { GarbagePacer } from './memory.js';
import { SecretMasker } from './secret-mask.js';
import { StreamView, Tail } from './output-view.js';
import type { CaptureFiles, OutputChunk, StreamDigest } from './types.js';

/** Raw bytes kept for the tail of a run without a live listener. */
const RAW_TAIL_BYTES = 256 * 1024;

/**
 * Chunks are gathered into one write of up to this many bytes, or whatever
 * came within COALESCE_MS: a flood of 64 KiB pipe reads otherwise costs one
 * thread-pool write each, ~100 ms of CPU per 200 MB that the command itself
 * could have used.
 */
const COALESCE_BYTES = 1024 * 1024;
const COALESCE_MS = 20;

/** Above COALESCE_BYTES, so a gathered write never waits for itself; bounds what one file holds in memory. */
const FILE_HIGH_WATER_MARK = 2 * COALESCE_BYTES;

/**
 * While a command writes, its log is flushed to disk every this many bytes
 * (one fdatasync in flight at a time, in the background), so the fsync at
 * close only has the last few megabytes left to write instead of the whole
 * output: for 200 MB that final fsync alone cost ~100 ms.
 */
const SYNC_EVERY_BYTES = 8 * 1024 * 1024;

/** fsync of a file by path: its data and size are on disk when this resolves. */
async function fsyncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** A capture file whose digest covers exactly the bytes written to it. */
class CaptureFile {
  private failure: EvidenceWriteError | undefined;
  private syncedUpTo = 0;
  private syncing: Promise<void> | undefined;
  /** Bytes gathered while the stream is corked (for one write), and the timer that uncorks it. */
  private gathered = 0;
  private gatherTimer: NodeJS.Timeout | undefined;

  private constructor(
    readonly path: string,
    private readonly stream: WriteStream,
    private readonly hash: Hash,
    private bytes: number,
  ) {
    stream.on('error', (error) => {
      this.fail(error);
    });
  }

  /** Creates the file; with `from`, appends to it and continues that file's digest. */
  static async create(path: string, from?: { hash: Hash; bytes: number }): Promise<CaptureFile> {
    try {
      await mkdir(dirname(path), { recursive: true });
      const stream = createWriteStream(path, { flags: from ? 'a' : 'w', highWaterMark: FILE_HIGH_WATER_MARK });
      const file = new CaptureFile(path, stream, from?.hash ?? createHash('sha256'), from?.bytes ?? 0);
      await once(stream, 'ready');
      return file;
    } catch (error) {
      throw EvidenceWriteError.from(path, error);
    }
  }

  /** Records the first failure of this file (later ones are consequences of it). */
  private fail(error: unknown): EvidenceWriteError {
    this.failure ??= EvidenceWriteError.from(this.path, error);
    return this.failure;
  }

  /** The digest state so far, for a file that continues this one's bytes. */
  snapshot(): { hash: Hash; bytes: number } {
    return { hash: this.hash.copy(), bytes: this.bytes };
  }

  /** Resolves when every byte written so far is in the file. */
  flushed(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    this.release();
    return new Promise((resolve, reject) => this.stream.write(Buffer.alloc(0), (err) => (err ? reject(this.fail(err)) : resolve())));
  }

  /** Returns a promise to await when the file wants the producer to slow down. */
  write(bytes: Buffer): Promise<unknown> | undefined {
    if (this.failure) throw this.failure;
    this.hash.update(bytes);
    this.bytes += bytes.length;
    if (this.bytes - this.syncedUpTo >= SYNC_EVERY_BYTES) this.syncInBackground();
    // Never gather while a producer waits for 'drain': a corked stream cannot drain.
    if (!this.stream.writableCorked && !this.stream.writableNeedDrain) {
      this.stream.cork();
      // Not unref'd: gathered bytes must reach the file even if nothing else keeps the process alive.
      this.gatherTimer = setTimeout(() => this.release(), COALESCE_MS);
    }
    if (this.stream.writableCorked) this.gathered += bytes.length;
    const ok = this.stream.write(bytes);
    // When the producer must wait for the disk anyway, holding bytes back would only stall the drain.
    if (!ok || this.gathered >= COALESCE_BYTES) this.release();
    if (ok) return undefined;
    return once(this.stream, 'drain').catch((error: unknown) => {
      throw this.fail(error);
    });
  }

  /** Writes what was gathered (uncorks the stream). */
  private release(): void {
    clearTimeout(this.gatherTimer);
    this.gatherTimer = undefined;
    if (!this.stream.writableCorked) return;
    this.gathered = 0;
    this.stream.uncork();
  }

  /**
   * Starts writing what the kernel already has of this file to disk, unless
   * a sync is still running. Only an optimisation of close(): its fsync is
   * the one that makes the digest durable. A failure here is the file's
   * failure (close throws it).
   */
  private syncInBackground(): void {
    const { fd } = this.stream as unknown as { fd: number | null }; // set once 'ready' fired (create awaits it); not in @types/node
    if (this.syncing || typeof fd !== 'number') return;
    this.syncing = new Promise<void>((resolve) => {
      fdatasync(fd, (error) => {
        if (error) this.fail(error);
        this.syncing = undefined;
        resolve();
      });
    });
    this.syncedUpTo = this.bytes; // do not ask again until another SYNC_EVERY_BYTES arrive
  }

  /** Ends the file and fsyncs it; the digest is of durable bytes. */
  async close(): Promise<StreamDigest> {
    this.release();
    // The background sync uses the stream's fd: it must be done before the stream closes it.
    if (this.syncing) await this.syncing;
    if (!this.failure) {
      this.stream.end();
      try {
        await finished(this.stream);
        await fsyncFile(this.path);
      } catch (error) {
        this.fail(error);
      }
    }
    if (this.failure) {
      this.stream.destroy();
      throw this.failure;
    }
    return { bytes: this.bytes, sha256: this.hash.digest('hex') };
  }

  destroy(): void {
    clearTimeout(this.gatherTimer);
    // A background sync still uses the fd: let it finish before the stream closes it.
    if (this.syncing) void this.syncing.then(() => this.stream.destroy());
    else this.stream.destroy();
  }
}

/**
 * Gives `path` the same inode as `source`, replacing what is at `path` (the
 * placeholder Capture.open created) in one rename: the name never goes
 * missing, and a failure leaves the placeholder as it was.
 */
async function linkOver(source: string, path: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await rm(tmp, { force: true });
  await link(source, tmp);
  try {
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

/**
 * The combined arrival-order view. While only one stream has written, the
 * combined view is that stream's file, so nothing is written or hashed twice:
 * at close it becomes a hard link to it (a copy, fsync'd, where the file
 * system has no hard links). When the second stream first writes, the first
 * stream's bytes so far are copied (and its digest state cloned), and from
 * then on both streams append here in arrival order. If that switch fails,
 * the failure is kept and every later write of either stream throws it (an
 * EvidenceWriteError), so the capture stops instead of waiting forever.
 */
class CombinedLog {
  private file: CaptureFile | undefined;
  private only: OutputChunk['stream'] | undefined;
  private switching: Promise<void> | undefined;
  private failure: EvidenceWriteError | undefined;

  constructor(
    private readonly path: string,
    private readonly files: Record<OutputChunk['stream'], CaptureFile>,
  ) {}

  /** Deliveries wait here while the view switches from one stream to both. */
  ready(): Promise<void> | undefined {
    return this.switching;
  }

  /**
   * Called in arrival order, before the bytes go to the stream's own file.
   * Returns a promise only when the caller must wait: for the disk, or for
   * the switch from one stream to both (the chunk is written after it).
   */
  write(stream: OutputChunk['stream'], bytes: Buffer): Promise<unknown> | undefined {
    if (this.failure) throw this.failure;
    if (this.file) return this.file.write(bytes);
    if (this.only === undefined || this.only === stream) {
      this.only = stream;
      return undefined;
    }
    this.switching ??= this.materialize(this.only);
    return this.switching.then(() => {
      if (this.failure) throw this.failure;
      return this.file!.write(bytes);
    });
  }

  /** Never rejects: a failure is kept in `failure` and thrown by the writes waiting on it. */
  private async materialize(first: OutputChunk['stream']): Promise<void> {
    const source = this.files[first];
    try {
      await source.flushed();
      await copyFile(source.path, this.path);
      this.file = await CaptureFile.create(this.path, source.snapshot());
    } catch (error) {
      this.failure = EvidenceWriteError.from(this.path, error);
    } finally {
      this.switching = undefined;
    }
  }

  /** After both stream files are closed (their digests final and fsync'd). */
  async close(digests: Record<OutputChunk['stream'], StreamDigest>): Promise<StreamDigest> {
    if (this.switching) await this.switching;
    if (this.failure) throw this.failure;
    if (this.file) return this.file.close();
    try {
      if (this.only) {
        const source = this.files[this.only];
        try {
          await linkOver(source.path, this.path);
        } catch {
          await copyFile(source.path, this.path);
          await fsyncFile(this.path);
        }
        return digests[this.only];
      }
      await writeFile(this.path, '');
      await fsyncFile(this.path);
      return { bytes: 0, sha256: EMPTY_SHA256 };
    } catch (error) {
      throw EvidenceWriteError.from(this.path, error);
    }
  }

  destroy(): void {
    this.file?.destroy();
  }
}

const EMPTY_SHA256 = createHash('sha256').digest('hex');

interface Channel {
  file: CaptureFile;
  masker: SecretMasker;
  view: StreamView;
  source?: Readable;
}

export interface CaptureOptions {
  secrets: string[];
  tailLines: number;
  onOutput?: (chunk: OutputChunk) => void;
}

export interface CaptureSummary {
  stdout: StreamDigest;
  stderr: StreamDigest;
  combined: StreamDigest;
  tail: string[];
}

export class Capture {
  readonly warnings: string[] = [];
  private readonly tail: Tail;
  private readonly garbage = new GarbagePacer();
  private stopped = false;
  private progress = 0;
  private waitingForDisk = 0;
  /**
   * Without a live listener (plain runs) nothing is decoded while the
   * command runs: the last bytes are kept raw and the tail is made from them
   * at the end. Sanitizing every byte of a 200 MB output only to show its
   * last lines cost more than writing it to disk.
   */
  private readonly rawTail: Buffer[] = [];
  private rawTailBytes = 0;
  private rawTailTruncated = false;

  private constructor(
    private readonly channels: Record<OutputChunk['stream'], Channel>,
    private readonly combined: CombinedLog,
    private readonly options: CaptureOptions,
    private readonly files: CaptureFiles,
  ) {
    this.tail = new Tail(options.tailLines);
  }

  /** Creates (truncates) the three files; throws if any cannot be created. */
  static async open(files: CaptureFiles, options: CaptureOptions): Promise<Capture> {
    const opened = await Promise.allSettled([CaptureFile.create(files.stdout), CaptureFile.create(files.stderr)]);
    const [stdout, stderr] = opened.map((o) => (o.status === 'fulfilled' ? o.value : undefined));
    const failed = opened.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failed || !stdout || !stderr) {
      for (const file of [stdout, stderr]) file?.destroy();
      throw EvidenceWriteError.from(files.stdout, failed?.reason ?? new Error('capture files could not be created'));
    }
    // The combined file must be creatable too; it is written lazily (CombinedLog).
    try {
      await writeFile(files.combined, '');
    } catch (error) {
      stdout.destroy();
      stderr.destroy();
      throw EvidenceWriteError.from(files.combined, error);
    }
    const combined = new CombinedLog(files.combined, { stdout, stderr });
    const channel = (file: CaptureFile): Channel => ({
      file,
      masker: new SecretMasker(options.secrets),
      view: new StreamView(),
    });
    return new Capture({ stdout: channel(stdout), stderr: channel(stderr) }, combined, options, files);
  }

  /**
   * Reads `source` to its end (or until stop()), then releases what the
   * masker held back. Chunks are handled synchronously as they arrive; the
   * source is paused only while a chunk waits for the disk (or for the
   * combined view's switch), which keeps a flood of 64 KiB reads cheap.
   */
  async pump(stream: OutputChunk['stream'], source: Readable): Promise<void> {
    const channel = this.channels[stream];
    channel.source = source;
    let pending: Promise<void> | undefined;
    let failure: { error: unknown } | undefined;
    const fail = (error: unknown): void => {
      failure ??= { error };
      source.destroy();
    };
    const onData = (chunk: Buffer): void => {
      if (failure) return;
      this.progress++;
      this.garbage.add(chunk.length);
      try {
        const wait = this.deliver(stream, channel.masker.push(chunk));
        if (!wait) return;
        source.pause();
        pending = wait.then(
          () => {
            pending = undefined;
            if (!failure) source.resume();
          },
          (error: unknown) => {
            pending = undefined;
            fail(error);
          },
        );
      } catch (error) {
        fail(error);
      }
    };
    source.on('data', onData);
    try {
      await finished(source);
    } catch (error) {
      if (!this.stopped && !failure) failure = { error };
    } finally {
      source.off('data', onData);
    }
    while (pending) await pending;
    if (failure && !this.stopped) throw failure.error;
    await this.deliver(stream, channel.masker.flush());
    if (this.options.onOutput) this.show(stream, channel.view.end());
  }

  /** A mark for `idleSince`: every chunk read and every write drained moves it. */
  progressMark(): number {
    return this.progress;
  }

  /** Nothing was read or written since `mark`, and no write is waiting for the disk. */
  idleSince(mark: number): boolean {
    return this.progress === mark && this.waitingForDisk === 0;
  }

  /** Stops reading: used when a process outside the command's group holds the pipes open. */
  stop(): void {
    this.stopped = true;
    for (const channel of Object.values(this.channels)) channel.source?.destroy();
  }

  /**
   * Closes (and fsyncs) the three files and their directories. Throws an
   * EvidenceWriteError if any could not be written; every file is closed
   * either way, so nothing stays open.
   */
  async close(): Promise<CaptureSummary> {
    const [out, err] = await Promise.allSettled([this.channels.stdout.file.close(), this.channels.stderr.file.close()]);
    if (out.status === 'rejected' || err.status === 'rejected') {
      this.combined.destroy();
      throw ((out.status === 'rejected' ? out : err) as PromiseRejectedResult).reason;
    }
    const [stdout, stderr] = [out.value, err.value];
    let combined: StreamDigest;
    try {
      combined = await this.combined.close({ stdout, stderr });
    } catch (error) {
      this.combined.destroy();
      throw error;
    }
    // The files' names must be as durable as their bytes.
    for (const dir of new Set([dirname(this.files.stdout), dirname(this.files.stderr), dirname(this.files.combined)])) {
      try {
        fsyncDir(dir);
      } catch (error) {
        throw EvidenceWriteError.from(dir, error);
      }
    }
    if (!this.options.onOutput) this.tailFromRaw();
    return { stdout, stderr, combined, tail: this.tail.snapshot() };
  }

  private keepRaw(bytes: Buffer): void {
    this.rawTail.push(bytes);
    this.rawTailBytes += bytes.length;
    while (this.rawTail.length > 1 && this.rawTailBytes - this.rawTail[0]!.length >= RAW_TAIL_BYTES) {
      this.rawTailBytes -= this.rawTail.shift()!.length;
      this.rawTailTruncated = true;
    }
  }

  private tailFromRaw(): void {
    let raw = Buffer.concat(this.rawTail);
    if (raw.length > RAW_TAIL_BYTES) {
      raw = raw.subarray(raw.length - RAW_TAIL_BYTES);
      this.rawTailTruncated = true;
    }
    // Start at a line boundary so a cut escape sequence or UTF-8 character is not shown.
    let cut = '';
    if (this.rawTailTruncated) {
      const nl = raw.indexOf(0x0a);
      if (nl !== -1) raw = raw.subarray(nl + 1);
      cut = '…\n';
    }
    // Only the last tailLines lines are shown: make text of little more than
    // those (sanitizing all 256 KiB cost ~7 ms at the end of every attempt).
    // Twice as many raw lines, because a newline inside an escape string
    // (OSC, DCS) does not make a shown line; Tail keeps the last tailLines.
    let from = raw.length;
    for (let n = 0; n <= 2 * this.options.tailLines && from !== -1; n++) from = from > 0 ? raw.lastIndexOf(0x0a, from - 1) : -1;
    if (from !== -1) {
      raw = raw.subarray(from + 1);
      cut = ''; // the lines cut here were beyond the tail anyway, and so would the marker be
    }
    const view = new StreamView();
    this.tail.push(cut + view.push(raw) + view.end());
  }

  /** Writes a chunk everywhere it goes; returns a promise only when the caller must wait for it. */
  private deliver(stream: OutputChunk['stream'], bytes: Buffer): Promise<void> | undefined {
    if (bytes.length === 0) return undefined;
    const switching = this.combined.ready();
    if (switching) return switching.then(() => this.deliver(stream, bytes));
    const channel = this.channels[stream];
    const combinedWait = this.combined.write(stream, bytes);
    let fileWait: Promise<unknown> | undefined;
    try {
      fileWait = channel.file.write(bytes);
    } catch (error) {
      // Nobody will wait on the combined file's promise now; its failure, if any, is kept and thrown by close().
      combinedWait?.catch(() => undefined);
      throw error;
    }
    if (this.options.onOutput) this.show(stream, channel.view.push(bytes));
    else this.keepRaw(bytes);
    if (!combinedWait && !fileWait) return undefined;
    this.waitingForDisk++;
    return Promise.all([combinedWait, fileWait])
      .then(() => undefined)
      .finally(() => {
        this.waitingForDisk--;
        this.progress++;
      });
  }

  private show(stream: OutputChunk['stream'], text: string): void {
    if (text === '') return;
    this.tail.push(text);
    if (!this.options.onOutput) return;
    try {
      this.options.onOutput({ stream, text });
    } catch (error) {
      if (!this.warnings.some((w) => w.startsWith('onOutput'))) {
        this.warnings.push(`onOutput callback threw (output is still captured): ${String(error)}`);
      }
    }
  }
}
