// Git worktrees: one detached checkout per worker or validation, never the user's own checkout.
import { mkdir, readdir, readFile, realpath, rm, stat } from 'node:fs/promises';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { runGit } from './git';

export class GitError extends Error {
  constructor(
    message: string,
    readonly kind: 'not-a-repo' | 'bad-commit' | 'git-failed',
    readonly stderr = '',
  ) {
    super(message);
    this.name = 'GitError';
  }
}

const FULL_SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** git in `cwd` (a folder, or `--git-dir`/`--work-tree` arguments first); throws a GitError when it fails. */
async function git(cwd: string, args: string[], timeoutMs = 60_000): Promise<string> {
  const res = await runGit(['-C', cwd, ...args], { timeoutMs });
  if (res.exitCode !== 0) {
    const stderr = res.stderr.trim();
    throw new GitError(
      `git ${args.find((a) => !a.startsWith('-')) ?? args[0]} failed in ${cwd}: ${res.timedOut ? 'timed out' : stderr || `exit ${res.exitCode}`}`,
      'git-failed',
      stderr,
    );
  }
  return res.stdout;
}

/** The top of the git work tree containing `path`; a clear error when it is not one. */
export async function repoTopLevel(path: string): Promise<string> {
  if (!isAbsolute(path)) throw new GitError(`repository path must be absolute: ${path}`, 'not-a-repo');
  try {
    if (!(await stat(path)).isDirectory()) throw new GitError(`repository path is not a directory: ${path}`, 'not-a-repo');
  } catch (err) {
    if (err instanceof GitError) throw err;
    throw new GitError(`repository path does not exist: ${path}`, 'not-a-repo');
  }
  const res = await runGit(['-C', path, 'rev-parse', '--show-toplevel'], { timeoutMs: 15_000 });
  if (res.exitCode !== 0)
    throw new GitError(
      `not a git work tree: ${path} (run \`git init\` there or choose the repository's folder)`,
      'not-a-repo',
      String(res.stderr),
    );
  return String(res.stdout).trim();
}

/** The repository's git folder shared by its worktrees (`git rev-parse --git-common-dir`), absolute. */
export async function gitCommonDir(repo: string): Promise<string> {
  return resolve(repo, (await git(repo, ['rev-parse', '--git-common-dir'])).trim());
}

