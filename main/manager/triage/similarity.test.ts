import { describe, expect, test } from 'vitest';
import { mechanismSimilarity, mechanismTokens, stem } from './similarity';

const SWAPPED = 'arguments are swapped before the empty check';
const SWAPPED_REPHRASED = 'the swap of signal/kernel happens before validating emptiness';
const UNRELATED = 'median divides by zero when the list is empty';
const OTHER_UNRELATED = 'The cache key ignores the `precision` option so stale results are returned';

describe('mechanismSimilarity', () => {
  test('identical mechanisms score 1, also with different case and spacing', () => {
    expect(mechanismSimilarity(SWAPPED, SWAPPED)).toBe(1);
    expect(mechanismSimilarity('Arguments  are swapped', 'arguments are swapped ')).toBe(1);
  });

  test('the swapped-arguments pair is similar; unrelated mechanisms are not', () => {
    const similar = mechanismSimilarity(SWAPPED, SWAPPED_REPHRASED);
    const unrelated = mechanismSimilarity(SWAPPED, UNRELATED);
    expect(similar).toBeGreaterThanOrEqual(0.5);
    expect(unrelated).toBeLessThan(0.2);
    expect(similar).toBeGreaterThan(unrelated + 0.3);
    expect(mechanismSimilarity(SWAPPED, OTHER_UNRELATED)).toBe(0);
  });

  test('is symmetric and stays within 0..1', () => {
    for (const [a, b] of [
      [SWAPPED, SWAPPED_REPHRASED],
      [UNRELATED, OTHER_UNRELATED],
      [SWAPPED, UNRELATED],
    ] as const) {
      const ab = mechanismSimilarity(a, b);
      expect(ab).toBe(mechanismSimilarity(b, a));
      expect(ab).toBeGreaterThanOrEqual(0);
      expect(ab).toBeLessThanOrEqual(1);
    }
  });

  test('code identifiers weigh more than prose words', () => {
    const tokens = mechanismTokens('convolve() swaps signal_kernel');
    expect(tokens.get('signalkernel')).toBe(2);
    expect(tokens.get('convolv')).toBe(2);
    expect(tokens.get('swap')).toBe(1);
    // Sharing an identifier counts for more than sharing a word.
    const sharedIdentifier = mechanismSimilarity('normalize_weights divides totals', 'normalize_weights rounds early');
    const sharedWord = mechanismSimilarity('normalize weights divides totals', 'normalize weights rounds early');
    expect(sharedIdentifier).toBeGreaterThan(sharedWord);
  });

  test('camelCase and snake_case spellings of one identifier meet', () => {
    expect(mechanismSimilarity('signalKernel is reversed', 'signal_kernel is reversed')).toBeGreaterThan(0.9);
  });

  test('only stopwords, empty or non-string text scores 0 unless identical', () => {
    expect(mechanismSimilarity('it is the', 'there was a')).toBe(0);
    expect(mechanismSimilarity('', SWAPPED)).toBe(0);
    expect(mechanismSimilarity(undefined as unknown as string, SWAPPED)).toBe(0);
  });

  test('stem brings word forms together', () => {
    expect(stem('swapped')).toBe(stem('swap'));
    expect(stem('validating')).toBe(stem('validation'));
    expect(stem('emptiness')).toBe('empty');
    expect(stem('checks')).toBe('check');
  });

  test('huge input is bounded', () => {
    const huge = `${SWAPPED} `.repeat(50_000);
    const started = Date.now();
    expect(mechanismSimilarity(huge, SWAPPED_REPHRASED)).toBeGreaterThan(0.3);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
