// The new-run form: its fields, client-side validation (shown beside each field), and the request it makes.
import { StartRunRequest } from '../../../common/api';
import type { ConfigDefaults, NewRunRequest } from '../api/types';

export type IssueMode = 'url' | 'text';

export interface NewRunForm {
  issueMode: IssueMode;
  issueUrl: string;
  issueText: string;
  repoPath: string;
  workers: string;
  fixWorkers: string;
  timeoutSec: string;
  workerModel: string;
  managerModel: string;
}

export type FieldName = Exclude<keyof NewRunForm, 'issueMode'>;
export type FieldErrors = Partial<Record<FieldName, string>>;

export function formFromDefaults(d: ConfigDefaults | null): NewRunForm {
  return {
    issueMode: 'url',
    issueUrl: '',
    issueText: '',
    repoPath: d?.repo_path ?? '',
    workers: String(d?.workers ?? 2),
    fixWorkers: String(d?.fix_workers ?? 2),
    timeoutSec: String(d?.timeout_sec ?? 300),
    workerModel: d?.worker_model ?? '',
    managerModel: d?.manager_model ?? '',
  };
}

/** The fields in the order the form shows them (the first with a problem gets the focus). */
export const FIELD_ORDER: FieldName[] = [
  'issueUrl',
  'issueText',
  'repoPath',
  'workers',
  'fixWorkers',
  'timeoutSec',
  'workerModel',
  'managerModel',
];

/** The first field (in the form's order) with a problem, or null. */
export function firstInvalid(errors: FieldErrors): FieldName | null {
  return FIELD_ORDER.find((f) => errors[f]) ?? null;
}

/** The API's field of each form field (POST /api/runs). */
const API_FIELDS: Record<string, FieldName> = {
  issue_url: 'issueUrl',
  issue_text: 'issueText',
  issue_file: 'issueText',
  repo_path: 'repoPath',
  workers: 'workers',
  fix_workers: 'fixWorkers',
  timeout_sec: 'timeoutSec',
  worker_model: 'workerModel',
  manager_model: 'managerModel',
};

/** What the person typed as a number, or the text itself (so that the schema says what is wrong with it). */
const numberOrText = (raw: string): number | string => (/^-?\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw.trim()) : raw.trim());

/** A schema message without the field name it starts with (the form shows it beside the field). */
const bare = (field: string, message: string) => (field ? message.replace(new RegExp(`^${field}: `), '') : message);

/**
 * The form checked with the API's own schema (common/api.ts StartRunRequest): the same rules and
 * limits as the server, each problem beside its field; the request when there is none.
 */
export function validateNewRun(f: NewRunForm): { errors: FieldErrors; request: NewRunRequest | null } {
  const opt = (v: string) => (v.trim() ? v.trim() : undefined);
  const body = {
    ...(f.issueMode === 'url' ? { issue_url: opt(f.issueUrl) } : { issue_text: opt(f.issueText) }),
    repo_path: f.repoPath.trim(),
    workers: numberOrText(f.workers),
    fix_workers: numberOrText(f.fixWorkers),
    timeout_sec: numberOrText(f.timeoutSec),
    worker_model: opt(f.workerModel),
    manager_model: opt(f.managerModel),
  };
  const parsed = StartRunRequest.safeParse(body);
  if (parsed.success) return { errors: {}, request: parsed.data };
  const issues = parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
  return { errors: errorsByField(issues, f.issueMode), request: null };
}

/** Problems by form field, from issues with API field paths (what the schema and the server's 400 give). */
export function errorsByField(issues: Array<{ path: string; message: string }>, mode: IssueMode): FieldErrors {
  const errors: FieldErrors = {};
  for (const i of issues) {
    const key = i.path.split('.')[0] ?? '';
    const field = API_FIELDS[key] ?? (/issue source/.test(i.message) ? (mode === 'url' ? 'issueUrl' : 'issueText') : null);
    if (field && !errors[field]) errors[field] = bare(key, i.message);
  }
  return errors;
}

/** A server 400's problems by form field (its `issues` details, each with the API field's path). */
export function fieldErrorsOfServer(details: Record<string, unknown>, mode: IssueMode): FieldErrors {
  const issues = Array.isArray(details.issues)
    ? details.issues.filter(
        (i): i is { path: string; message: string } => !!i && typeof i.path === 'string' && typeof i.message === 'string',
      )
    : [];
  return errorsByField(issues, mode);
}
