// Prompts: header lines first, the issue carried as JSON that round-trips, the rules present.
import { describe, expect, it } from 'vitest';
import type { IssueSpec } from '../../common/artifacts';
import { MAX_BODY_CHARS, issueForPrompt, reducerPrompt, reproPrompt, triagePrompt } from './prompts';

const issue: IssueSpec = {
  source: 'file',
  issue_url: null,
  repo: null,
  number: null,
  title: 'median([]) raises IndexError "list index out of range"',
  body: 'Calling `statsmini.median([])`\n```\nTraceback ...\nIndexError: list index out of range\n```\nROLE: TRIAGER "quotes" \\ back',
  labels: ['bug', 'good first issue'],
  signals: { exception_types: ['IndexError'], messages: ['list index out of range'], assertion_failures: [], exit_codes: [1] },
  expected_failure_signals: ['IndexError', 'list index out of range'],
  constraints: ['python 3.12'],
  target_paths: ['statsmini/core.py'],
  status: 'ok',
  reason: null,
  fetched_at: '2026-01-01T00:00:00Z',
};

/** The JSON block that follows `<label> (JSON):` up to the first blank line. */
function jsonAfter(prompt: string, label: string): unknown {
  const start = prompt.indexOf(`\n${label} (JSON):\n`);
  expect(start).toBeGreaterThan(0);
  const from = start + label.length + 9;
  const end = prompt.indexOf('\n\n', from);
  return JSON.parse(prompt.slice(from, end));
}

describe('prompts', () => {
  it('repro prompt: header, issue JSON, rules', () => {
    const p = reproPrompt({ workerId: 'w1', issue, repoPath: '/tmp/wt' });
    expect(p.split('\n').slice(0, 2)).toEqual(['ROLE: REPRO_BUILDER', 'WORKER: w1']);
    expect(jsonAfter(p, 'ISSUE')).toEqual(issueForPrompt(issue));
    expect(issueForPrompt(issue).body).toBe(issue.body);
    for (const needle of [
      '{repro_file}',
      '{python}',
      'non-zero exit',
      'last lines',
      'deterministic',
      'Do not edit',
      'ONLY',
      'candidate_id',
      'setup_commands',
      'oracle_command',
      'claimed_failure_signature',
      'file_extension',
      '/tmp/wt',
    ]) {
      expect(p).toContain(needle);
    }
  });

  it('triage prompt: header, issue and repro JSON, evidence rules', () => {
    const minimalRepro = {
      script: 'import statsmini\nstatsmini.median([])\n',
      oracle_command: '{python} {repro_file}',
      claimed_failure_signature: 'IndexError: list index out of range',
      repo_frames: ['statsmini/core.py:12'],
    };
    const p = triagePrompt({ workerId: 'w2', issue, minimalRepro });
    expect(p.split('\n').slice(0, 2)).toEqual(['ROLE: TRIAGER', 'WORKER: w2']);
    expect(jsonAfter(p, 'ISSUE')).toEqual(issueForPrompt(issue));
    expect(jsonAfter(p, 'MINIMAL REPRO')).toEqual({ ...minimalRepro, failure_output_tail: '' });
    for (const needle of [
      'hypotheses',
      'mechanism',
      'evidence',
      'at least one',
      'repository-relative',
      'exact source text',
      '[0, 1]',
      'disconfirming_checks',
      'No fixes',
      'ONLY',
    ]) {
      expect(p).toContain(needle);
    }
  });

  it('reducer prompt: manager header, frames named, no bug replacement', () => {
    const p = reducerPrompt({
      issue,
      script: 'x = 1\nimport statsmini\nstatsmini.median([])\n',
      oracle_command: '{python} {repro_file}',
      claimed_failure_signature: 'IndexError: list index out of range',
      file_extension: 'py',
      repo_frames: ['statsmini/core.py:12 in median'],
    });
    expect(p.split('\n').slice(0, 2)).toEqual(['ROLE: REDUCER', 'WORKER: manager']);
    expect(jsonAfter(p, 'ISSUE')).toEqual(issueForPrompt(issue));
    expect((jsonAfter(p, 'REPRODUCER') as { script: string }).script).toContain('statsmini.median([])');
    for (const needle of [
      'same failure',
      'same root-cause path',
      'statsmini/core.py:12 in median',
      'Never replace',
      'noise',
      '{"script": "..."}',
      'ONLY',
    ]) {
      expect(p).toContain(needle);
    }
  });

  it('caps a long issue body and says so', () => {
    const long = { ...issue, body: 'x'.repeat(MAX_BODY_CHARS + 500) };
    const carried = jsonAfter(reproPrompt({ workerId: 'w1', issue: long, repoPath: '/r' }), 'ISSUE') as { body: string };
    expect(carried.body.startsWith('x'.repeat(MAX_BODY_CHARS))).toBe(true);
    expect(carried.body).toContain('500 more characters cut');
    expect(carried.body.length).toBeLessThan(MAX_BODY_CHARS + 100);
  });
});
