// The new-run form: its fields, client-side validation (shown beside each field), and the request it makes.
import type { ConfigDefaults, NewRunRequest } from '../api/types';

export type IssueMode = 'url' | 'text';

export interface NewRunForm {
  issueMode: IssueMode;
  issueUrl: string;
  issueText: string;
  repoPath: string;
  workers: string;
  timeoutSec: string;
  workerModel: string;
  managerModel: string;
}

export type FieldName = Exclude<keyof NewRunForm, 'issueMode'>;
export type FieldErrors = Partial<Record<FieldName, string>>;

export const MAX_ISSUE_TEXT = 200_000;

export function formFromDefaults(d: ConfigDefaults | null): NewRunForm {
  return {
    issueMode: 'url',
    issueUrl: '',
    issueText: '',
    repoPath: d?.repo_path ?? '',
    workers: String(d?.workers ?? 2),
    timeoutSec: String(d?.timeout_sec ?? 300),
    workerModel: d?.worker_model ?? '',
    managerModel: d?.manager_model ?? '',
  };
}

const ISSUE_URL = /^https?:\/\/[^/\s?#]+\/[^/\s?#]+\/[^/\s?#]+\/issues\/[1-9]\d*\/?$/i;
const ABSOLUTE_PATH = /^(\/|[A-Za-z]:[\\/]|\\\\)/;
const MODEL = /^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,199}$/;

function intIn(raw: string, lo: number, hi: number): number | null {
  const t = raw.trim();
  if (!/^\d+$/.test(t)) return null;
  const n = Number(t);
  return n >= lo && n <= hi ? n : null;
}

export function validateNewRun(f: NewRunForm): { errors: FieldErrors; request: NewRunRequest | null } {
  const errors: FieldErrors = {};
  const issueUrl = f.issueUrl.trim();
  const issueText = f.issueText.trim();
  if (f.issueMode === 'url') {
    if (!issueUrl) errors.issueUrl = 'Paste the URL of a GitHub issue, e.g. https://github.com/owner/repo/issues/123.';
    else if (!ISSUE_URL.test(issueUrl))
      errors.issueUrl = 'This is not an issue URL: expected https://github.com/<owner>/<repo>/issues/<number>.';
  } else if (!issueText) errors.issueText = 'Paste the issue text: what fails, and the error it prints.';
  else if (issueText.length > MAX_ISSUE_TEXT)
    errors.issueText = `The issue text is too long (${issueText.length} characters; at most ${MAX_ISSUE_TEXT}).`;

  const repoPath = f.repoPath.trim();
  if (!repoPath) errors.repoPath = 'Give the path of the repository (a git checkout) to work on.';
  else if (!ABSOLUTE_PATH.test(repoPath)) errors.repoPath = 'Use an absolute path, e.g. /home/you/src/project.';

  const workers = intIn(f.workers, 1, 6);
  if (workers === null) errors.workers = 'Workers must be a whole number from 1 to 6.';
  const timeout = intIn(f.timeoutSec, 60, 7 * 24 * 3600);
  if (timeout === null) errors.timeoutSec = 'The timeout must be a whole number of seconds, at least 60.';
  const workerModel = f.workerModel.trim();
  if (workerModel && !MODEL.test(workerModel)) errors.workerModel = 'A model name has no spaces (e.g. gpt-5.2-codex).';
  const managerModel = f.managerModel.trim();
  if (managerModel && !MODEL.test(managerModel)) errors.managerModel = 'A model name has no spaces (e.g. gpt-5).';

  if (Object.keys(errors).length > 0) return { errors, request: null };
  const request: NewRunRequest = {
    ...(f.issueMode === 'url' ? { issue_url: issueUrl } : { issue_text: issueText }),
    repo_path: repoPath,
    workers: workers!,
    timeout_sec: timeout!,
    ...(workerModel ? { worker_model: workerModel } : {}),
    ...(managerModel ? { manager_model: managerModel } : {}),
  };
  return { errors, request };
}

const SERVER_FIELDS: Record<string, FieldName> = {
  issue_url: 'issueUrl',
  issue_text: 'issueText',
  issue_file: 'issueText',
  repo_path: 'repoPath',
  workers: 'workers',
  timeout_sec: 'timeoutSec',
  worker_model: 'workerModel',
  manager_model: 'managerModel',
};

/** Which form field a server error is about: its `field` detail, or the API field its message starts with. */
export function fieldOfServerError(message: string, details: Record<string, unknown>, mode: IssueMode): FieldName | null {
  const named = typeof details.field === 'string' ? details.field : null;
  const key =
    named ??
    Object.keys(SERVER_FIELDS).find(
      (k) => message.startsWith(`${k}`) || message.includes(` ${k} `) || message.includes(`${k}:`),
    ) ??
    null;
  if (key && SERVER_FIELDS[key]) return SERVER_FIELDS[key];
  if (/issue|github/i.test(message)) return mode === 'url' ? 'issueUrl' : 'issueText';
  if (/repositor|repo_path|git work tree/i.test(message)) return 'repoPath';
  return null;
}
