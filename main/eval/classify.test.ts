// Oracle classification and candidate patch validation (pure), and the fixer's prompt.
import { describe, expect, it } from 'vitest';
import { classifyOracle, validatePatch } from './classify';
import { buildFixPrompt } from './fixPrompt';

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
