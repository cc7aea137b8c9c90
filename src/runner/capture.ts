// Capture of one command attempt: each stream is masked, hashed and written
// to its own file and, in arrival order, to the combined file, while the
// last raw bytes are kept for the tail (and a live view). Reads are paced by the
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

import { writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { fsyncDir } from '../shared/durable.js';
import { EvidenceWriteError } from '../shared/errors.js';
import { CaptureFile } from './capture-file.js';
import { CombinedLog } from './combined-log.js';
import { GarbagePacer } from './memory.js';
import { NeedleScan } from '../shared/needle-scan.js';
import { StreamView, Tail } from './output-view.js';
import { RawTail } from './raw-tail.js';
import { SecretMasker } from '../shared/secret-mask.js';
import type { CaptureFiles, OutputChunk, StreamDigest } from './types.js';

interface Channel {
  file: CaptureFile;
  /** Looks for the output assertions' strings in the raw bytes, before masking. */
  scan: NeedleScan;
  masker: SecretMasker;
  view: StreamView;
  source?: Readable;
}

export interface CaptureOptions {
  secrets: string[];
  tailLines: number;
  /** Per-chunk decoded text (decodes every byte: costly on a flood). */
  onOutput?: (chunk: OutputChunk) => void;
  /** Where the masked raw bytes go for a live view that reads only the last lines (see RawTail). */
  liveTail?: RawTail;
  /** Strings to look for in each stream's raw (unmasked) bytes. */
  watch?: Partial<Record<OutputChunk['stream'], readonly string[]>>;
}

export interface CaptureSummary {
  stdout: StreamDigest;
  stderr: StreamDigest;
  combined: StreamDigest;
  tail: string[];
  /** Which of the watched strings each stream printed. */
  seen: Record<OutputChunk['stream'], string[]>;
}

export class Capture {
  readonly warnings: string[] = [];
  private readonly tail: Tail;
  private readonly garbage = new GarbagePacer();
  private stopped = false;
  private progress = 0;
  private waitingForDisk = 0;
  /**
   * Without a per-chunk listener nothing is decoded while the command runs:
   * the last bytes are kept raw and the tail is made from them at the end
   * (or by a live view, a few times a second). Sanitizing every byte of a
   * 200 MB output only to show its last lines cost more than writing it.
   */
  private readonly rawTail: RawTail;

  private constructor(
    private readonly channels: Record<OutputChunk['stream'], Channel>,
    private readonly combined: CombinedLog,
    private readonly options: CaptureOptions,
    private readonly files: CaptureFiles,
  ) {
    this.tail = new Tail(options.tailLines);
    this.rawTail = options.liveTail ?? new RawTail();
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
    const combined = new CombinedLog(files.combined, { stdout, stderr }, files.tempDir);
    const channel = (file: CaptureFile, stream: OutputChunk['stream']): Channel => ({
      file,
      scan: new NeedleScan(options.watch?.[stream] ?? []),
      masker: new SecretMasker(options.secrets),
      view: new StreamView(),
    });
    return new Capture({ stdout: channel(stdout, 'stdout'), stderr: channel(stderr, 'stderr') }, combined, options, files);
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
        channel.scan.push(chunk); // the raw bytes: assertions judge what was printed, not the masked log
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
    const tail = this.options.onOutput ? this.tail.snapshot() : this.rawTail.lines(this.options.tailLines);
    return { stdout, stderr, combined, tail, seen: { stdout: this.channels.stdout.scan.seen(), stderr: this.channels.stderr.scan.seen() } };
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
    else this.rawTail.push(bytes);
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
