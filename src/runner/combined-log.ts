// The combined arrival-order view of a command's stdout and stderr.
import { createHash } from 'node:crypto';
import { copyFile, writeFile } from 'node:fs/promises';
import { EvidenceWriteError } from '../shared/errors.js';
import { CaptureFile, fsyncFile, linkOver } from './capture-file.js';
import type { OutputChunk, StreamDigest } from './types.js';

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
export class CombinedLog {
  private file: CaptureFile | undefined;
  private only: OutputChunk['stream'] | undefined;
  private switching: Promise<void> | undefined;
  private failure: EvidenceWriteError | undefined;

  constructor(
    private readonly path: string,
    private readonly files: Record<OutputChunk['stream'], CaptureFile>,
    private readonly tempDir?: string,
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
          await linkOver(source.path, this.path, this.tempDir);
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

