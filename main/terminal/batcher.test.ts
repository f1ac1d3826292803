import { describe, expect, it } from 'vitest';
import { OutputBatcher } from './batcher';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('OutputBatcher', () => {
  it('sends output after a quiet spell at once, and joins what follows within the interval into one frame', async () => {
    const frames: string[] = [];
    const b = new OutputBatcher((f) => frames.push(f.toString()), 10, 1024);
    b.push(Buffer.from('x'));
    expect(frames).toEqual(['x']);
    b.push(Buffer.from('a'));
    b.push(Buffer.from('b'));
    b.push(Buffer.from('c'));
    expect(frames).toEqual(['x']);
    await tick(40);
    expect(frames).toEqual(['x', 'abc']);
    b.push(Buffer.from('y')); // quiet again: at once
    expect(frames).toEqual(['x', 'abc', 'y']);
    b.dispose();
  });

  it('sends at once when the size limit is reached', () => {
    const frames: Buffer[] = [];
    const b = new OutputBatcher((f) => frames.push(Buffer.from(f)), 10_000, 8);
    b.push(Buffer.from('0')); // after a quiet spell: at once
    b.push(Buffer.from('12345'));
    expect(frames).toHaveLength(1);
    b.push(Buffer.from('6789'));
    expect(frames.map(String)).toEqual(['0', '123456789']);
    b.dispose();
  });

  it('never cuts a character: the partial tail waits for the next frame', () => {
    const frames: Buffer[] = [];
    const b = new OutputBatcher((f) => frames.push(Buffer.from(f)), 10_000, 4);
    const euro = Buffer.from('€'); // 3 bytes
    b.push(Buffer.concat([Buffer.from('abc'), euro.subarray(0, 1)]));
    expect(frames.map(String)).toEqual(['abc']);
    expect(b.pending).toBe(1);
    b.push(euro.subarray(1));
    b.flush();
    expect(frames.map(String)).toEqual(['abc', '€']);
    b.push(Buffer.from([0xe2]));
    b.flush(true); // the end: nothing will complete it
    expect(frames[2]).toEqual(Buffer.from([0xe2]));
  });
});
