// The Python prototype's run status object (CLI `status` and GET /api/runs/<id>/status) built from disk and tmux.
import type { z } from 'zod';
import type { RunListItem, RunState, RunStatusResponse, WorkerStatusView } from '../../common/api';
import { Decision, IssueSpec, RunDone, SessionsFile, type WorkerRecord } from '../../common/artifacts';
import { sessionName, type Tmux, trustedSessionName } from '../tmux/tmux';
import { ArtifactCache } from './artifactCache';
import { isSameProcess, pidAlive } from '../process/groups';
import { readLock } from './runLock';
import { type RunStore, RunStoreError } from './runStore';

/** The shapes are the API's (common/api.ts), so the CLI, the server and the dashboard agree. */
export type { RunListItem, RunState, WorkerStatusView };
export type RunStatusView = RunStatusResponse;

/** What the launcher's pane prints when the manager process has ended (main/manager/launcher.ts). */
const MANAGER_EXITED = /\[mminions\] manager exited with \d+/;

export function clampLines(n: unknown, fallback = 120): number {
  const v = typeof n === 'string' && /^\d+$/.test(n) ? Number(n) : typeof n === 'number' ? n : fallback;
  return Math.min(500, Math.max(10, Math.floor(Number.isFinite(v) ? v : fallback)));
}

export function summarize(workers: Array<Pick<WorkerRecord, 'status'>>): RunStatusView['summary'] {
  const s = { total: workers.length, active: 0, finished: 0, failed: 0, timeout: 0, unknown: 0, stopped: 0 };
  for (const w of workers) {
    if (w.status === 'running' || w.status === 'pending') s.active++;
    else if (w.status === 'finished') s.finished++;
    else if (w.status === 'failed') s.failed++;
    else if (w.status === 'timeout') s.timeout++;
    else if (w.status === 'stopped') s.stopped++;
    else s.unknown++;
  }
  return s;
}

export class RunStatusReader {
  readonly cache = new ArtifactCache();

  constructor(
    readonly store: RunStore,
    readonly tmux: Tmux,
  ) {}

  private async artifacts(runId: string) {
    const p = this.store.paths(runId);
    const safe = async <S extends z.ZodType>(path: string, schema: S) => {
      try {
        return await this.cache.read(path, schema);
      } catch (err) {
        if (err instanceof RunStoreError) return null; // a damaged artifact must not hide the run
        throw err;
      }
    };
    const [sessions, decision, runDone, issue] = await Promise.all([
      safe(p.sessions, SessionsFile),
      safe(p.decision, Decision.partial().passthrough()),
      safe(p.runDone, RunDone.partial().passthrough()),
      safe(p.issue, IssueSpec.partial().passthrough()),
    ]);
    return { sessions, decision, runDone, issue };
  }

  /**
   * done/stopped once run_done.json exists; running while the manager holding the run's lock is
   * alive (same pid and start time); crashed when that manager is gone without a decision, or the
   * manager's pane says it exited; unknown before any manager took the run.
   */
  private state(
    runId: string,
    a: Awaited<ReturnType<RunStatusReader['artifacts']>>,
    managerExists: boolean,
    managerTail: string,
  ): RunState {
    if (a.runDone) return a.runDone.status === 'stopped' ? 'stopped' : 'done';
    const lock = readLock(this.store.dir(runId));
    if (lock) return isSameProcess(lock) ? 'running' : 'crashed';
    if (MANAGER_EXITED.test(managerTail)) return 'crashed';
    if (managerExists || pidAlive(a.sessions?.manager.pid)) return 'running';
    return a.sessions ? 'crashed' : 'unknown';
  }

  /**
   * The run's status. Liveness and pane tails come from ONE tmux process in the usual case
   * (`Tmux.snapshot`: the listing and every capture as one command sequence), never from a cache,
   * so a session that appears or ends shows in the next request. `live`: a listing the caller
   * already has (then only the captures are asked for).
   */
  async status(runId: string, lines = 120, live?: Set<string>): Promise<RunStatusView> {
    if (!(await this.store.exists(runId))) throw new RunStoreError(`no run ${runId} in ${this.store.root}`, 'not-found');
    const a = await this.artifacts(runId);
    const managerName = sessionName(runId, 'manager');
    // Session names are derived, never taken from the file (see trustedSessionName).
    const workers = (a.sessions?.workers ?? [])
      .filter((w) => /^w[1-9]\d{0,2}$/.test(w.worker_id))
      .map((w) => ({ ...w, session_name: trustedSessionName(runId, w.worker_id, w.session_name) }));
    // The sessions most likely to exist first: tmux stops the sequence at the first that does not.
    const busy = (w: WorkerRecord) => w.status === 'running' || w.status === 'pending';
    const names =
      lines <= 0
        ? []
        : [
            managerName,
            ...workers.filter(busy).map((w) => w.session_name),
            ...workers.filter((w) => !busy(w)).map((w) => w.session_name),
          ];
    const snap = live
      ? await this.tmux
          .snapshot(
            names.filter((n) => live.has(n)),
            lines,
          )
          .then((s) => ({ sessions: live, panes: s.panes }))
      : await this.tmux.snapshot(names, lines);
    const sessions = snap.sessions;
    const managerExists = sessions.has(managerName);
    const tail = (name: string) => (sessions.has(name) ? (snap.panes.get(name) ?? '') : '');
    const managerTail = tail(managerName);
    const workerTails = workers.map((w) => tail(w.session_name));
    return {
      run_id: runId,
      run_state: this.state(runId, a, managerExists, managerTail),
      manager: {
        session_name: managerName,
        session_exists: managerExists,
        pane_tail: managerTail ?? '',
        issue_url: a.sessions?.manager.issue_url ?? a.issue?.issue_url ?? null,
      },
      workers: workers.map((w, i) => ({
        worker_id: w.worker_id,
        role: w.role,
        status: w.status,
        session_name: w.session_name,
        session_exists: sessions.has(w.session_name),
        worktree_path: w.worktree_path,
        output_path: w.output_path,
        script_path: w.script_path,
        pane_tail: workerTails[i] ?? '',
        phase: w.phase,
        invocation: w.invocation,
        attempts: w.attempts,
        started_at: w.started_at,
        finished_at: w.finished_at,
        detail: w.detail,
      })),
      summary: summarize(workers),
      decision: (a.decision as RunStatusView['decision'] | null) ?? { status: 'running' },
      run_done: (a.runDone as Record<string, unknown> | null) ?? {},
    };
  }

  /** One line per run for lists (oldest first, the Python prototype's order), with one tmux call for all runs, made while the artifacts are read. */
  async list(): Promise<RunListItem[]> {
    const listing = this.tmux.listSessions();
    listing.catch(() => undefined); // awaited below; never an unhandled rejection if the disk fails first
    const ids = await this.store.list();
    const all = await Promise.all(ids.map((id) => this.artifacts(id)));
    const sessions = await listing;
    const items = ids.map((id, i): RunListItem => {
      const a = all[i]!;
      const managerName = sessionName(id, 'manager');
      return {
        run_id: id,
        run_state: this.state(id, a, sessions.has(managerName), ''),
        issue_title: a.issue?.title ?? null,
        issue_url: a.issue?.issue_url ?? a.sessions?.manager.issue_url ?? null,
        started_at: a.sessions?.started_at ?? null,
        decision_status: a.decision?.status ?? (a.runDone ? String(a.runDone.status) : 'running'),
      };
    });
    return items;
  }
}
