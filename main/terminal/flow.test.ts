import { describe, expect, it } from 'vitest';
import { FlowControl, HIGH_WATER, LOW_WATER } from './flow';

describe('FlowControl', () => {
  it('pauses once above the high mark and resumes only below the low mark', () => {
    const f = new FlowControl();
    expect(HIGH_WATER).toBe(1024 * 1024);
    expect(LOW_WATER).toBe(256 * 1024);
    expect(f.onSent(HIGH_WATER)).toBe(false);
    expect(f.onSent(1)).toBe(true);
    expect(f.onSent(100)).toBe(false); // already paused
    expect(f.paused).toBe(true);
    expect(f.onAck(HIGH_WATER - LOW_WATER)).toBe(false); // exactly at the low mark: still paused
    expect(f.onAck(200)).toBe(true);
    expect(f.paused).toBe(false);
    expect([f.pauses, f.resumes]).toEqual([1, 1]);
  });

  it('ignores acknowledgements of more than was sent', () => {
    const f = new FlowControl(10, 5);
    f.onSent(4);
    f.onAck(1000);
    expect(f.inFlight).toBe(0);
    expect(f.onSent(11)).toBe(true);
  });
});
