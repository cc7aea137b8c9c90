// Capture of one command attempt: each stream is masked, hashed and written
// to its own file and, in arrival order, to the combined file, while a
// sanitized copy feeds the live view and the tail. Reads are paced by the
// file writes (backpressure), so memory stays bounded whatever the output
// size: a command that outpaces the disk simply blocks on its pipe.

import { createHash, type Hash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { copyFile, link, mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { SecretMasker } from './secret-mask.js';
import { StreamView, Tail } from './output-view.js';
import type { CaptureFiles, OutputChunk, StreamDigest } from './types.js';

/** Raw bytes kept for the tail of a run without a live listener. */
const RAW_TAIL_BYTES = 256 * 1024;

/** Big enough that the file write of one pipe read (64 KiB) rarely waits. */
const FILE_HIGH_WATER_MARK = 256 * 1024;

/** A capture file whose digest covers exactly the bytes written to it. */
class CaptureFile {
  private failure: Error | undefined;

  private constructor(
    readonly path: string,
    private readonly stream: WriteStream,
    private readonly hash: Hash,
    private bytes: number,
  ) {
    stream.on('error', (error) => {
      this.failure ??= error;
    });
  }

  /** Creates the file; with `from`, appends to it and continues that file's digest. */
  static async create(path: string, from?: { hash: Hash; bytes: number }): Promise<CaptureFile> {
    await mkdir(dirname(path), { recursive: true });
    // flush: fsync before close, so a recorded digest describes durable bytes.
    const stream = createWriteStream(path, { flags: from ? 'a' : 'w', flush: true, highWaterMark: FILE_HIGH_WATER_MARK });
    const file = new CaptureFile(path, stream, from?.hash ?? createHash('sha256'), from?.bytes ?? 0);
    await once(stream, 'ready');
    return file;
  }

  /** The digest state so far, for a file that continues this one's bytes. */
  snapshot(): { hash: Hash; bytes: number } {
    return { hash: this.hash.copy(), bytes: this.bytes };
  }

  /** Resolves when every byte written so far is in the file. */
  flushed(): Promise<void> {
    return new Promise((resolve, reject) => this.stream.write(Buffer.alloc(0), (err) => (err ? reject(err) : resolve())));
  }

  /** Returns a promise to await when the file wants the producer to slow down. */
  write(bytes: Buffer): Promise<unknown> | undefined {
    if (this.failure) throw this.failure;
    this.hash.update(bytes);
    this.bytes += bytes.length;
    return this.stream.write(bytes) ? undefined : once(this.stream, 'drain');
  }

  async close(): Promise<StreamDigest> {
    this.stream.end();
    await finished(this.stream);
    if (this.failure) throw this.failure;
    return { bytes: this.bytes, sha256: this.hash.digest('hex') };
  }

  destroy(): void {
    this.stream.destroy();
  }
}

/**
 * The combined arrival-order view. While only one stream has written, the
 * combined view is that stream's file, so nothing is written or hashed twice:
 * at close it becomes a hard link to it. When the second stream first
 * writes, the first stream's bytes so far are copied (and its digest state
 * cloned), and from then on both streams append here in arrival order.
 */
class CombinedLog {
  private file: CaptureFile | undefined;
  private only: OutputChunk['stream'] | undefined;
  private switching: Promise<void> | undefined;

  constructor(
    private readonly path: string,
    private readonly files: Record<OutputChunk['stream'], CaptureFile>,
  ) {}

  /** Deliveries wait here while the view switches from one stream to both. */
  ready(): Promise<void> | undefined {
    return this.switching;
  }

  /** Called in arrival order, before the bytes go to the stream's own file. */
  async write(stream: OutputChunk['stream'], bytes: Buffer): Promise<Promise<unknown> | undefined> {
    if (this.file) return this.file.write(bytes);
    if (this.only === undefined || this.only === stream) {
      this.only = stream;
      return undefined;
    }
    this.switching ??= this.materialize(this.only);
    await this.switching;
    return this.file!.write(bytes);
  }

  private async materialize(first: OutputChunk['stream']): Promise<void> {
    const source = this.files[first];
    await source.flushed();
    await copyFile(source.path, this.path);
    this.file = await CaptureFile.create(this.path, source.snapshot());
    this.switching = undefined;
  }

  /** After both stream files are closed (their digests final). */
  async close(digests: Record<OutputChunk['stream'], StreamDigest>): Promise<StreamDigest> {
    if (this.switching) await this.switching;
    if (this.file) return this.file.close();
    if (this.only) {
      const source = this.files[this.only];
      try {
        await link(source.path, this.path);
      } catch {
        await copyFile(source.path, this.path);
      }
      return digests[this.only];
    }
    await writeFile(this.path, '');
    return { bytes: 0, sha256: EMPTY_SHA256 };
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
      throw failed?.reason ?? new Error('capture files could not be created');
    }
    // The combined file must be creatable too; it is written lazily (CombinedLog).
    try {
      await writeFile(files.combined, '');
    } catch (error) {
      stdout.destroy();
      stderr.destroy();
      throw error;
    }
    const combined = new CombinedLog(files.combined, { stdout, stderr });
    const channel = (file: CaptureFile): Channel => ({
      file,
      masker: new SecretMasker(options.secrets),
      view: new StreamView(),
    });
    return new Capture({ stdout: channel(stdout), stderr: channel(stderr) }, combined, options);
  }

  /** Reads `source` to its end (or until stop()), then releases what the masker held back. */
  async pump(stream: OutputChunk['stream'], source: Readable): Promise<void> {
    const channel = this.channels[stream];
    channel.source = source;
    try {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        this.progress++;
        await this.deliver(stream, channel.masker.push(chunk));
      }
    } catch (error) {
      if (!this.stopped) throw error;
    }
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

  async close(): Promise<CaptureSummary> {
    const [stdout, stderr] = await Promise.all([this.channels.stdout.file.close(), this.channels.stderr.file.close()]);
    const combined = await this.combined.close({ stdout, stderr });
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
    const view = new StreamView();
    this.tail.push(cut + view.push(raw) + view.end());
  }

  private async deliver(stream: OutputChunk['stream'], bytes: Buffer): Promise<void> {
    if (bytes.length === 0) return;
    const channel = this.channels[stream];
    const switching = this.combined.ready();
    if (switching) await switching;
    const combinedWait = this.combined.write(stream, bytes);
    const waits = [channel.file.write(bytes), await combinedWait].filter((w): w is Promise<unknown> => w !== undefined);
    if (this.options.onOutput) this.show(stream, channel.view.push(bytes));
    else this.keepRaw(bytes);
    if (waits.length === 0) return;
    this.waitingForDisk++;
    try {
      await Promise.all(waits);
    } finally {
      this.waitingForDisk--;
      this.progress++;
    }
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
