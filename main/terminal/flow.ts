// Acknowledgement-based flow control for one terminal: pause the pty when the client falls behind.

/** Pause above this many unacknowledged bytes (about 1 MB). */
export const HIGH_WATER = 1024 * 1024;
/** Resume once the client is back below this many (about 256 KB). */
export const LOW_WATER = 256 * 1024;

export class FlowControl {
  sent = 0;
  acked = 0;
  paused = false;
  pauses = 0;
  resumes = 0;

  constructor(
    readonly high = HIGH_WATER,
    readonly low = LOW_WATER,
  ) {}

  get inFlight(): number {
    return this.sent - this.acked;
  }

  /** Records bytes sent; true when the pty should be paused now. */
  onSent(bytes: number): boolean {
    this.sent += bytes;
    if (!this.paused && this.inFlight > this.high) {
      this.paused = true;
      this.pauses += 1;
      return true;
    }
    return false;
  }

  /** Records bytes the client has consumed; true when the pty should be resumed now. */
  onAck(bytes: number): boolean {
    this.acked = Math.min(this.sent, this.acked + bytes);
    if (this.paused && this.inFlight < this.low) {
      this.paused = false;
      this.resumes += 1;
      return true;
    }
    return false;
  }
}
