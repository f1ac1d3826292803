import { describe, expect, test } from 'vitest';
import type { ReproAnswer } from '../../../common/agentAnswers';
import type { IssueSignals, ValidationRun } from '../../../common/artifacts';
import {
  chooseCandidate,
  compareWorkerIds,
  fidelity,
  normalizeSignature,
  scoreCandidates,
  SCORE_WEIGHTS,
  type CandidateInput,
} from './scoring';

const SIGNALS: IssueSignals = {
  exception_types: ['IndexError'],
  messages: ['list index out of range'],
  assertion_failures: [],
  exit_codes: [1],
};
const NO_SIGNALS: IssueSignals = { exception_types: [], messages: [], assertion_failures: [], exit_codes: [] };
const SIGNATURE = 'IndexError: list index out of range';

function script(lines: number): string {
  return Array.from({ length: lines }, (_, i) => (i === 0 ? 'import statsmini' : `statsmini.median([])  # ${i}`)).join('\n');
}

function run(over: Partial<ValidationRun> = {}): ValidationRun {
  return {
    exit_code: 1,
    timed_out: false,
    duration_ms: 100,
    matched: true,
    failure_line: SIGNATURE,
    reason: 'final exception matches',
    repo_frames: ['statsmini/core.py:14 (median)'],
    output_tail: '',
    ...over,
  };
}

function cand(
  worker: string,
  o: {
    matches?: number;
    total?: number;
    lines?: number;
    signature?: string | null;
    passed?: boolean;
    frames?: string[];
    runs?: ValidationRun[];
    setup_ok?: boolean;
  } = {},
): CandidateInput {
  const total = o.total ?? 3;
  const matches = o.matches ?? total;
  const answer: ReproAnswer = {
    candidate_id: `${worker}-c`,
    script: script(o.lines ?? 4),
    setup_commands: [],
    oracle_command: 'python {repro_file}',
    claimed_failure_signature: SIGNATURE,
    file_extension: 'py',
  };
  return {
    worker_id: worker,
    answer,
    validation: {
      total_runs: total,
      matches,
      matched_signature: o.signature === undefined ? SIGNATURE : o.signature,
      passed: o.passed ?? matches >= 2,
      ...(o.setup_ok === undefined ? {} : { setup_ok: o.setup_ok }),
      runs: o.runs ?? Array.from({ length: total }, (_, i) => run({ matched: i < matches })),
      ...(o.frames ? { repo_frames: o.frames } : {}),
    },
  };
}

const opts = { signals: SIGNALS, minMatches: 2 };

