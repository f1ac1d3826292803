// Starts a run's manager inside tmux session codorch-<run_id>-manager (used by `mminions run` and POST /api/runs).
import { watch } from 'node:fs';
import { access, writeFile } from 'node:fs/promises';
import { dirname, basename } from 'node:path';
import { shellJoin } from '../process/shellQuote';
import type { Config } from '../config/config';
import { RunStore, writeJsonAtomic, type RunPaths } from '../runs/runStore';
import { sessionName, type Tmux } from '../tmux/tmux';
import { configWarningsPath } from './decision';

export interface IssueSource {
  url?: string;
  file?: string;
  text?: string;
}

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
  'MMINIONS_CONFIG',
  'MMINIONS_GITHUB_API_URL',
  'MMINIONS_CLI',
  'GITHUB_TOKEN',
  'GH_TOKEN',
  'CODEX_HOME',
  'OPENAI_API_KEY',
  'UV_CACHE_DIR',
];

export function managerArgs(config: Config, runId: string, issue: { url?: string; file?: string }): string[] {
  const m = config.manager;
  const args = ['manager', '--run-id', runId];
  if (issue.url) args.push('--issue-url', issue.url);
  if (issue.file) args.push('--issue-file', issue.file);
  if (config.meta.file) args.push('--config', config.meta.file);
  args.push(
    '--repo-path',
    m.repo_path,
    '--runs-root',
    m.runs_root,
    '--workers',
    String(m.workers),
    '--timeout-sec',
    String(m.timeout_sec),
    '--poll-interval-sec',
    String(m.poll_interval_sec),
    '--repro-validation-runs',
    String(m.repro_validation_runs),
    '--repro-min-matches',
    String(m.repro_min_matches),
    '--validation-python-version',
    m.validation_python_version,
    '--worker-model',
    m.worker_model,
    '--manager-model',
    m.manager_model,
    '--stall-sec',
    String(m.stall_sec),
  );
  if (config.tmux.socket) args.push('--tmux-socket', config.tmux.socket);
  return args;
}

export async function launchManager(o: {
  config: Config;
  tmux: Tmux;
  issue: IssueSource;
  runId?: string;
  selfCommand: string[];
  cwd?: string;
}): Promise<LaunchResult & { paths: RunPaths }> {
  const sources = [o.issue.url, o.issue.file, o.issue.text].filter((s) => s !== undefined && s !== '');
  if (sources.length !== 1) throw new Error('give exactly one issue source: an issue URL, an issue file or the issue text');
  const store = new RunStore(o.config.manager.runs_root);
  const { runId, paths } = await store.create(o.runId);
  let file = o.issue.file;
  if (o.issue.text !== undefined && o.issue.text !== '') {
    file = `${paths.metaDir}/issue.md`;
    await writeFile(file, o.issue.text);
  }
  // The manager gets the clamped values as flags, so it cannot see what was clamped: tell it here.
  if (o.config.meta.warnings.length) await writeJsonAtomic(configWarningsPath(paths), o.config.meta.warnings);
  const session = sessionName(runId, 'manager');
  const argv = [...o.selfCommand, ...managerArgs(o.config, runId, { url: o.issue.url, file })];
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
