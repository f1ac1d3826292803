// Fetches one issue from the GitHub REST API, turning every failure into an IssueError a person can act on.
import { IssueError } from './issueError';
import { rawIssueFromJson, type RawIssue } from './rawIssue';

export interface FetchIssueOptions {
  apiUrl: string;
  token?: string | null;
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
  now?: () => Date;
}

type IssueLocator = { owner: string; repo: string; number: number };

const MAX_RESPONSE_CHARS = 10 * 1024 * 1024;

export async function fetchGithubIssue(ref: IssueLocator, opts: FetchIssueOptions): Promise<RawIssue> {
  const { apiUrl, token, timeoutMs = 15_000, fetchImpl = fetch, now = () => new Date() } = opts;
  const name = `${ref.owner}/${ref.repo}#${ref.number}`;
  const url = `${apiUrl.replace(/\/+$/, '')}/repos/${encodeURIComponent(ref.owner)}/${encodeURIComponent(ref.repo)}/issues/${ref.number}`;
  const headers: Record<string, string> = {
    Accept: 'application/vnd.github+json',
    'User-Agent': 'mminions',
    'X-GitHub-Api-Version': '2022-11-28',
  };
  if (token) headers.Authorization = `Bearer ${token}`;

  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let status: number;
  let text: string;
  let res: Response;
  try {
    res = await fetchImpl(url, { headers, signal: controller.signal, redirect: 'follow' });
    status = res.status;
    text = await res.text();
  } catch (err) {
    if (controller.signal.aborted) {
      throw new IssueError(
        'timeout',
        `GitHub API did not answer within ${formatSeconds(timeoutMs)} (${url}); check the network or github.api_url, then retry`,
      );
    }
    throw new IssueError(
      'network',
      `could not reach the GitHub API at ${url}: ${describeNetworkError(err)}; check the network or github.api_url`,
    );
  } finally {
    clearTimeout(timer);
  }

  if (status >= 200 && status < 300) {
    if (text.length > MAX_RESPONSE_CHARS)
      throw new IssueError('bad-response', `GitHub API answer for ${name} is too large (${text.length} characters)`, status);
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      throw new IssueError(
        'bad-response',
        `GitHub API answered ${url} with something that is not JSON (${contentSnippet(text)}); is github.api_url the API base (https://api.github.com or https://<host>/api/v3)?`,
        status,
      );
    }
    return rawIssueFromJson(data, `GitHub API answer for ${name}`);
  }
  throw httpError(status, res.headers, text, { name, url, sentToken: Boolean(token), now: now() });
}

/** Maps a non-2xx answer to the IssueError that says what happened and what to do. Pure. */
export function httpError(
  status: number,
  headers: Headers,
  text: string,
  ctx: { name: string; url: string; sentToken: boolean; now: Date },
): IssueError {
  const ghMessage = githubMessage(text);
  const said = ghMessage ? ` (GitHub said: ${ghMessage})` : '';
  const remaining = headers.get('x-ratelimit-remaining');
  if ((status === 403 || status === 429) && (remaining === '0' || status === 429)) {
    const reset = Number(headers.get('x-ratelimit-reset'));
    const retryAfter = Number(headers.get('retry-after'));
    const when =
      Number.isFinite(reset) && reset > 0
        ? describeReset(reset, ctx.now)
        : Number.isFinite(retryAfter) && retryAfter > 0
          ? `retry after ${retryAfter} s`
          : 'the reset time was not given';
    const tokenHint = ctx.sentToken ? 'wait for the reset' : 'set GITHUB_TOKEN for a higher limit, or wait for the reset';
    return new IssueError(
      'rate-limited',
      `GitHub API rate limit exceeded fetching ${ctx.name}; ${when}. ${tokenHint}${said}`,
      status,
    );
  }
  if (status === 404) {
    const hint = ctx.sentToken
      ? 'check the URL, and that the token can read this repository'
      : 'check the URL; if the repository is private, set GITHUB_TOKEN to a token that can read it';
    return new IssueError('not-found', `issue ${ctx.name} not found (it does not exist or is private): ${hint}`, status);
  }
  if (status === 401) {
    const msg = ctx.sentToken
      ? `GitHub rejected the token (401${ghMessage ? ` ${ghMessage}` : ''}) fetching ${ctx.name}; check GITHUB_TOKEN / GH_TOKEN or run \`gh auth login\``
      : `GitHub API requires authentication (401) fetching ${ctx.name}; set GITHUB_TOKEN`;
    return new IssueError('unauthorized', msg, status);
  }
  if (status === 403) {
    return new IssueError(
      'forbidden',
      `GitHub refused access to ${ctx.name} (403)${said}; check that the token has read access to issues of this repository`,
      status,
    );
  }
  if (status === 410)
    return new IssueError('not-found', `issue ${ctx.name} was deleted or issues are disabled (410)${said}`, status);
  return new IssueError(
    'http',
    `GitHub API answered ${status} for ${ctx.url}${said}; retry later or check github.api_url`,
    status,
  );
}

/** "resets at 2025-01-01T10:00:00Z (in 12 min)". Pure. */
export function describeReset(resetEpochSec: number, now: Date): string {
  const at = new Date(resetEpochSec * 1000);
  const mins = Math.max(0, Math.ceil((at.getTime() - now.getTime()) / 60_000));
  return `it resets at ${at.toISOString().replace(/\.\d{3}Z$/, 'Z')} (in ${mins} min)`;
}

function githubMessage(text: string): string | null {
  try {
    const m = (JSON.parse(text) as { message?: unknown }).message;
    return typeof m === 'string' && m ? m.slice(0, 300) : null;
  } catch {
    return null;
  }
}

function contentSnippet(text: string): string {
  const t = text.trim().replace(/\s+/g, ' ');
  return t ? `starts with ${JSON.stringify(t.slice(0, 60))}` : 'empty body';
}

function describeNetworkError(err: unknown): string {
  const e = err as { message?: string; cause?: { code?: string; message?: string } };
  const cause = e.cause?.code ?? e.cause?.message;
  return [e.message ?? String(err), cause].filter(Boolean).join(': ');
}

function formatSeconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}