describe('scoreCandidates', () => {
  test('weights sum to 1', () => {
    expect(Object.values(SCORE_WEIGHTS).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
  });

  test('a deterministic repro beats a flaky one', () => {
    const scored = scoreCandidates([cand('w1', { matches: 2, total: 3 }), cand('w2', { matches: 3, total: 3 })], opts);
    expect(scored.map((s) => s.worker_id)).toEqual(['w2', 'w1']);
    expect(scored[0]?.score_parts.determinism).toBe(1);
    expect(scored[1]?.score_parts.determinism).toBeCloseTo(2 / 3, 3);
    expect(chooseCandidate(scored)?.worker_id).toBe('w2');
  });

  test("fidelity rewards the issue's exception type and message", () => {
    const exact = cand('w1', { signature: SIGNATURE });
    const typeOnly = cand('w2', { signature: 'IndexError: pop from empty list' });
    const neither = cand('w3', { signature: 'KeyError: 0' });
    const f = (c: CandidateInput) => fidelity(c.validation, SIGNALS);
    expect(f(exact)).toBe(1);
    expect(f(typeOnly)).toBeGreaterThan(f(neither));
    expect(f(typeOnly)).toBeLessThan(f(exact));
    // A dotted type name matches by its last segment; a longer name is not the same type.
    expect(fidelity({ ...exact.validation, matched_signature: 'numpy.IndexError: list index out of range' }, SIGNALS)).toBe(1);
    expect(
      fidelity({ ...exact.validation, matched_signature: 'MyIndexError: x' }, { ...NO_SIGNALS, exception_types: ['IndexError'] }),
    ).toBe(0);
    // Exit codes: the share of matched runs that exited as the issue says.
    const exit2 = cand('w4', { runs: [run({ exit_code: 2 }), run({ exit_code: 2 }), run({ exit_code: 2 })] });
    expect(f(exit2)).toBeCloseTo(0.85, 5);
    // Without any signal in the issue fidelity is neutral for everyone.
    expect(fidelity(exact.validation, NO_SIGNALS)).toBe(0.5);
    const scored = scoreCandidates([neither, exact], { signals: SIGNALS, minMatches: 2 });
    expect(scored[0]?.worker_id).toBe('w1');
  });

  test('agreement: two workers with the same failure agree; a third does not', () => {
    const scored = scoreCandidates(
      [
        cand('w1', { signature: 'IndexError: list index out of range', frames: ['statsmini/core.py:14 (median)'] }),
        cand('w2', { signature: 'IndexError:  list index out of range ', frames: ['statsmini/core.py:14 (median)'] }),
        cand('w3', { signature: 'ZeroDivisionError: division by zero', frames: ['statsmini/core.py:30 (mean)'] }),
      ],
      { signals: NO_SIGNALS, minMatches: 2 },
    );
    const by = Object.fromEntries(scored.map((s) => [s.worker_id, s]));
    expect(by.w1?.score_parts.agreement).toBe(0.5);
    expect(by.w2?.score_parts.agreement).toBe(0.5);
    expect(by.w3?.score_parts.agreement).toBe(0);
    expect(by.w1!.score).toBeGreaterThan(by.w3!.score);
  });

  test('agreement by repository frames even when signatures differ in wording', () => {
    const frames = ['statsmini/core.py:14 (median)', 'statsmini/api.py:3 (median)'];
    const scored = scoreCandidates(
      [cand('w1', { signature: 'IndexError: list index out of range', frames }), cand('w2', { signature: 'IndexError', frames })],
      opts,
    );
    expect(scored.every((s) => s.score_parts.agreement === 1)).toBe(true);
  });

  test('ineligible candidates do not count as agreeing and carry precise reasons', () => {
    const scored = scoreCandidates(
      [
        cand('w1'),
        cand('w2', { matches: 1, total: 3, passed: false }),
        cand('w3', {
          matches: 0,
          runs: [
            run({ matched: false, failure_line: 'SyntaxError: invalid syntax', exit_code: 1 }),
            run({ matched: false, failure_line: 'SyntaxError: invalid syntax' }),
            run({ matched: false, failure_line: 'SyntaxError: invalid syntax' }),
          ],
        }),
        cand('w4', {
          setup_ok: false,
          matches: 0,
          total: 0,
          runs: [run({ matched: false, reason: 'pip install -e . exited 1: No module named setuptools' })],
        }),
        cand('w5', {
          matches: 0,
          runs: [
            run({ matched: false, failure_line: null, exit_code: 0 }),
            run({ matched: false, failure_line: null, exit_code: 0 }),
            run({ matched: false, failure_line: null, exit_code: 0 }),
          ],
        }),
        cand('w6', {
          matches: 0,
          runs: [
            run({ matched: false, failure_line: null, timed_out: true, exit_code: null }),
            run({ matched: false, failure_line: null, timed_out: true, exit_code: null }),
            run({ matched: false, failure_line: null, timed_out: true, exit_code: null }),
          ],
        }),
        cand('w7', { matches: 0, total: 0, runs: [] }),
      ],
      opts,
    );
    const by = Object.fromEntries(scored.map((s) => [s.worker_id, s]));
    expect(by.w1).toMatchObject({ eligible: true, rejection_reason: null });
    expect(by.w1?.score_parts.agreement).toBe(0);
    expect(by.w2).toMatchObject({ eligible: false, score: 0, rejection_reason: '1 of 3 runs matched; need 2' });
    expect(by.w3?.rejection_reason).toBe('no run matched: final exception was SyntaxError: invalid syntax');
    expect(by.w4?.rejection_reason).toBe('setup failed: pip install -e . exited 1: No module named setuptools');
    expect(by.w5?.rejection_reason).toBe('no run matched: the oracle exited 0 (no failure)');
    expect(by.w6?.rejection_reason).toBe('no run matched: all 3 runs timed out');
    expect(by.w7?.rejection_reason).toBe('not validated: no run was executed');
    expect(scored[0]?.worker_id).toBe('w1');
    expect(scored.slice(1).every((s) => !s.eligible)).toBe(true);
  });

  test('validation.passed=false with enough matches is still ineligible', () => {
    const [s] = scoreCandidates([cand('w1', { matches: 3, passed: false })], opts);
    expect(s).toMatchObject({ eligible: false, rejection_reason: 'validation did not pass (3 of 3 runs matched)' });
    expect(chooseCandidate([s!])).toBeNull();
  });

  test('ties break on fewer lines, then worker id in natural order', () => {
    const same = (w: string, lines: number) => cand(w, { lines });
    // Equal scores are only possible with equal sizes; fewer lines wins across the size part anyway.
    const bySize = scoreCandidates([same('w1', 12), same('w2', 4)], opts);
    expect(bySize.map((s) => s.worker_id)).toEqual(['w2', 'w1']);
    const tie = scoreCandidates([same('w10', 4), same('w2', 4), same('w3', 4)], opts);
    expect(tie.map((s) => s.score)).toEqual([tie[0]!.score, tie[0]!.score, tie[0]!.score]);
    expect(tie.map((s) => s.worker_id)).toEqual(['w2', 'w3', 'w10']);
    expect(chooseCandidate([...tie].reverse())?.worker_id).toBe('w2');
  });

  test('size prefers small scripts: 1 / (1 + lines / 40)', () => {
    const [s] = scoreCandidates([cand('w1', { lines: 40 })], opts);
    expect(s?.score_parts.size).toBe(0.5);
    expect(s?.lines).toBe(40);
  });

  test('untrusted numbers are clamped', () => {
    const weird = cand('w1');
    weird.validation = { ...weird.validation, total_runs: 3, matches: 99 };
    const nan = cand('w2');
    nan.validation = { ...nan.validation, total_runs: Number.NaN, matches: Number.NaN };
    const scored = scoreCandidates([weird, nan], opts);
    const by = Object.fromEntries(scored.map((s) => [s.worker_id, s]));
    expect(by.w1?.score_parts.determinism).toBe(1);
    expect(by.w2).toMatchObject({ eligible: false, rejection_reason: 'not validated: no run was executed' });
    for (const s of scored) expect(Number.isFinite(s.score)).toBe(true);
  });

  test('chooseCandidate returns null when nothing is eligible', () => {
    expect(chooseCandidate(scoreCandidates([cand('w1', { matches: 0 })], opts))).toBeNull();
    expect(chooseCandidate([])).toBeNull();
  });
});

describe('helpers', () => {
  test('normalizeSignature blanks incidental detail', () => {
    expect(normalizeSignature("KeyError: 'a' at 0x7f3a")).toBe(normalizeSignature('KeyError:  "b" at 0x10'));
    expect(normalizeSignature('IndexError: 3')).toBe(normalizeSignature('indexerror: 4'));
    expect(normalizeSignature(null)).toBe('');
  });

  test('compareWorkerIds is natural', () => {
    expect(['w10', 'w2', 'w1', 'manager'].sort(compareWorkerIds)).toEqual(['manager', 'w1', 'w2', 'w10']);
  });
});