export async function resolveCommit(repo: string, rev = 'HEAD'): Promise<string> {
  if (!/^[A-Za-z0-9_./~^@{}-]{1,200}$/.test(rev) || rev.startsWith('-'))
    throw new GitError(`invalid revision: ${JSON.stringify(rev)}`, 'bad-commit');
  try {
    return (await git(repo, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`])).trim();
  } catch (err) {
    throw new GitError(`unknown commit ${JSON.stringify(rev)} in ${repo}`, 'bad-commit', (err as GitError).stderr);
  }
}

/**
 * What a run uses a worktree for: a worker's own (`w3`), a candidate's validation (`val-w1`), the
 * minimization (`min`), a fix's verification (`verify-<fix>`, issue 15). One name per use.
 */
export type WorktreeUse =
  | { kind: 'worker'; worker: string }
  | { kind: 'validation'; worker: string }
  | { kind: 'minimization' }
  | { kind: 'verification'; label: string };

const USE_SUFFIX = /^(w\d+|val-w\d+|min|verify-[A-Za-z0-9_-]{1,64})$/;

/** The one naming function of a run's worktrees: `<run_id>-<use>` (the folder is `mminions-<that>`). */
export function worktreeName(runId: string, use: WorktreeUse): string {
  switch (use.kind) {
    case 'worker':
      return `${runId}-${use.worker}`;
    case 'validation':
      return `${runId}-val-${use.worker}`;
    case 'minimization':
      return `${runId}-min`;
    case 'verification':
      return `${runId}-verify-${use.label.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64)}`;
  }
}

/**
 * Whether a worktree folder is one of this run's (`mminions-<run_id>-<use>`, see worktreeName); run
 * ids can extend each other (`run-<time>` and `run-<time>-2`), so a prefix test is not enough.
 */
export function isRunWorktree(path: string, runId: string): boolean {
  const name = basename(path);
  const prefix = `mminions-${runId}-`;
  return name.startsWith(prefix) && USE_SUFFIX.test(name.slice(prefix.length));
}

export interface Worktree {
  path: string;
  commit: string;
  repo: string;
  /** Its git admin folder in the repository (not the `.git` file inside it, which what runs there can rewrite). */
  gitDir: string;
}

export class Worktrees {
  private constructor(
    readonly repo: string,
    readonly root: string,
  ) {}

  /** Refuses a path that is not a git work tree. */
  static async open(repoPath: string, worktreeRoot: string): Promise<Worktrees> {
    return new Worktrees(await repoTopLevel(repoPath), resolve(worktreeRoot));
  }

  /** A detached worktree at `commit` (default HEAD) named `mminions-<name>` under the root. */
  async create(name: string, commit = 'HEAD'): Promise<Worktree> {
    if (!/^[A-Za-z0-9._-]{1,200}$/.test(name)) throw new GitError(`invalid worktree name: ${JSON.stringify(name)}`, 'git-failed');
    // A full sha (what the manager passes) needs no lookup: `worktree add` fails clearly on an unknown one.
    const sha = FULL_SHA.test(commit) ? commit : await resolveCommit(this.repo, commit);
    await mkdir(this.root, { recursive: true });
    const path = join(this.root, `mminions-${name}`);
    // A leftover from a crashed run would block `worktree add`: clear it first.
    if (await exists(path)) await this.remove(path);
    // Concurrent `worktree add`s on one repository (two runs) can meet a half-written admin folder
    // of the other ("failed to read .../commondir"): git's own race; a second try succeeds.
    for (let attempt = 1; ; attempt++) {
      try {
        await git(this.repo, ['worktree', 'add', '--detach', '--force', path, sha], 120_000);
        const gitDir = await this.adminDirOf(path).catch(async (err: unknown) => {
          await this.remove(path); // not left behind, registered with git
          throw err;
        });
        return { path, commit: sha, repo: this.repo, gitDir };
      } catch (err) {
        if (
          attempt >= 3 ||
          !/failed to read|could not lock|unable to create|already exists/i.test((err as GitError).stderr ?? '')
        ) {
          throw err;
        }
        await this.remove(path);
        await new Promise((r) => setTimeout(r, 100 * attempt));
      }
    }
  }

  /**
   * The worktree's admin folder, found from the repository's side (`<common dir>/worktrees/*` whose
   * `gitdir` names this worktree), never by asking git inside the worktree: its `.git` file is in a
   * folder others may write (the worktree root), and a planted one would point git at a folder
   * whose config runs filters outside every sandbox.
   */
  private async adminDirOf(path: string): Promise<string> {
    const admin = join(await gitCommonDir(this.repo), 'worktrees');
    const want = new Set([resolve(path, '.git'), join(await realpath(path).catch(() => path), '.git')]);
    for (const name of await readdir(admin).catch(() => [] as string[])) {
      const named = (await readFile(join(admin, name, 'gitdir'), 'utf8').catch(() => '')).trim();
      // (Relative to the admin folder itself with git's worktree.useRelativePaths.)
      if (named && want.has(resolve(admin, name, named))) return join(admin, name);
    }
    throw new GitError(`git made no admin folder for the worktree ${path} (in ${admin})`, 'git-failed');
  }

  /**
   * Removes a worktree (forced) and its folder; quiet when it is already gone. One `git worktree
   * remove` when git knows it; otherwise the folder is deleted and stale records pruned.
   */
  async remove(path: string): Promise<void> {
    const res = await runGit(['-C', this.repo, 'worktree', 'remove', '--force', '--force', path]);
    if (res.exitCode === 0 && !(await exists(path))) return;
    await rm(path, { recursive: true, force: true });
    await this.prune();
  }

  /**
   * Removes several worktrees at once, each with its own `git worktree remove`. No `git worktree
   * prune` unless one was not known to git: a prune racing another run's `worktree add` on the same
   * repository can drop that worktree's record in the instant before git locks it.
   */
  async removeMany(paths: string[]): Promise<void> {
    await Promise.all(paths.map((p) => this.remove(p)));
  }

  async prune(): Promise<void> {
    await runGit(['-C', this.repo, 'worktree', 'prune'], { timeoutMs: 30_000 });
  }

  /** Worktrees of the repository other than the main one. */
  async list(): Promise<Array<{ path: string; commit: string | null }>> {
    const out = await git(this.repo, ['worktree', 'list', '--porcelain']);
    const items: Array<{ path: string; commit: string | null }> = [];
    for (const block of out.split('\n\n')) {
      const path = /^worktree (.+)$/m.exec(block)?.[1];
      if (!path) continue;
      items.push({ path, commit: /^HEAD ([0-9a-f]+)$/m.exec(block)?.[1] ?? null });
    }
    return items.filter((w) => resolve(w.path) !== resolve(this.repo));
  }
}
