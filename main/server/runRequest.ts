// Turns a POST /api/runs body into the launcher's inputs: the run's configuration and its issue source (pure).
import type { StartRunRequest } from '../../common/api';
import { clampManager, type Config } from '../config/config';
import type { IssueInput } from '../../common/runRequest';

/** The server's configuration with the request's choices (the runs root and tmux socket stay the server's). */
export function runConfig(base: Config, body: StartRunRequest): Config {
  const warnings: string[] = [];
  const manager = clampManager(
    {
      ...base.manager,
      repo_path: body.repo_path,
      ...(body.workers !== undefined ? { workers: body.workers } : {}),
      ...(body.fix_workers !== undefined ? { fix_workers: body.fix_workers } : {}),
      ...(body.timeout_sec !== undefined ? { timeout_sec: body.timeout_sec } : {}),
      ...(body.worker_model !== undefined ? { worker_model: body.worker_model } : {}),
      ...(body.manager_model !== undefined ? { manager_model: body.manager_model } : {}),
    },
    warnings,
  );
  // The server's own warnings, but not about a value this request replaced.
  const replaced = (['workers', 'fix_workers', 'timeout_sec'] as const).filter((k) => body[k] !== undefined);
  const kept = base.meta.warnings.filter((w) => !replaced.some((k) => w.startsWith(`manager.${k} `)));
  return { ...base, manager, meta: { ...base.meta, warnings: [...kept, ...warnings] } };
}

export function issueSource(body: StartRunRequest): IssueInput {
  if (body.issue_url !== undefined) return { url: body.issue_url };
  if (body.issue_file !== undefined) return { file: body.issue_file };
  return { text: body.issue_text };
}
