import { describe, expect, it } from 'vitest';
import { AckBatcher } from './ackBatcher';

describe('AckBatcher', () => {
  it('acks consumed bytes when the terminal catches up', () => {
    const sent: number[] = [];
    const acks = new AckBatcher((n) => sent.push(n), 1000);
    const a = acks.track(100);
    const b = acks.track(200);
    a();
    expect(sent).toEqual([]); // b is still being written
    b();
    expect(sent).toEqual([300]);
    b(); // a callback that fires twice counts once
    expect(sent).toEqual([300]);
    expect(acks.waiting).toEqual({ pending: 0, inFlight: 0 });
  });

  it('acks in chunks while writes keep queueing', () => {
    const sent: number[] = [];
    const acks = new AckBatcher((n) => sent.push(n), 1000);
    const done = Array.from({ length: 5 }, () => acks.track(400));
    done.forEach((d) => d());
    // 400+400+400 crosses the threshold with writes still queued; the rest goes when they drain
    expect(sent).toEqual([1200, 800]);
  });
});
