// Parses GitHub issue URLs (github.com, or an explicitly allowed GitHub Enterprise host) into an IssueRef.
import { IssueError } from './issueError';

export interface IssueRef {
  owner: string;
  repo: string;
  number: number;
  /** Canonical form: https://<host>/<owner>/<repo>/issues/<number>. */
  url: string;
}

export interface ParseIssueUrlOptions {
  /** Extra hosts (GitHub Enterprise), e.g. "ghe.example.com" or "ghe.example.com:8443". */
  allowedHosts?: readonly string[];
}

const GITHUB_HOSTS = ['github.com', 'www.github.com'];
const EXPECTED = 'expected https://github.com/<owner>/<repo>/issues/<number>';
const MAX_URL = 2_000;
// Split by hand instead of `new URL`: URL normalizes "a/../b" away, which would hide path traversal.
const URL_SHAPE = /^(https?):\/\/([^/?#\s]+)(\/[^?#\s]*)?(\?[^#\s]*)?(#\S*)?$/i;
const OWNER = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,38}$/;
const REPO = /^[A-Za-z0-9_.-]{1,100}$/;
const NUMBER = /^[1-9][0-9]{0,9}$/;

function bad(input: string, why: string): IssueError {
  const shown = input.length > 200 ? `${input.slice(0, 200)}...` : input;
  return new IssueError('bad-url', `not a GitHub issue URL: ${JSON.stringify(shown)} (${why}); ${EXPECTED}`);
}

function validName(name: string, pattern: RegExp): boolean {
  return pattern.test(name) && name !== '.' && name !== '..' && !name.includes('..');
}

export function parseIssueUrl(url: string, opts: ParseIssueUrlOptions = {}): IssueRef {
  const input = typeof url === 'string' ? url.trim() : '';
  if (!input) throw new IssueError('bad-url', `no issue URL given; ${EXPECTED}`);
  if (input.length > MAX_URL) throw bad(input, 'too long');
  const m = URL_SHAPE.exec(input);
  if (!m) throw bad(input, 'only http(s) URLs are accepted');
  const scheme = (m[1] ?? 'https').toLowerCase();
  const authority = (m[2] ?? '').toLowerCase();
  if (authority.includes('@')) throw bad(input, 'credentials in the URL are not accepted');
  const host = authority.replace(scheme === 'https' ? /:443$/ : /:80$/, '');
  const allowed = [...GITHUB_HOSTS, ...(opts.allowedHosts ?? []).map((h) => h.toLowerCase())];
  if (!allowed.includes(host)) {
    const hint = opts.allowedHosts?.length
      ? `allowed hosts: github.com, ${opts.allowedHosts.join(', ')}`
      : 'for GitHub Enterprise set github.api_url in mminions.toml';
    throw bad(input, `host ${authority} is not github.com; ${hint}`);
  }
  const segments = (m[3] ?? '').split('/').slice(1);
  if (segments.length > 0 && segments[segments.length - 1] === '') segments.pop();
  const [owner = '', repo = '', kind = '', num = ''] = segments;
  if (segments.length === 4 && kind === 'pull') throw bad(input, 'that is a pull request URL, not an issue');
  if (segments.length !== 4 || kind !== 'issues') throw bad(input, 'the path must be /<owner>/<repo>/issues/<number>');
  if (!validName(owner, OWNER))
    throw bad(input, `invalid owner ${JSON.stringify(owner)}: letters, digits, "-", "_" and "." only`);
  if (!validName(repo, REPO))
    throw bad(input, `invalid repository ${JSON.stringify(repo)}: letters, digits, "-", "_" and "." only`);
  if (!NUMBER.test(num)) throw bad(input, `issue number ${JSON.stringify(num)} is not a positive integer`);
  const isGithub = GITHUB_HOSTS.includes(host);
  const origin = isGithub ? 'https://github.com' : `${scheme}://${host}`;
  return { owner, repo, number: Number(num), url: `${origin}/${owner}/${repo}/issues/${num}` };
}

/** The issue-URL host that goes with an API base URL: none extra for api.github.com, else the API's own host. */
export function allowedHostsForApi(apiUrl: string): string[] {
  let host: string;
  try {
    host = new URL(apiUrl).host.toLowerCase();
  } catch {
    return [];
  }
  return host === 'api.github.com' ? [] : [host];
}
