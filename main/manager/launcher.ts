// Starts a run's manager inside tmux session codorch-<run_id>-manager (used by `mminions run` and POST /api/runs).
import { watch } from 'node:fs';
import { access } from 'node:fs/promises';
import { dirname, basename } from 'node:path';
import { shellJoin } from '../process/shellQuote';
import type { Config } from '../config/config';
import { readJson, RunStore, writeJsonAtomic, type RunPaths } from '../runs/runStore';
import { sessionName, type Tmux } from '../tmux/tmux';
import { type IssueInput, RunRequest } from '../../common/runRequest';

export interface LaunchResult {
  run_id: string;
  run_done: string;
  manager_session: string;
}

/** Environment a manager needs from its launcher (tmux sessions start from the server's environment). */
const FORWARDED_ENV = [
  'PATH',
  'HOME',
  'USER',
  'LANG',
  'LC_ALL',
  'TMPDIR',
  'MMINIONS_CLI',
  'GITHUB_TOKEN',
  'GH_TOKEN',
  'CODEX_HOME',
  'OPENAI_API_KEY',
  'UV_CACHE_DIR',
];

/** The request a launcher makes of a configuration and an issue (`run_id` is filled when the run folder exists). */
export function makeRunRequest(config: Config, issue: IssueInput, launchedBy: RunRequest['launched_by']): RunRequest {
  return RunRequest.parse({
    version: 1,
    run_id: '',
    issue,
    config,
    created_at: new Date().toISOString(),
    launched_by: launchedBy,
  });
}

/** Where a run's request is kept. */
export function requestPath(paths: RunPaths): string {
  return `${paths.metaDir}/request.json`;
}

/** The request a launcher wrote for this run (a clear error when there is none or it is damaged). */
export async function readRunRequest(paths: RunPaths): Promise<RunRequest> {
  const req = await readJson(requestPath(paths), RunRequest);
  if (!req)
    throw new Error(
      `${requestPath(paths)} does not exist: this run was not started by a launcher (give the issue and settings as flags)`,
    );
  return req;
}

/** The manager's argv: where to find its run and its request, nothing else. */
export function managerArgs(request: RunRequest): string[] {
  return ['manager', '--run-id', request.run_id, '--runs-root', request.config.manager.runs_root];
}

/**
 * Creates the run folder, writes the request once (meta/request.json) and starts the manager in
 * tmux session codorch-<run_id>-manager; the manager reads its request from there.
 */
export async function launchManager(o: {
  request: RunRequest;
  tmux: Tmux;
  runId?: string;
  selfCommand: string[];
  cwd?: string;
}): Promise<LaunchResult & { paths: RunPaths }> {
  const store = new RunStore(o.request.config.manager.runs_root);
  const { runId, paths } = await store.create(o.runId ?? (o.request.run_id || undefined));
  const request: RunRequest = { ...o.request, run_id: runId };
  await writeJsonAtomic(requestPath(paths), request);
  const session = sessionName(runId, 'manager');
  const argv = [...o.selfCommand, ...managerArgs(request)];
  // Exit codes 0 and 2 are decisions (recorded in the run); anything else is a crash, whose
  // message stays readable in the pane for a while. Then the session ends: newSession sets
  // remain-on-exit, which would otherwise keep a dead manager pane forever. (`tmux` in a pane
  // reaches its own server through $TMUX.)
  const command = `${shellJoin(argv)}; code=$?; echo "[mminions] manager exited with $code"; if [ $code -gt 2 ]; then sleep 600; fi; tmux kill-session -t ${shellJoin([`=${session}`])} 2>/dev/null`;
  const env: Record<string, string> = {};
  for (const k of FORWARDED_ENV) if (process.env[k] !== undefined) env[k] = process.env[k]!;
  await o.tmux.newSession({ name: session, cwd: o.cwd ?? process.cwd(), command, env, width: 200, height: 50 });
  return { run_id: runId, run_done: paths.runDone, manager_session: session, paths };
}

/** Resolves when run_done.json exists (watched, with a poll fallback); rejects if the manager vanished without it. */
export async function waitForRunDone(
  paths: RunPaths,
  tmux: Tmux,
  session: string,
  opts: { timeoutMs?: number } = {},
): Promise<void> {
  const exists = () =>
    access(paths.runDone).then(
      () => true,
      () => false,
    );
  const end = Date.now() + (opts.timeoutMs ?? Infinity);
  let wake: () => void = () => undefined;
  const watcher = watch(dirname(paths.runDone), (_e, name) => {
    if (name === basename(paths.runDone)) wake();
  });
  try {
    let missingSince: number | null = null;
    for (;;) {
      if (await exists()) return;
      if (Date.now() > end) throw new Error(`the run did not finish within ${opts.timeoutMs} ms`);
      if (!(await tmux.hasSession(session))) {
        missingSince ??= Date.now();
        // A short grace: run_done.json may land just after the session ends.
        if (Date.now() - missingSince > 2000)
          throw new Error(`the manager session ${session} ended without writing ${paths.runDone}`);
      }
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, 1000);
      });
    }
  } finally {
    watcher.close();
  }
}
