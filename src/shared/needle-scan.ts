// Which of a few strings occur in a stream, found in the raw bytes as they
// arrive — before secrets are masked. An output assertion judges what the
// command printed, not its masked log: a needle that is, or overlaps, a
// secret is still found (`stderr_not_contains` does not turn green because
// the log shows `***`). Only a needle's length of bytes is kept between
// chunks, so an occurrence split across two reads is found too.

export class NeedleScan {
  private readonly needles: Buffer[];
  private readonly found: boolean[];
  /** The last bytes seen (one less than the longest needle): a match may start in them. */
  private carry = Buffer.alloc(0);
  private readonly overlap: number;
  private left: number;

  constructor(private readonly texts: readonly string[]) {
    this.needles = texts.map((t) => Buffer.from(t, 'utf8'));
    this.found = this.needles.map((n) => n.length === 0);
    this.left = this.found.filter((f) => !f).length;
    this.overlap = Math.max(0, ...this.needles.map((n) => n.length - 1));
  }

  push(chunk: Buffer): void {
    if (this.left === 0 || chunk.length === 0) return;
    const seam = this.carry.length ? Buffer.concat([this.carry, chunk.subarray(0, this.overlap)]) : undefined;
    this.needles.forEach((needle, i) => {
      if (this.found[i] || !(chunk.includes(needle) || seam?.includes(needle))) return;
      this.found[i] = true;
      this.left--;
    });
    const tail = chunk.length >= this.overlap ? chunk.subarray(chunk.length - this.overlap) : Buffer.concat([this.carry, chunk]).subarray(-this.overlap);
    this.carry = this.overlap ? Buffer.from(tail) : Buffer.alloc(0);
  }

  /** The needles that occurred, in the order given. */
  seen(): string[] {
    return this.texts.filter((_, i) => this.found[i]);
  }
}
