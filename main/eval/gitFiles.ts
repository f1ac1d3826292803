// Which files a commit range or a worktree's uncommitted change touches (git, bounded).
import { runGit } from '../git/git';
import { GitError, type Worktree } from '../git/worktrees';

async function nameList(cwd: string, args: string[]): Promise<string[]> {
  const res = await runGit(['-C', cwd, ...args]);
  if (res.exitCode !== 0) {
    throw new GitError(
      `git ${args.join(' ')} failed in ${cwd}: ${res.timedOut ? 'timed out' : String(res.stderr).trim() || `exit ${res.exitCode}`}`,
      'git-failed',
      String(res.stderr),
    );
  }
  return String(res.stdout).split('\0').filter(Boolean);
}

/** Files that differ between two commits (e.g. the bug and the reference fix). */
export function filesChangedBetween(repo: string, from: string, to: string): Promise<string[]> {
  return nameList(repo, ['diff', '--name-only', '-z', '--no-renames', from, to, '--']);
}

/**
 * Files changed in a worktree against its HEAD, new files included. Call after `Worktrees.diff`,
 * which marks new files with intent-to-add.
 */
export function filesChangedInWorktree(w: Worktree): Promise<string[]> {
  return nameList(w.path, [
    '--git-dir',
    w.gitDir,
    '--work-tree',
    w.path,
    'diff',
    '--name-only',
    '-z',
    '--no-renames',
    w.commit,
    '--',
  ]);
}
