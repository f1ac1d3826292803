import { describe, expect, test } from 'vitest';
import type { Hypothesis } from '../../../common/agentAnswers';
import { RankedHypothesis } from '../../../common/artifacts';
import {
  nextFixTargets,
  RANK_WEIGHTS,
  rankHypotheses,
  type EvidenceResult,
  type HypothesisInput,
  type RankContext,
} from './ranking';

const CONTEXT: RankContext = {
  reproFrames: [
    { file: 'statsmini/api.py', line: 8, func: 'convolve' },
    { file: 'statsmini/core.py', line: 15, func: 'convolve' },
  ],
  targetPaths: ['statsmini/'],
};

function valid(file: string, line: number, snippet = 'x', func: string | null = null): EvidenceResult {
  return {
    evidence: { file, line, snippet },
    valid: true,
    reason: `snippet matches ${file}:${line}`,
    matchedLine: line,
    normalizedFile: file,
    enclosingFunction: func,
  };
}

function invalid(file: string, line: number, reason: string): EvidenceResult {
  return { evidence: { file, line, snippet: 'y' }, valid: false, reason, matchedLine: null };
}

function hyp(worker: string, id: string, mechanism: string, confidence: number, rows: EvidenceResult[]): HypothesisInput {
  const hypothesis: Hypothesis = {
    hypothesis_id: id,
    mechanism,
    evidence: rows.map((r) => r.evidence),
    confidence,
    disconfirming_checks: ['call convolve with equal lengths'],
  };
  return { worker_id: worker, hypothesis, evidenceResults: rows };
}

const SWAP = 'Arguments are swapped before the empty checks. So the wrong one is checked.';
const SWAP_2 = 'the swap of signal/kernel happens before validating emptiness';
const CACHE = 'The docs build cache is stale after renaming the package';

