import { describe, expect, it } from 'vitest';
import { ddmin, split, type DdminStep } from './ddmin';

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const containsAll = (needed: number[]) => async (s: number[]) => needed.every((x) => s.includes(x));

/** An async predicate whose probes finish in a scrambled order (deterministic per subset). */
function scrambled(test: (s: number[]) => boolean) {
  const calls: string[] = [];
  const fn = async (s: number[]) => {
    calls.push(s.join(','));
    const delay = s.reduce((a, x) => (a * 31 + x) % 7, 3);
    await new Promise((r) => setTimeout(r, delay));
    return test(s);
  };
  return { fn, calls };
}

async function isOneMinimal(result: number[], test: (s: number[]) => Promise<boolean>): Promise<boolean> {
  if (!(await test(result))) return false;
  for (let i = 0; i < result.length; i++) if (await test(result.filter((_, j) => j !== i))) return false;
  return true;
}

describe('ddmin', () => {
  it("finds Zeller's 1-minimal configuration", async () => {
    const test = containsAll([1, 7, 8]);
    const result = await ddmin(range(8), test);
    expect(result).toEqual([1, 7, 8]);
    expect(await isOneMinimal(result, test)).toBe(true);
  });

  it('reduces a long sequence to the few units that matter, keeping their order', async () => {
    const test = containsAll([97, 3, 50]);
    expect(await ddmin(range(100), test, { parallelism: 3 })).toEqual([3, 50, 97]);
  });

  it('gives the same answer sequentially and in parallel, however probes finish', async () => {
    // Several 1-minimal answers exist: {2,5} and {6} and {9,10}; order decides which.
    const pred = (s: number[]) => (s.includes(2) && s.includes(5)) || s.includes(6) || (s.includes(9) && s.includes(10));
    const seq = scrambled(pred);
    const par = scrambled(pred);
    const wide = scrambled(pred);
    const a = await ddmin(range(12), seq.fn, { parallelism: 1 });
    const b = await ddmin(range(12), par.fn, { parallelism: 2 });
    const c = await ddmin(range(12), wide.fn, { parallelism: 8 });
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(await isOneMinimal(a, async (s) => pred(s))).toBe(true);
    // Parallel rounds probe everything the sequential search probed (and perhaps a little more).
    expect(seq.calls.every((x) => par.calls.includes(x))).toBe(true);
  });

  it('finds an interaction of two distant units (needs granularity refinement)', async () => {
    const test = async (s: number[]) => s.includes(4) && s.includes(13);
    const steps: DdminStep[] = [];
    const result = await ddmin(range(16), test, { onStep: (s) => steps.push(s) });
    expect(result).toEqual([4, 13]);
    expect(steps.some((s) => s.outcome === 'refine')).toBe(true);
    expect(steps.at(-1)?.outcome).toBe('done');
    expect(steps.every((s) => s.probes > 0)).toBe(true);
  });

  it('handles the edges: nothing, one unit, and a test that holds for nothing', async () => {
    expect(await ddmin([], async () => true)).toEqual([]);
    expect(await ddmin(['only'], async (s) => s.length === 1)).toEqual(['only']);
    expect(await ddmin(range(5), async () => true)).toEqual([]);
  });

  it('splits into nearly equal contiguous chunks', () => {
    expect(split(range(7), 3)).toEqual([
      [1, 2],
      [3, 4],
      [5, 6, 7],
    ]);
    expect(split(range(2), 2)).toEqual([[1], [2]]);
  });
});
