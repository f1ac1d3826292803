// The fix phase's pure parts: who fixes which hypothesis, failing tests from a test command's output, ranking fixes, confirming hypotheses.
import { describe, expect, it } from 'vitest';
import type { HypothesesFile, RankedHypothesis } from '../../../common/artifacts';
import { fixRecord } from '../../../testkit/fixes';
import { assignHypotheses, fixerIds } from './fixPhase';
import { confirmHypotheses, failingTests, rankFixes } from './verify';

const hyp = (worker_id: string, hypothesis_id: string, score: number): RankedHypothesis => ({
  hypothesis_id,
  worker_id,
  mechanism: `${worker_id}/${hypothesis_id}`,
  evidence: [],
  invalid_evidence: [],
  confidence: 0.5,
  disconfirming_checks: [],
  score,
  score_parts: {},
  agreeing_workers: [],
});

const fix = fixRecord;

describe('who fixes what', () => {
  it('numbers fixers after the repro and triage workers', () => {
    expect(fixerIds(2, 2)).toEqual(['w5', 'w6']);
    expect(fixerIds(3, 1)).toEqual(['w7']);
    expect(fixerIds(2, 0)).toEqual([]);
  });
  it('spreads fixers over the top hypotheses; doubles up only when there are fewer hypotheses', () => {
    const ranked = [hyp('w3', 'h1', 0.9), hyp('w4', 'h1', 0.8), hyp('w3', 'h2', 0.2)];
    expect(assignHypotheses(ranked, 2).map((h) => h.mechanism)).toEqual(['w3/h1', 'w4/h1']);
    expect(assignHypotheses(ranked.slice(0, 1), 2).map((h) => h.mechanism)).toEqual(['w3/h1', 'w3/h1']);
    expect(assignHypotheses([], 2)).toEqual([]);
  });
});

describe('failingTests', () => {
  it('reads pytest, unittest, TAP (node --test) and jest-style failures', () => {
    expect(failingTests('FAILED tests/test_a.py::test_x - AssertionError\nFAILED (failures=1)\n')).toEqual([
      'tests/test_a.py::test_x',
    ]);
    expect(
      failingTests(
        'FAIL: test_convolve_empty_kernel (tests.test_core.CoreTest.test_convolve_empty_kernel)\nERROR: test_y (tests.test_b.B)\n',
      ),
    ).toEqual(['tests.test_b.B.test_y', 'tests.test_core.CoreTest.test_convolve_empty_kernel']);
    expect(failingTests('ok 1 - pad\nnot ok 2 - pad accepts the 0.x order\n  ---\n')).toEqual(['pad accepts the 0.x order']);
    expect(failingTests('  ✕ truncates (3 ms)\n')).toEqual(['truncates']);
    expect(failingTests('Ran 4 tests in 0.001s\n\nOK\n')).toEqual([]);
  });
});

describe('rankFixes', () => {
  it('verified first; then more of the other checks passed, fewer changed lines, the better hypothesis', () => {
    const ranked = [hyp('w3', 'h1', 0.9), hyp('w4', 'h1', 0.5)];
    const out = rankFixes(
      [
        fix('rejected', { verdict: 'rejected', other_checks: { passed: 5, total: 5 } }),
        fix('big', { patch_lines: { added: 10, removed: 2 } }),
        fix('small-second-hyp', { hypothesis_worker: 'w4' }),
        fix('small-first-hyp', {}),
        fix('passes-others', { patch_lines: { added: 30, removed: 0 }, other_checks: { passed: 1, total: 1 } }),
      ],
      ranked,
    );
    expect(out.map((f) => f.fix_id)).toEqual(['passes-others', 'small-first-hyp', 'small-second-hyp', 'big', 'rejected']);
  });
});

describe('confirmHypotheses', () => {
  it('marks hypotheses whose fix is verified and moves them first, the rest in order', () => {
    const file: HypothesesFile = {
      ranked: [hyp('w3', 'h1', 0.9), hyp('w3', 'h2', 0.6), hyp('w4', 'h1', 0.5)],
      top: [],
      dropped: [],
      created_at: '',
    };
    file.top = file.ranked.slice(0, 3);
    const out = confirmHypotheses(file, [
      fix('wrong', { verdict: 'rejected', hypothesis_worker: 'w3', hypothesis_id: 'h1' }),
      fix('right', { hypothesis_worker: 'w4', hypothesis_id: 'h1' }),
    ]);
    expect(out.ranked.map((h) => [h.mechanism, h.confirmed_by_fix ?? null])).toEqual([
      ['w4/h1', 'right'],
      ['w3/h1', null],
      ['w3/h2', null],
    ]);
    expect(out.top.map((h) => h.mechanism)).toEqual(['w4/h1', 'w3/h1', 'w3/h2']);
    expect(out.hypotheses).toEqual(out.ranked);
    // Nothing verified: the order stays.
    expect(confirmHypotheses(file, [fix('wrong', { verdict: 'rejected' })]).ranked).toEqual(file.ranked);
  });
});
