// Oracle classification and candidate patch validation (pure), and the fixer's prompt.
import { describe, expect, it } from 'vitest';
import { classifyOracle, classifyPatchedRepro, isRaiseStatement, validatePatch } from './outcome';
import { buildFixPrompt } from '../eval/fixPrompt';

const oracle = {
  bug_present: { output_matches: '^ValueError: kernel cannot be empty$', exit_code: 0 },
  fixed: { output_matches: '^ValueError: signal cannot be empty$', exit_code: 0 },
};

describe('classifyOracle', () => {
  it('recognizes the bug and the fix by output and exit code', () => {
    expect(classifyOracle(oracle, { exitCode: 0, output: 'x\nValueError: kernel cannot be empty\n' }).classification).toBe(
      'bug_present',
    );
    expect(classifyOracle(oracle, { exitCode: 0, output: 'ValueError: signal cannot be empty\n' }).classification).toBe('fixed');
    // Every condition must hold: right text, wrong exit code.
    expect(classifyOracle(oracle, { exitCode: 1, output: 'ValueError: signal cannot be empty\n' }).classification).toBe(
      'unclassified',
    );
  });

  it('says when both matchers match: the spec cannot tell bug from fix', () => {
    const v = classifyOracle({ bug_present: { exit_code: 0 }, fixed: { exit_code: 0 } }, { exitCode: 0, output: '' });
    expect(v.classification).toBe('unclassified');
    expect(v.note).toMatch(/both/);
  });

  it('calls an oracle that could not run an error', () => {
    expect(classifyOracle(oracle, { exitCode: 127, output: 'sh: 1: nope: not found\n' })).toEqual({
      classification: 'error',
      note: 'the oracle command could not run (exit 127: sh: 1: nope: not found)',
    });
    expect(classifyOracle(oracle, { exitCode: null, output: '', timedOut: true }).classification).toBe('error');
    expect(classifyOracle(oracle, { exitCode: null, output: '', spawnError: 'ENOENT' }).classification).toBe('error');
  });
});

describe('validatePatch', () => {
  const expected = ['statsmini/core.py'];
  it('accepts a patch touching an expected file', () => {
    const v = validatePatch(
      'diff --git a/statsmini/core.py b/statsmini/core.py\n',
      ['statsmini/core.py', 'tests/test_core.py'],
      expected,
    );
    expect(v).toMatchObject({
      accepted: true,
      reasons: [],
      expected_files_touched: ['statsmini/core.py'],
      files_touched: ['statsmini/core.py', 'tests/test_core.py'],
    });
  });
  it('rejects an empty patch', () => {
    expect(validatePatch('', [], expected)).toMatchObject({
      accepted: false,
      reasons: ['empty patch: the agent changed no file'],
      bytes: 0,
    });
  });
  it('rejects a patch that touches none of the expected files', () => {
    const v = validatePatch('diff --git a/README.md b/README.md\n', ['README.md'], expected);
    expect(v.accepted).toBe(false);
    expect(v.reasons[0]).toMatch(/touches none of the expected files \(statsmini\/core\.py\); it touches README\.md/);
  });
  it('treats an expected path ending in / as a folder', () => {
    expect(validatePatch('x', ['numpy/_core/numeric.py'], ['numpy/_core/']).accepted).toBe(true);
    expect(validatePatch('x', ['numpy/_corex.py'], ['numpy/_core/']).accepted).toBe(false);
  });
});

describe('buildFixPrompt', () => {
  it('starts with the ROLE and WORKER lines a scripted model matches, then the issue and the task', () => {
    const p = buildFixPrompt({
      issue_url: 'https://example.invalid/issues/1',
      fix_prompt: 'Fix convolve.\n',
      expected_files: ['a.py'],
    });
    expect(p).toMatch(/^ROLE: FIXER\nWORKER: eval\n\nIssue: https:\/\/example\.invalid\/issues\/1\n\nFix convolve\.\n/);
    expect(p).toContain('Leave your changes uncommitted');
  });
});

describe('a repro run with a patch (classifyPatchedRepro)', () => {
  const run = {
    exitCode: 1,
    timedOut: false,
    matched: false,
    failureLine: 'ValueError: signal cannot be empty',
    raise: 'none' as const,
  };
  it('is fixed when it exits 0 or raises on purpose in the repository, not with the issue failure', () => {
    expect(classifyPatchedRepro({ ...run, exitCode: 0, failureLine: null }).classification).toBe('fixed');
    const v = classifyPatchedRepro({ ...run, raise: 'deliberate' });
    expect(v).toEqual({ classification: 'fixed', note: expect.stringContaining('ValueError: signal cannot be empty') });
  });
  it("still shows the bug when the issue's failure matched, whatever else", () => {
    expect(classifyPatchedRepro({ ...run, matched: true, raise: 'deliberate' }).classification).toBe('bug_present');
  });
  it('is no fix when it crashes otherwise, fails outside the repository, or does not finish', () => {
    expect(classifyPatchedRepro({ ...run, raise: 'crash', failureLine: "AttributeError: 'NoneType'" })).toEqual({
      classification: 'unclassified',
      note: expect.stringContaining('crashes in the repository'),
    });
    expect(classifyPatchedRepro({ ...run, raise: 'outside', failureLine: 'AssertionError' }).note).toContain(
      'fails outside the repository',
    );
    expect(classifyPatchedRepro({ ...run, timedOut: true, exitCode: null }).classification).toBe('error');
    expect(classifyPatchedRepro({ ...run, spawnError: 'ENOENT' }).classification).toBe('error');
  });
  it('recognizes raise and throw statements', () => {
    expect(isRaiseStatement('        raise ValueError("signal cannot be empty")')).toBe(true);
    expect(isRaiseStatement('    throw new TypeError(`text must be a string`);')).toBe(true);
    expect(isRaiseStatement('  if (!ok) throw new RangeError("x")')).toBe(true);
    expect(isRaiseStatement('    return data[mid]')).toBe(false);
    expect(isRaiseStatement('    # we raise elsewhere')).toBe(false);
  });
});
