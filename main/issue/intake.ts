// Issue intake: one source (GitHub URL, file or text) in, a normalized IssueSpec out.
import type { IssueSpec } from '../../common/artifacts';
import { type IssueInput, issueSourceProblem } from '../../common/runRequest';
import type { Config } from '../config/config';
import { fetchGithubIssue } from './fetchIssue';
import { allowedHostsForApi, parseIssueUrl, type IssueRef } from './githubUrl';
import { githubHostForApi, resolveGithubToken } from './githubToken';
import { issueFromText, readIssueFile } from './issueFile';
import { IssueError } from './issueError';
import type { RawIssue } from './rawIssue';
import { extractConstraints, extractSignalDetails, extractTargetPaths, hasTestableSignal } from './signals';

export const NO_SIGNAL_REASON =
  'the issue has no machine-testable failure signal (exception, error message, assertion or exit code)';
// GitHub caps bodies at 65,536 characters; local files get a similar bound so prompts stay sane.
const MAX_BODY_CHARS = 200_000;

export type IssueSource = 'github' | 'file' | 'text';

function labelNames(raw: RawIssue): string[] {
  const names = raw.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? '')).trim()).filter(Boolean);
  return [...new Set(names)];
}

/** Pure: the IssueSpec for a raw issue, with its signals and whether a machine can test it. */
export function normalizeIssue(
  raw: RawIssue,
  source: IssueSource,
  url: string | null,
  ref: IssueRef | null,
  now: Date = new Date(),
): IssueSpec {
  const title = raw.title.trim();
  const fullBody = raw.body ?? '';
  const body =
    fullBody.length > MAX_BODY_CHARS ? `${fullBody.slice(0, MAX_BODY_CHARS)}\n[... body truncated by mminions]` : fullBody;
  const { signals, failure_lines } = extractSignalDetails(title, body);
  const expected = [
    ...failure_lines,
    ...signals.exception_types,
    ...signals.messages,
    ...signals.assertion_failures,
    ...signals.exit_codes.map((c) => `exit code ${c}`),
  ];
  const testable = hasTestableSignal(signals);
  return {
    source,
    issue_url: url ?? ref?.url ?? raw.html_url ?? null,
    repo: ref ? { owner: ref.owner, name: ref.repo } : null,
    number: ref?.number ?? raw.number ?? null,
    title,
    body,
    labels: labelNames(raw),
    signals,
    expected_failure_signals: [...new Set(expected)],
    constraints: extractConstraints(body),
    target_paths: extractTargetPaths(`${title}\n${body}`),
    status: testable ? 'ok' : 'needs-human',
    reason: testable ? null : NO_SIGNAL_REASON,
    fetched_at: now.toISOString(),
  };
}

export interface IntakeOptions {
  issue: IssueInput;
  config: Config;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
  /** Told about things worth a line in the log (e.g. the URL is a pull request). */
  onNote?: (note: string) => void;
}

/** Reads or fetches the issue and normalizes it; the caller writes issue.json. */
export async function intakeIssue(opts: IntakeOptions): Promise<IssueSpec> {
  const problem = issueSourceProblem(opts.issue);
  if (problem) throw new IssueError('bad-input', problem);
  const { url, file, text } = opts.issue;
  const env = opts.env ?? process.env;
  if (url) {
    const apiUrl = opts.config.github.api_url;
    const ref = parseIssueUrl(url, { allowedHosts: allowedHostsForApi(apiUrl) });
    const token = await resolveGithubToken(env, { host: githubHostForApi(apiUrl) });
    const raw = await fetchGithubIssue(ref, { apiUrl, token, timeoutMs: opts.timeoutMs, fetchImpl: opts.fetchImpl });
    if (raw.pull_request) opts.onNote?.(`${ref.url} is a pull request; its description is used as the issue`);
    return normalizeIssue(raw, 'github', ref.url, ref);
  }
  if (file) {
    const raw = await readIssueFile(file);
    // Its link only when it is an issue URL of GitHub (or the configured Enterprise host): the
    // dashboard shows it as a link, and the file may come from anyone.
    const ref = refFromHtmlUrl(raw.html_url, allowedHostsForApi(opts.config.github.api_url));
    return normalizeIssue({ ...raw, html_url: ref?.url ?? null }, 'file', ref?.url ?? null, ref);
  }
  return normalizeIssue(issueFromText(text ?? ''), 'text', null, null);
}

/** A saved GitHub issue JSON still knows where it came from. */
function refFromHtmlUrl(url: string | null, allowedHosts: string[]): IssueRef | null {
  if (!url) return null;
  try {
    return parseIssueUrl(url, { allowedHosts });
  } catch {
    return null;
  }
}
