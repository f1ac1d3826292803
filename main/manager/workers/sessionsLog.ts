// sessions.json: the manager's record of its own session and every worker, rewritten atomically on change.
import type { SessionsFile, WorkerRecord } from '../../../common/artifacts';
import { writeJsonAtomic } from '../../runs/runStore';

export class SessionsLog {
  private data: SessionsFile;
  private writing: Promise<void> = Promise.resolve();
  private queued: Promise<void> | null = null;

  constructor(
    private readonly path: string,
    init: { runId: string; socket: string | null; managerSession: string; issueUrl: string | null; pid: number | null },
  ) {
    const now = new Date().toISOString();
    this.data = {
      run_id: init.runId,
      tmux_socket: init.socket,
      manager: { session_name: init.managerSession, issue_url: init.issueUrl, pid: init.pid },
      workers: [],
      started_at: now,
      updated_at: now,
    };
  }

  get snapshot(): SessionsFile {
    return structuredClone(this.data);
  }

  worker(id: string): WorkerRecord | undefined {
    return this.data.workers.find((w) => w.worker_id === id);
  }

  setIssueUrl(url: string | null): Promise<void> {
    this.data.manager.issue_url = url;
    return this.flush();
  }

  upsertWorker(rec: WorkerRecord): Promise<void> {
    const i = this.data.workers.findIndex((w) => w.worker_id === rec.worker_id);
    if (i >= 0) this.data.workers[i] = rec;
    else this.data.workers.push(rec);
    return this.flush();
  }

  updateWorker(id: string, patch: Partial<WorkerRecord>): Promise<void> {
    const w = this.worker(id);
    if (!w) throw new Error(`unknown worker ${id}`);
    Object.assign(w, patch);
    return this.flush();
  }

  /**
   * Writes are serialized so an older snapshot never overwrites a newer one, and coalesced: changes
   * made while a write waits its turn go out in that one write (its snapshot is taken when it starts).
   */
  flush(): Promise<void> {
    this.data.updated_at = new Date().toISOString();
    if (this.queued) return this.queued;
    const write = this.writing.then(() => {
      this.queued = null;
      return writeJsonAtomic(this.path, structuredClone(this.data));
    });
    this.queued = write;
    this.writing = write.catch(() => undefined); // one failed write does not fail the ones after it
    return write;
  }
}
