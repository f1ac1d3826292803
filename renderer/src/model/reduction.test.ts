import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../common/events';

/** Events as a run might have written them, loosely (these derivations tolerate missing fields). */
const loose = (xs: object[]) => xs as RunEvent[];
import { deriveReduction } from './reduction';

describe('deriveReduction', () => {
  it('reads the reduction from events while the run goes on', () => {
    const events = loose([
      { ts: 'x', type: 'reduction_step', step: 'llm', status: 'rejected' },
      { ts: 'x', type: 'reduction_step', step: 'ddmin', lines_before: 8, lines_after: 3, oracle_runs: 11, cache_hits: 2 },
    ]);
    const selected = { script: 'a\nb\nc\nd\ne\nf\ng\nh\n' } as Parameters<typeof deriveReduction>[2];
    expect(deriveReduction(undefined, events, selected)).toEqual({
      original: 8,
      afterLlm: 8,
      final: 3,
      llmAccepted: false,
      oracleRuns: 11,
      cacheHits: 2,
      seconds: null,
    });
    expect(deriveReduction(undefined, [], selected)).toBeNull();
  });
});
