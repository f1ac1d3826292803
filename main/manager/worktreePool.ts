// The run's worktrees: made ahead of need, handed out once, removed in the background, all gone at the end.
import { resolveCommit, type Worktree, type WorktreeUse, Worktrees, worktreeName } from '../git/worktrees';

/**
 * Worktrees of one run at its commit. `prepare` starts checkouts a coming phase will need (git I/O
 * off the run's critical path); `acquire` hands out a prepared one or makes it; `release` removes it
 * in the background (after `after`, e.g. the end of the session using it); `drain` waits for every
 * creation, removes what is left and waits for every removal — nothing is left behind.
 */
export class WorktreePool {
  /** The repository and its commit, looked up once (a failure shows in preflight too). */
  readonly ready: Promise<{ wts: Worktrees; commit: string }>;
  private readonly prepared = new Map<string, Promise<Worktree>>();
  private readonly creating = new Set<Promise<unknown>>();
  private readonly live: Worktree[] = [];
  private readonly removals: Array<Promise<unknown>> = [];
  private wts: Worktrees | null = null;

  constructor(
    readonly runId: string,
    repoPath: string,
    worktreeRoot: string,
  ) {
    this.ready = (async () => {
      const wts = await Worktrees.open(repoPath, worktreeRoot);
      this.wts = wts;
      return { wts, commit: await resolveCommit(wts.repo, 'HEAD') };
    })();
    this.ready.catch(() => undefined);
  }

  private make(name: string): Promise<Worktree> {
    const p = this.ready.then(async ({ wts, commit }) => {
      const w = await wts.create(name, commit);
      this.live.push(w);
      return w;
    });
    this.creating.add(p);
    void p.then(
      () => this.creating.delete(p),
      () => this.creating.delete(p),
    );
    return p;
  }

  /** Starts making these worktrees now; unused ones are removed by drain. */
  prepare(uses: WorktreeUse[]): void {
    for (const use of uses) {
      const name = worktreeName(this.runId, use);
      if (this.prepared.has(name)) continue;
      const p = this.make(name);
      p.catch(() => undefined); // a failure surfaces when the phase acquires it
      this.prepared.set(name, p);
    }
  }

  /** The worktree for this use: the prepared one (handed out once), else a new one. */
  acquire(use: WorktreeUse): Promise<Worktree> {
    const name = worktreeName(this.runId, use);
    const p = this.prepared.get(name);
    this.prepared.delete(name);
    return p ?? this.make(name);
  }

  /** Removes these worktrees in the background, after `after`; drain waits for it. */
  release(items: Worktree[], after: Promise<unknown> = Promise.resolve()): void {
    for (const w of items) {
      const i = this.live.indexOf(w);
      if (i >= 0) this.live.splice(i, 1);
    }
    if (items.length === 0) return;
    this.removals.push(after.then(() => this.wts?.removeMany(items.map((w) => w.path)).catch(() => undefined)));
  }

  /** The live worktrees of these uses (e.g. a phase's workers, to release them). */
  find(uses: WorktreeUse[]): Worktree[] {
    const names = new Set(uses.map((u) => `mminions-${worktreeName(this.runId, u)}`));
    return this.live.filter((w) => names.has(w.path.split('/').pop() ?? ''));
  }

  /** Waits for every creation, removes every worktree still here, waits for every removal. */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.creating]);
    this.prepared.clear();
    await Promise.all(this.removals.splice(0));
    this.release([...this.live]);
    await Promise.all(this.removals.splice(0));
  }
}
