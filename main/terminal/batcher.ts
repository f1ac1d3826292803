// Batches pty output into frames (at most one per ~16 ms, or 200 KB), never cutting a UTF-8 character in two.
// Output after a quiet spell goes out at once (a keystroke's echo waits for no timer); what follows
// within the interval is joined into the next frame.
import { completeUtf8Length } from './utf8';

export const BATCH_INTERVAL_MS = 16;
export const BATCH_MAX_BYTES = 200 * 1024;

export class OutputBatcher {
  private chunks: Buffer[] = [];
  private size = 0;
  private timer: NodeJS.Timeout | null = null;
  private lastEmit = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly emit: (frame: Buffer) => void,
    private readonly intervalMs = BATCH_INTERVAL_MS,
    private readonly maxBytes = BATCH_MAX_BYTES,
  ) {}

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.size >= this.maxBytes) {
      this.flush();
      return;
    }
    if (this.timer) return;
    const wait = this.lastEmit + this.intervalMs - performance.now();
    if (wait <= 0) this.flush();
    else this.timer = setTimeout(() => this.flush(), wait);
  }

  /** Sends what is buffered; `final` also sends an incomplete trailing character (nothing will follow). */
  flush(final = false): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.size === 0) return;
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.size);
    const cut = final ? all.length : completeUtf8Length(all);
    const rest = all.subarray(cut);
    this.chunks = rest.length ? [Buffer.from(rest)] : [];
    this.size = rest.length;
    if (cut > 0) {
      this.lastEmit = performance.now();
      this.emit(all.subarray(0, cut));
    }
  }

  /** Bytes waiting for the next frame. */
  get pending(): number {
    return this.size;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.chunks = [];
    this.size = 0;
  }
}
