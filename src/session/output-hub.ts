// The live output of the running attempt, for a screen or a live line. The
// runner keeps the attempt's last raw bytes (a RawTail); a few times a
// second the hub turns only its last lines into masked, sanitized text and
// notifies once — never per chunk. A flush costs in proportion to the tail,
// not to how much the command printed; an idle tail costs nothing.
import { RawTail } from '../runner/raw-tail.js';

/** The live tail of one attempt, as the store takes it. */
export interface OutputFlush {
  step: string;
  attempt: number;
  /** The last lines (masked, sanitized, clipped), oldest first. */
  lines: string[];
  /** Bytes the attempt has written so far (both streams). */
  bytes: number;
  /** The attempt ended; this is its last flush. */
  done: boolean;
}

export interface OutputHubOptions {
  /** Flush period (ms). */
  intervalMs: number;
  /** Lines per flush. */
  lines: number;
  /** Raw bytes decoded per flush at most. */
  maxBytes: number;
}

export const OUTPUT_HUB_DEFAULTS: OutputHubOptions = { intervalMs: 250, lines: 200, maxBytes: 64 * 1024 };

interface Watched {
  step: string;
  attempt: number;
  tail: RawTail;
  shownBytes: number;
}

export class OutputHub {
  private readonly watched = new Map<string, Watched>();
  private timer: NodeJS.Timeout | undefined;
  private readonly options: OutputHubOptions;

  constructor(
    private readonly emit: (flush: OutputFlush) => void,
    options: Partial<OutputHubOptions> = {},
  ) {
    this.options = { ...OUTPUT_HUB_DEFAULTS, ...options };
  }

  /** A new RawTail for an attempt that is starting; flushed until `end`. */
  open(step: string, attempt: number): RawTail {
    const tail = new RawTail();
    this.watched.set(key(step, attempt), { step, attempt, tail, shownBytes: -1 });
    this.timer ??= setInterval(() => this.flushAll(), this.options.intervalMs);
    // A live view must not keep cutover alive; the attempt itself does.
    this.timer.unref();
    return tail;
  }

  /** The attempt ended: one last flush (done), then it is forgotten. */
  end(step: string, attempt: number): void {
    const w = this.watched.get(key(step, attempt));
    if (!w) return;
    this.watched.delete(key(step, attempt));
    this.flush(w, true);
    if (this.watched.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** Stops every flush (the session is released). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.watched.clear();
  }

  private flushAll(): void {
    for (const w of this.watched.values()) if (w.tail.bytes !== w.shownBytes) this.flush(w, false);
  }

  private flush(w: Watched, done: boolean): void {
    w.shownBytes = w.tail.bytes;
    this.emit({ step: w.step, attempt: w.attempt, lines: w.tail.lines(this.options.lines, done ? undefined : this.options.maxBytes), bytes: w.tail.bytes, done });
  }
}

function key(step: string, attempt: number): string {
  return `${step}#${attempt}`;
}
