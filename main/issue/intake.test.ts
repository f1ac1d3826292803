import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IssueSpec } from '../../common/artifacts';
import { buildConfig, type Config } from '../config/config';
import { startGithubFake, type GithubFake } from '../../testkit/githubFake';
import { intakeIssue, NO_SIGNAL_REASON, normalizeIssue } from './intake';
import { IssueError } from './issueError';
import type { RawIssue } from './rawIssue';

const TRACEBACK =
  'Traceback (most recent call last):\n  File "x.py", line 1, in <module>\nValueError: kernel cannot be empty\n\nThe script exits with code 1.';
const raw = (over: Partial<RawIssue> = {}): RawIssue => ({
  title: ' convolve fails ',
  body: TRACEBACK,
  labels: ['bug', { name: 'bug' }, { name: 'numpy' }, { name: null }],
  html_url: 'https://github.com/numpy/numpy/issues/1',
  number: 1,
  state: 'open',
  pull_request: false,
  ...over,
});

describe('normalizeIssue', () => {
  it('builds an ok IssueSpec with the flat signal list in order', () => {
    const ref = { owner: 'numpy', repo: 'numpy', number: 1, url: 'https://github.com/numpy/numpy/issues/1' };
    const spec = normalizeIssue(raw(), 'github', ref.url, ref, new Date('2025-01-02T03:04:05Z'));
    expect(IssueSpec.parse(spec)).toEqual(spec);
    expect(spec).toMatchObject({
      source: 'github',
      issue_url: ref.url,
      repo: { owner: 'numpy', name: 'numpy' },
      number: 1,
      title: 'convolve fails',
      labels: ['bug', 'numpy'],
      status: 'ok',
      reason: null,
      target_paths: ['x.py'],
      fetched_at: '2025-01-02T03:04:05.000Z',
    });
    expect(spec.expected_failure_signals).toEqual([
      'ValueError: kernel cannot be empty',
      'ValueError',
      'kernel cannot be empty',
      'exit code 1',
    ]);
  });

  it('marks an issue without a machine-testable signal needs-human', () => {
    const spec = normalizeIssue(raw({ title: 'Add dark mode', body: null, labels: [] }), 'text', null, null);
    expect(spec).toMatchObject({
      status: 'needs-human',
      reason: NO_SIGNAL_REASON,
      body: '',
      expected_failure_signals: [],
      repo: null,
    });
    expect(spec.issue_url).toBe('https://github.com/numpy/numpy/issues/1');
  });
});

describe('intakeIssue', () => {
  let dir: string;
  let fake: GithubFake | null = null;
  let config: Config;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mminions-intake-'));
    fake = await startGithubFake({
      issues: {
        'numpy/numpy#7': {
          number: 7,
          title: 'convolve',
          body: TRACEBACK,
          labels: [{ name: 'bug' }],
          html_url: 'https://github.com/numpy/numpy/issues/7',
          state: 'open',
          pull_request: {},
        },
      },
    });
    config = buildConfig({ github: { api_url: fake.url } }, { file: null, env: {}, cwd: dir, overrides: {} });
  });
  afterEach(async () => {
    await fake?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('fetches a GitHub issue with the token from the environment', async () => {
    const notes: string[] = [];
    const spec = await intakeIssue({
      issue: { url: 'https://github.com/numpy/numpy/issues/7#top' },
      config,
      env: { GITHUB_TOKEN: 'abc', PATH: '' },
      onNote: (n) => notes.push(n),
    });
    expect(spec).toMatchObject({
      source: 'github',
      issue_url: 'https://github.com/numpy/numpy/issues/7',
      number: 7,
      labels: ['bug'],
      status: 'ok',
    });
    expect(fake!.requests[0]!.headers.authorization).toBe('Bearer abc');
    expect(notes).toEqual(['https://github.com/numpy/numpy/issues/7 is a pull request; its description is used as the issue']);
  });

  it('passes fetch errors through', async () => {
    const err = await intakeIssue({ issue: { url: 'https://github.com/numpy/numpy/issues/8' }, config, env: { PATH: '' } }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(IssueError);
    expect((err as IssueError).kind).toBe('not-found');
  });

  it("drops an issue file's html_url that is not a GitHub issue URL (it would be shown as a link)", async () => {
    for (const bad of ['https://evil.example/phish', 'javascript:alert(1)', 'https://github.com/a/b/pull/3x']) {
      const p = join(dir, 'bad-link.json');
      await writeFile(p, JSON.stringify({ title: 'x', body: 'AssertionError', html_url: bad }));
      const spec = await intakeIssue({ issue: { file: p }, config });
      expect(spec).toMatchObject({ source: 'file', issue_url: null, repo: null, number: null });
    }
  });

  it('reads an issue file, keeping where a saved GitHub issue came from', async () => {
    const p = join(dir, 'issue.json');
    await writeFile(p, JSON.stringify({ title: 'x', body: 'AssertionError', html_url: 'https://github.com/a/b/issues/3' }));
    const spec = await intakeIssue({ issue: { file: p }, config });
    expect(spec).toMatchObject({
      source: 'file',
      repo: { owner: 'a', name: 'b' },
      number: 3,
      status: 'ok',
      issue_url: 'https://github.com/a/b/issues/3',
    });
    expect(spec.signals.exception_types).toEqual(['AssertionError']);
  });

  it('takes pasted text', async () => {
    const spec = await intakeIssue({ issue: { text: '# it crashes\nSegmentation fault' }, config });
    expect(spec).toMatchObject({
      source: 'text',
      title: 'it crashes',
      issue_url: null,
      expected_failure_signals: ['exit code 139'],
    });
  });

  it('wants exactly one source', async () => {
    for (const issue of [{}, { url: 'https://github.com/a/b/issues/1', text: 'x' }, { text: '  ' }]) {
      const err = await intakeIssue({ issue, config }).catch((e: unknown) => e);
      expect((err as IssueError).kind).toBe('bad-input');
      expect((err as IssueError).message).toMatch(/exactly one issue source/);
    }
  });

  it('rejects an Enterprise URL unless github.api_url points at that host', async () => {
    const err = await intakeIssue({ issue: { url: 'https://ghe.example.com/a/b/issues/1' }, config, env: { PATH: '' } }).catch(
      (e: unknown) => e,
    );
    expect((err as IssueError).kind).toBe('bad-url');
    const host = new URL(fake!.url).host;
    fake!.setIssue('a/b#1', { title: 'ghe', body: 'exit code 3', number: 1 });
    const spec = await intakeIssue({ issue: { url: `${fake!.url}/a/b/issues/1` }, config, env: { PATH: '' } });
    expect(spec).toMatchObject({ issue_url: `http://${host}/a/b/issues/1`, signals: { exit_codes: [3] } });
  });
});
