// Which files a commit range or a worktree's uncommitted change touches (git, bounded).
import { execa } from 'execa';
import { GitError } from '../git/worktrees';

async function nameList(cwd: string, args: string[]): Promise<string[]> {
  const res = await execa('git', ['-C', cwd, ...args], {
    reject: false,
    timeout: 60_000,
    stdin: 'ignore',
    env: { GIT_TERMINAL_PROMPT: '0' },
  });
  if (res.failed) {
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
export function filesChangedInWorktree(path: string): Promise<string[]> {
  return nameList(path, ['diff', '--name-only', '-z', '--no-renames', 'HEAD', '--']);
}
