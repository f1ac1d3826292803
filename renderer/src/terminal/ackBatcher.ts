// Flow control for a terminal: acknowledges output bytes once xterm has consumed them (write callbacks), in batches.

export class AckBatcher {
  private pending = 0;
  private inFlight = 0;

  constructor(
    private readonly send: (bytes: number) => void,
    /** Ack as soon as this many consumed bytes are waiting, even while more writes are queued. */
    private readonly threshold = 64 * 1024,
  ) {}

  /** Call before `term.write(bytes, cb)`; pass the returned function as the callback. */
  track(bytes: number): () => void {
    this.inFlight++;
    let called = false;
    return () => {
      if (called) return;
      called = true;
      this.inFlight--;
      this.pending += bytes;
      // Ack when the terminal has caught up, or in chunks while it is still busy.
      if (this.pending >= this.threshold || this.inFlight === 0) this.flush();
    };
  }

  flush(): void {
    if (this.pending <= 0) return;
    const n = this.pending;
    this.pending = 0;
    this.send(n);
  }

  get waiting(): { pending: number; inFlight: number } {
    return { pending: this.pending, inFlight: this.inFlight };
  }
}
