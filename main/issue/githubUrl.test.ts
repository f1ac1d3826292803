import { describe, expect, it } from 'vitest';
import { allowedHostsForApi, parseIssueUrl } from './githubUrl';
import { IssueError } from './issueError';

function badUrl(url: string, opts = {}): IssueError {
  try {
    parseIssueUrl(url, opts);
  } catch (err) {
    expect(err).toBeInstanceOf(IssueError);
    expect((err as IssueError).kind).toBe('bad-url');
    return err as IssueError;
  }
  throw new Error(`accepted ${url}`);
}

describe('parseIssueUrl', () => {
  it.each([
    'https://github.com/numpy/numpy/issues/30272',
    'http://github.com/numpy/numpy/issues/30272',
    'https://www.github.com/numpy/numpy/issues/30272',
    'https://github.com/numpy/numpy/issues/30272/',
    'https://github.com/numpy/numpy/issues/30272#issuecomment-1',
    'https://github.com/numpy/numpy/issues/30272?q=1',
    'https://github.com/numpy/numpy/issues/30272/?q=1#top',
    '  https://GitHub.com/numpy/numpy/issues/30272  ',
  ])('accepts %s', (url) => {
    expect(parseIssueUrl(url)).toEqual({
      owner: 'numpy',
      repo: 'numpy',
      number: 30272,
      url: 'https://github.com/numpy/numpy/issues/30272',
    });
  });

  it('keeps owner and repo names with dots, dashes and underscores', () => {
    const ref = parseIssueUrl('https://github.com/my-org_1/.github.io/issues/7');
    expect(ref).toMatchObject({ owner: 'my-org_1', repo: '.github.io', number: 7 });
  });

  it.each([
    ['https://github.com/numpy/numpy/pull/30272', /pull request/],
    ['https://github.com/numpy/numpy/issues', /\/<owner>\/<repo>\/issues\/<number>/],
    ['https://github.com/numpy/numpy/issues/', /\/<owner>\/<repo>\/issues\/<number>/],
    ['https://github.com/numpy/numpy/issues/abc', /not a positive integer/],
    ['https://github.com/numpy/numpy/issues/0', /not a positive integer/],
    ['https://github.com/numpy/numpy/issues/-3', /not a positive integer/],
    ['https://github.com/numpy/numpy/issues/1.5', /not a positive integer/],
    ['https://gitlab.com/numpy/numpy/issues/1', /not github\.com/],
    ['https://github.com.evil.example/numpy/numpy/issues/1', /not github\.com/],
    ['javascript:alert(1)//github.com/a/b/issues/1', /http\(s\)/],
    ['ftp://github.com/a/b/issues/1', /http\(s\)/],
    ['github.com/a/b/issues/1', /http\(s\)/],
    ['https://github.com/../etc/issues/1', /invalid owner/],
    ['https://github.com/a/../b/c/issues/1', /path must be/],
    ['https://github.com/%2e%2e/b/issues/1', /invalid owner/],
    ['https://github.com/a/b%2Fc/issues/1', /invalid repository/],
    ['https://github.com/a/../issues/1', /invalid repository/],
    ['https://user:pw@github.com/a/b/issues/1', /credentials/],
    ['https://github.com/a/b/issues/1/comments', /path must be/],
  ])('rejects %s', (url, why) => {
    const err = badUrl(url);
    expect(err.message).toMatch(why);
    expect(err.message).toContain('expected https://github.com/<owner>/<repo>/issues/<number>');
  });

  it('rejects empty input with a message saying what is expected', () => {
    expect(badUrl('').message).toMatch(/no issue URL given; expected https:\/\/github\.com/);
    expect(badUrl('   ').kind).toBe('bad-url');
  });

  it('accepts a GitHub Enterprise host only when allowed', () => {
    const url = 'https://ghe.example.com/team/tool/issues/12';
    expect(badUrl(url).message).toMatch(/github\.api_url/);
    expect(parseIssueUrl(url, { allowedHosts: ['GHE.example.com'] })).toEqual({ owner: 'team', repo: 'tool', number: 12, url });
    expect(parseIssueUrl('http://127.0.0.1:8080/a/b/issues/3', { allowedHosts: ['127.0.0.1:8080'] }).url).toBe(
      'http://127.0.0.1:8080/a/b/issues/3',
    );
  });

  it('derives the allowed host from the API URL', () => {
    expect(allowedHostsForApi('https://api.github.com')).toEqual([]);
    expect(allowedHostsForApi('https://ghe.example.com/api/v3')).toEqual(['ghe.example.com']);
    expect(allowedHostsForApi('not a url')).toEqual([]);
  });
});
