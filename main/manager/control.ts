// Controlling a run from outside its manager: stop it, type into a worker, find its sessions.
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { StopResponse } from '../../common/api';
import { IssueSpec, RunDone, SessionsFile } from '../../common/artifacts';
import { isRunWorktree, Worktrees } from '../git/worktrees';
import { join } from 'node:path';
import { endProcessesIn, isSameProcess } from '../process/groups';
import { ProcessTracker } from '../process/tracker';
import { askManager, ControlTimeout, type ControlResponse } from '../runs/controlChannel';
import { liveManager } from '../runs/runLock';
import { readJson, type RunStore, RunStoreError, writeJsonAtomic } from '../runs/runStore';
import { isRunSession, sessionName, type Tmux } from '../tmux/tmux';
import { emptyDecision, metaPath, RunMeta, writeDecision } from './decision';
import { renderFinalReport } from './report';

export class RunControlError extends Error {
  constructor(
    message: string,
    readonly kind: 'not-found' | 'no-session' | 'bad-worker' | 'refused' | 'bad-request' | 'no-answer',
  ) {
    super(message);
    this.name = 'RunControlError';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Signals a process that may exit at any moment (then there is nothing to do). */
function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

async function requireRun(store: RunStore, runId: string) {
  if (!(await store.exists(runId))) throw new RunControlError(`no run ${runId} in ${store.root}`, 'not-found');
  return store.paths(runId);
}

/** The tmux session of `worker` ("manager" or a worker id) in this run. */
export async function workerSession(store: RunStore, runId: string, worker: string): Promise<string> {
  const paths = await requireRun(store, runId);
  if (worker === 'manager') return sessionName(runId, 'manager');
  const sessions = await readJson(paths.sessions, SessionsFile).catch(() => null);
  const rec = sessions?.workers.find((w) => w.worker_id === worker);
  if (!rec) {
    const known = sessions?.workers.map((w) => w.worker_id).join(', ') || 'none yet';
    throw new RunControlError(
      `run ${runId} has no worker ${JSON.stringify(worker)} (workers: ${known}; or "manager")`,
      'bad-worker',
    );
  }
  // Never the name as recorded: sessions.json is a file on disk, and a run must only ever reach its own sessions.
  return sessionName(runId, worker);
}

/**
 * Sends a line to a run: to a worker, it is a follow-up its agent answers as a new turn (the running
 * turn is interrupted, or the ended worker resumed, while its phase runs); to the manager, one of its
 * commands (skip, extend <seconds>, status). The run's manager decides and answers (through the run's
 * control folder): nothing is typed into a pane, and nothing is said delivered that was not.
 */
export async function sendToWorker(
  store: RunStore,
  runId: string,
  worker: string,
  text: string,
): Promise<{ delivered: 'followup' | 'command'; message: string }> {
  const paths = await requireRun(store, runId);
  if (worker !== 'manager') await workerSession(store, runId, worker); // an unknown worker is named as such
  if (!liveManager(paths.dir)) {
    throw new RunControlError(
      `run ${runId} is not running: its manager has ended${existsSync(paths.runDone) ? ' (the run is over)' : ''}, so nothing can be delivered`,
      'no-session',
    );
  }
  let res: ControlResponse;
  try {
    res = await askManager(paths.dir, { worker, text });
  } catch (err) {
    if (err instanceof ControlTimeout) throw new RunControlError(`run ${runId}: ${err.message}`, 'no-answer');
    throw err;
  }
  if (res.ok) return { delivered: res.delivered, message: res.message };
  const kind = res.status === 400 ? 'bad-request' : res.status === 404 ? 'bad-worker' : 'refused';
  throw new RunControlError(res.error, kind);
}

/**
 * Stops a run: asks its manager to stop (SIGTERM) and waits for it to record `stopped`, then makes
 * sure every session of the run is gone and every worktree removed, and records `stopped` itself
 * if the manager could not.
 */
export async function stopRun(
  store: RunStore,
  tmux: Tmux,
  runId: string,
  opts: { graceMs?: number } = {},
): Promise<StopResponse> {
  const paths = await requireRun(store, runId);
  const done = await readJson(paths.runDone, RunDone.partial().passthrough()).catch(() => null);
  const alreadyDone = done !== null || existsSync(paths.runDone);
  const meta = await readJson(metaPath(paths), RunMeta).catch(() => null);
  // Only a process proven to be this run's manager is signalled: the one holding the run's lock
  // (pid and start time), never whatever now runs under a recorded pid.
  const manager = liveManager(paths.dir);
  if (!alreadyDone && manager) {
    signal(manager.pid, 'SIGTERM');
    const end = Date.now() + (opts.graceMs ?? 20_000);
    while (Date.now() < end && isSameProcess(manager)) await sleep(100);
    if (isSameProcess(manager)) signal(manager.pid, 'SIGKILL');
  }
  // What the manager started outside tmux and may have left behind (it was killed): end it, by its
  // records, and whatever still works in one of the run's worktrees.
  await ProcessTracker.endAll(join(paths.metaDir, 'processes'));
  // (Not the tmux server, which other runs share: its command line can name one of this run's worktrees.)
  if (meta) endProcessesIn(meta.worktree_root, (name) => isRunWorktree(name, runId), [await tmux.serverPid().catch(() => null)]);
  const live = await tmux.listSessions();
  await tmux.killSessions([...live].filter((s) => isRunSession(s, runId)));
  if (meta) {
    try {
      const wts = await Worktrees.open(meta.repo_path, meta.worktree_root);
      const ours = (await wts.list()).filter((w) => isRunWorktree(w.path, runId));
      await wts.removeMany(ours.map((w) => w.path));
    } catch {
      // The repository may be gone; nothing left to clean there.
    }
  }
  await rm(paths.scratchDir, { recursive: true, force: true }).catch(() => undefined);
  if (!existsSync(paths.runDone)) {
    // The manager is gone without a record (it crashed, was killed, or never got the signal):
    // record what it would have — its workers stopped, the decision, final.md — from what is on disk.
    const now = new Date().toISOString();
    // Read again: the manager may have recorded more before it died.
    const latest = await readJson(paths.sessions, SessionsFile).catch(() => null);
    if (latest) {
      for (const w of latest.workers)
        if (w.status === 'running' || w.status === 'pending') Object.assign(w, { status: 'stopped', finished_at: now });
      await writeJsonAtomic(paths.sessions, { ...latest, updated_at: now }).catch(() => undefined);
    }
    const d = emptyDecision('stopped', 'Stopped by request before the run finished.', {
      worker_model: meta?.worker_model ?? 'unknown',
      manager_model: meta?.manager_model ?? 'unknown',
    });
    const issue = await readJson(paths.issue, IssueSpec).catch(() => null);
    const report = renderFinalReport({
      runId,
      runDir: paths.dir,
      decision: d,
      issue,
      candidates: [],
      minimalScript: null,
      hypotheses: null,
    });
    await writeDecision(runId, paths, d, report);
  }
  return alreadyDone
    ? { run_id: runId, status: 'stopped', already_finished: String(done?.status ?? 'unknown') }
    : { run_id: runId, status: 'stopped' };
}

export { RunStoreError };
