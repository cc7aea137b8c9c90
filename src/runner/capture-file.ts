// One capture file: its bytes are hashed as they are written, gathered into
// big writes, flushed to disk in the background while the command runs, and
// fsync'd at close, so the digest it returns describes durable bytes. A
// write failure (disk full, EIO, EFBIG) becomes an EvidenceWriteError
// naming the file.
import { createHash, type Hash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, fdatasync, type WriteStream } from 'node:fs';
import { link, mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { finished } from 'node:stream/promises';
import { EvidenceWriteError } from '../shared/errors.js';
import type { StreamDigest } from './types.js';

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
export async function fsyncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** A capture file whose digest covers exactly the bytes written to it. */
export class CaptureFile {
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

let links = 0;

/**
 * Gives `path` the same inode as `source`, replacing what is at `path` (the
 * placeholder Capture.open created) in one rename: the name never goes
 * missing, and a failure leaves the placeholder as it was. The link is
 * staged in `tempDir` (the bundle's temp directory) when given.
 */
export async function linkOver(source: string, path: string, tempDir?: string): Promise<void> {
  const tmp = tempDir ? join(tempDir, `${process.pid}-link-${++links}-${basename(path)}`) : `${path}.tmp-${process.pid}`;
  await rm(tmp, { force: true });
  await link(source, tmp);
  try {
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