describe('rankHypotheses', () => {
  test('weights sum to 1', () => {
    expect(Object.values(RANK_WEIGHTS).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
  });

  test("evidence in the repro's traceback frames outranks valid but unrelated evidence, even at lower confidence", () => {
    const { ranked } = rankHypotheses(
      [
        hyp('w1', 'h1', CACHE, 0.95, [valid('docs/conf.py', 40)]),
        hyp('w2', 'h1', SWAP, 0.3, [valid('statsmini/core.py', 13, 'signal, kernel = kernel, signal', 'convolve')]),
      ],
      CONTEXT,
    );
    expect(ranked.map((r) => `${r.worker_id}/${r.hypothesis_id}`)).toEqual(['w2/h1', 'w1/h1']);
    expect(ranked[0]?.score_parts.execution).toBe(1);
    expect(ranked[1]?.score_parts.execution).toBe(0);
    expect(ranked[0]!.confidence).toBeLessThan(ranked[1]!.confidence);
  });

  test('execution credit is graded by frame: the raising line > its function > the callers by distance > file > target path', () => {
    const frames = [
      { file: 'statsmini/api.py', line: 8, func: 'run' },
      { file: 'statsmini/api.py', line: 30, func: 'convolve' },
      { file: 'statsmini/core.py', line: 15, func: 'convolve' },
    ];
    const { ranked } = rankHypotheses(
      [
        hyp('w1', 'raising', 'a', 0.5, [valid('statsmini/core.py', 17)]),
        hyp('w2', 'raising-fn', 'b', 0.5, [valid('statsmini/core.py', 40, 'x', 'convolve')]),
        hyp('w3', 'caller', 'c', 0.5, [valid('statsmini/api.py', 31)]),
        hyp('w4', 'caller-2', 'd', 0.5, [valid('statsmini/api.py', 7)]),
        hyp('w5', 'caller-fn', 'e', 0.5, [valid('statsmini/api.py', 40, 'x', 'convolve')]),
        hyp('w6', 'file', 'f', 0.5, [valid('statsmini/core.py', 60, 'x', 'mean')]),
        hyp('w7', 'target', 'g', 0.5, [valid('statsmini/util.py', 3)]),
        hyp('w8', 'none', 'h', 0.5, [valid('setup.py', 3)]),
        hyp('w9', 'beside', 'i', 0.5, [valid('statsmini/core.py', 18)]),
      ],
      { reproFrames: frames, targetPaths: ['statsmini'] },
    );
    const credit = Object.fromEntries(ranked.map((r) => [r.hypothesis_id, r.score_parts.execution]));
    expect(credit).toEqual({
      raising: 1,
      'raising-fn': 0.75,
      caller: 0.6,
      'caller-2': 0.3,
      'caller-fn': 0.3,
      file: 0.2,
      target: 0.15,
      none: 0,
      beside: 0.2, // three lines from the raising line: in its file, not at it
    });
  });

  test('a wrong hypothesis next to a caller loses to the right one at the raising line, even with more confidence', () => {
    const { ranked } = rankHypotheses(
      [
        hyp('w1', 'caller', 'the caller passes a bad table', 0.95, [valid('statsmini/api.py', 9)]),
        hyp('w2', 'raising', 'None is not guarded where cells are converted', 0.4, [valid('statsmini/core.py', 15)]),
      ],
      CONTEXT,
    );
    expect(ranked.map((r) => r.hypothesis_id)).toEqual(['raising', 'caller']);
  });

  test('a frame without a line (0) is near nothing, but its function still counts', () => {
    const frames = [{ file: 'statsmini/core.py', line: 0, func: 'median' }];
    const { ranked } = rankHypotheses(
      [
        hyp('w1', 'top', 'a', 0.5, [valid('statsmini/core.py', 3, 'x', 'mean')]),
        hyp('w2', 'fn', 'b', 0.5, [valid('statsmini/core.py', 30, 'x', 'median')]),
      ],
      { reproFrames: frames, targetPaths: [] },
    );
    const credit = Object.fromEntries(ranked.map((r) => [r.hypothesis_id, r.score_parts.execution]));
    expect(credit).toEqual({ top: 0.2, fn: 0.75 });
  });

  test('frames given as absolute paths still match repository-relative evidence', () => {
    const { ranked } = rankHypotheses([hyp('w1', 'h', SWAP, 0.5, [valid('statsmini/core.py', 14)])], {
      reproFrames: [{ file: '/tmp/wt/statsmini/core.py', line: 15, func: '' }],
      targetPaths: [],
    });
    expect(ranked[0]?.score_parts.execution).toBe(1);
  });

  test('hypotheses with only invalid evidence are dropped, with why each row failed', () => {
    const { ranked, dropped } = rankHypotheses(
      [
        hyp('w1', 'h1', SWAP, 0.9, [
          invalid('statsmini/core.py', 99, 'line 99 is beyond the end of statsmini/core.py (21 lines)'),
          invalid('../../etc/passwd', 1, 'path ../../etc/passwd escapes the repository'),
        ]),
        hyp('w1', 'h2', SWAP, 0.2, [valid('statsmini/core.py', 13), invalid('x.py', 1, 'file x.py does not exist')]),
        hyp('w2', 'h3', SWAP, 0.2, []),
      ],
      CONTEXT,
    );
    expect(ranked.map((r) => r.hypothesis_id)).toEqual(['h2']);
    expect(dropped).toEqual([
      {
        worker_id: 'w1',
        hypothesis_id: 'h1',
        reason:
          'no valid evidence: statsmini/core.py:99 — line 99 is beyond the end of statsmini/core.py (21 lines); ../../etc/passwd:1 — path ../../etc/passwd escapes the repository',
      },
      { worker_id: 'w2', hypothesis_id: 'h3', reason: 'no evidence was given' },
    ]);
    // A kept hypothesis reports its invalid rows and loses on the evidence part.
    expect(ranked[0]?.invalid_evidence).toEqual([{ file: 'x.py', line: 1, snippet: 'y', reason: 'file x.py does not exist' }]);
    expect(ranked[0]?.score_parts.evidence).toBeCloseTo(0.5 * 0.5 + 0.5 / 3, 3);
  });

  test('agreement (similar mechanism or nearby evidence) raises the score', () => {
    const alone = rankHypotheses(
      [hyp('w1', 'h1', SWAP, 0.5, [valid('statsmini/core.py', 13)]), hyp('w2', 'h1', CACHE, 0.5, [valid('docs/conf.py', 40)])],
      CONTEXT,
    );
    const agreed = rankHypotheses(
      [
        hyp('w1', 'h1', SWAP, 0.5, [valid('statsmini/core.py', 13)]),
        hyp('w2', 'h1', SWAP_2, 0.5, [valid('statsmini/api.py', 2)]),
      ],
      CONTEXT,
    );
    const w1Alone = alone.ranked.find((r) => r.worker_id === 'w1')!;
    const w1Agreed = agreed.ranked.find((r) => r.worker_id === 'w1')!;
    expect(w1Alone.agreeing_workers).toEqual([]);
    expect(w1Agreed.agreeing_workers).toEqual(['w2']);
    expect(w1Agreed.score_parts.agreement).toBe(1);
    expect(w1Agreed.score).toBeGreaterThan(w1Alone.score);
    // Evidence within a few lines of each other agrees even when the words differ.
    const near = rankHypotheses(
      [
        hyp('w1', 'h1', SWAP, 0.5, [valid('statsmini/core.py', 13)]),
        hyp('w3', 'h9', CACHE, 0.5, [valid('./statsmini/core.py', 15)]),
      ],
      CONTEXT,
    );
    expect(near.ranked.map((r) => r.agreeing_workers)).toEqual([['w3'], ['w1']]);
    // A worker never agrees with itself.
    const self = rankHypotheses(
      [hyp('w1', 'a', SWAP, 0.5, [valid('statsmini/core.py', 13)]), hyp('w1', 'b', SWAP, 0.5, [valid('statsmini/core.py', 13)])],
      CONTEXT,
    );
    expect(self.ranked.every((r) => r.agreeing_workers.length === 0 && r.score_parts.agreement === 0)).toBe(true);
  });

  test('equal hypothesis ids from different workers stay apart; order is deterministic', () => {
    const inputs = [
      hyp('w10', 'h1', SWAP, 0.5, [valid('statsmini/core.py', 13)]),
      hyp('w2', 'h1', SWAP, 0.5, [valid('statsmini/core.py', 13)]),
      hyp('w3', 'h1', SWAP, 0.5, [valid('statsmini/core.py', 13)]),
    ];
    const a = rankHypotheses(inputs, CONTEXT);
    const b = rankHypotheses([...inputs].reverse(), CONTEXT);
    expect(a.ranked.map((r) => r.worker_id)).toEqual(['w2', 'w3', 'w10']);
    expect(b.ranked).toEqual(a.ranked);
    expect(a.ranked[0]?.agreeing_workers).toEqual(['w3', 'w10']);
  });

  test('top holds at most 3, and every ranked entry fits the artifact schema', () => {
    const inputs = Array.from({ length: 6 }, (_, i) =>
      hyp(`w${i + 1}`, 'h', `mechanism ${i}`, i / 10, [valid('statsmini/core.py', 13 + 10 * i)]),
    );
    const { ranked, top } = rankHypotheses(inputs, CONTEXT);
    expect(ranked).toHaveLength(6);
    expect(top).toHaveLength(3);
    expect(top).toEqual(ranked.slice(0, 3));
    for (const r of ranked) expect(RankedHypothesis.safeParse(r).success).toBe(true);
  });

  test('untrusted values are bounded: NaN confidence, huge snippets, matched line wins over the claim', () => {
    const row: EvidenceResult = {
      ...valid('statsmini/core.py', 13),
      matchedLine: 14,
      evidence: { file: './statsmini/core.py', line: 16, snippet: 'z'.repeat(5_000) },
    };
    const { ranked } = rankHypotheses([hyp('w1', 'h', SWAP, Number.NaN, [row])], CONTEXT);
    expect(ranked[0]?.confidence).toBe(0);
    expect(ranked[0]?.evidence[0]?.snippet.length).toBeLessThanOrEqual(500);
    expect(ranked[0]?.evidence[0]).toMatchObject({ file: 'statsmini/core.py', line: 14 });
    expect(Number.isFinite(ranked[0]?.score)).toBe(true);
  });
});

describe('nextFixTargets', () => {
  test('"file:lines (functions) — mechanism", one per hypothesis and file, deduplicated by file:line, in rank order', () => {
    const { top } = rankHypotheses(
      [
        hyp('w1', 'h1', SWAP, 0.9, [valid('statsmini/core.py', 40, 'def helper(xs):'), valid('statsmini/core.py', 14)]),
        hyp('w2', 'h1', SWAP_2, 0.5, [valid('statsmini/core.py', 14)]),
        hyp('w3', 'h1', CACHE, 0.1, [valid('docs/conf.py', 3)]),
      ],
      CONTEXT,
    );
    expect(nextFixTargets(top, CONTEXT.reproFrames)).toEqual([
      'statsmini/core.py:14, 40 (convolve, helper) — Arguments are swapped before the empty checks',
      'docs/conf.py:3 — The docs build cache is stale after renaming the package',
    ]);
    expect(nextFixTargets([])).toEqual([]);
  });
});
