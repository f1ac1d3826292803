import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startGithubFake, type GithubFake } from '../../testkit/githubFake';
import { describeReset, fetchGithubIssue } from './fetchIssue';
import { resolveGithubToken } from './githubToken';
import { IssueError } from './issueError';

const ref = { owner: 'numpy', repo: 'numpy', number: 30272 };
const issue = {
  number: 30272,
  title: 'np.convolve crashes on empty kernel',
  body: 'Traceback...\nValueError: kernel cannot be empty',
  labels: [{ name: '00 - Bug', color: 'fff' }, { name: 'component: numpy._core' }],
  html_url: 'https://github.com/numpy/numpy/issues/30272',
  state: 'open',
  user: { login: 'someone' },
};

let fake: GithubFake | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

async function fetchError(p: Promise<unknown>): Promise<IssueError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(IssueError);
  return err as IssueError;
}

describe('fetchGithubIssue', () => {
  it('returns the issue subset, with labels as GitHub sends them, and sends the headers', async () => {
    fake = await startGithubFake({ issues: { 'numpy/numpy#30272': issue } });
    const raw = await fetchGithubIssue(ref, { apiUrl: fake.url, token: 'tok-123' });
    expect(raw).toEqual({
      title: issue.title,
      body: issue.body,
      labels: [{ name: '00 - Bug' }, { name: 'component: numpy._core' }],
      html_url: issue.html_url,
      number: 30272,
      state: 'open',
      pull_request: false,
    });
    expect(fake.requests).toHaveLength(1);
    const req = fake.requests[0]!;
    expect(req.path).toBe('/repos/numpy/numpy/issues/30272');
    expect(req.headers.authorization).toBe('Bearer tok-123');
    expect(req.headers.accept).toBe('application/vnd.github+json');
    expect(req.headers['user-agent']).toBe('mminions');
  });

  it('sends no Authorization header without a token, and notes pull requests', async () => {
    fake = await startGithubFake({ issues: { 'numpy/numpy#30272': { ...issue, body: null, pull_request: { url: 'x' } } } });
    const raw = await fetchGithubIssue(ref, { apiUrl: `${fake.url}/`, token: null });
    expect(fake.requests[0]!.headers.authorization).toBeUndefined();
    expect(raw.body).toBeNull();
    expect(raw.pull_request).toBe(true);
  });

  it('404 says the issue may be private and to set GITHUB_TOKEN', async () => {
    fake = await startGithubFake({ issues: {} });
    const err = await fetchError(fetchGithubIssue(ref, { apiUrl: fake.url }));
    expect(err.kind).toBe('not-found');
    expect(err.status).toBe(404);
    expect(err.message).toContain('numpy/numpy#30272');
    expect(err.message).toMatch(/private.*GITHUB_TOKEN/);
  });

  it('401 for a wrong token, and the right token gets through', async () => {
    fake = await startGithubFake({ issues: { 'numpy/numpy#30272': issue }, requireToken: 'good' });
    const err = await fetchError(fetchGithubIssue(ref, { apiUrl: fake.url, token: 'bad' }));
    expect(err.kind).toBe('unauthorized');
    expect(err.message).toMatch(/rejected the token.*Bad credentials/);
    const missing = await fetchError(fetchGithubIssue(ref, { apiUrl: fake.url }));
    expect(missing.message).toMatch(/requires authentication.*set GITHUB_TOKEN/);
    expect((await fetchGithubIssue(ref, { apiUrl: fake.url, token: 'good' })).title).toBe(issue.title);
  });

  it('rate limiting names the reset time', async () => {
    const reset = 1_900_000_000;
    fake = await startGithubFake({ issues: { 'numpy/numpy#30272': issue }, rateLimited: true, rateLimitReset: reset });
    const err = await fetchError(fetchGithubIssue(ref, { apiUrl: fake.url, now: () => new Date((reset - 600) * 1000) }));
    expect(err.kind).toBe('rate-limited');
    expect(err.message).toContain(new Date(reset * 1000).toISOString().replace('.000Z', 'Z'));
    expect(err.message).toContain('in 10 min');
    expect(err.message).toContain('set GITHUB_TOKEN');
  });

  it('times out against a slow server', async () => {
    fake = await startGithubFake({ issues: { 'numpy/numpy#30272': issue }, delayMs: 5_000 });
    const err = await fetchError(fetchGithubIssue(ref, { apiUrl: fake.url, timeoutMs: 200 }));
    expect(err.kind).toBe('timeout');
    expect(err.message).toMatch(/did not answer within 200 ms/);
  });

  it('reports an answer that is not JSON', async () => {
    fake = await startGithubFake({ issues: { 'numpy/numpy#30272': '<html>login page</html>' } });
    const err = await fetchError(fetchGithubIssue(ref, { apiUrl: fake.url }));
    expect(err.kind).toBe('bad-response');
    expect(err.message).toMatch(/not JSON.*<html>login page/);
  });

  it('reports JSON without a title', async () => {
    fake = await startGithubFake({ issues: { 'numpy/numpy#30272': { number: 1 } } });
    expect((await fetchError(fetchGithubIssue(ref, { apiUrl: fake.url }))).kind).toBe('no-title');
  });

  it('reports a network error when nothing listens', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((r) => server.close(() => r()));
    const err = await fetchError(fetchGithubIssue(ref, { apiUrl: `http://127.0.0.1:${port}` }));
    expect(err.kind).toBe('network');
    expect(err.message).toMatch(/could not reach the GitHub API.*ECONNREFUSED/);
  });

  it('describes the reset time', () => {
    expect(describeReset(60, new Date(0))).toBe('it resets at 1970-01-01T00:01:00Z (in 1 min)');
  });
});

describe('resolveGithubToken', () => {
  it('prefers GITHUB_TOKEN, then GH_TOKEN', async () => {
    expect(await resolveGithubToken({ GITHUB_TOKEN: 'a', GH_TOKEN: 'b', PATH: '' })).toBe('a');
    expect(await resolveGithubToken({ GITHUB_TOKEN: '  ', GH_TOKEN: 'b', PATH: '' })).toBe('b');
  });

  it('returns null when there is no token and no gh on PATH', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mminions-token-'));
    try {
      expect(await resolveGithubToken({ PATH: dir })).toBeNull();
      expect(await resolveGithubToken({})).toBeNull();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
