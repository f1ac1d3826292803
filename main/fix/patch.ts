// Patches as the fix phase and the bug-fix eval see them: what a worktree changed (captured), applied to another, classified.
import { runGit } from '../git/git';
import { GitError, type Worktree } from '../git/worktrees';

/**
 * Paths never part of a patch: mminions' own scratch files (repros, checks, the linked package) and
 * interpreter caches. Git pathspecs without `glob` magic: `*` also matches `/`, so one pattern
 * covers a folder and what is inside it, and none names a path past a symlink (which git refuses).
 */
export const SCRATCH_PATHSPECS = [
  ':(exclude).mminions*',
  ':(exclude)*/.mminions*',
  ':(exclude)*__pycache__*',
  ':(exclude)*.pyc',
  ':(exclude)mminions-repro-*',
  ':(exclude)node_modules',
];

async function git(cwd: string, args: string[], what: string): Promise<string> {
  const res = await runGit(['-C', cwd, ...args]);
  if (res.exitCode !== 0) {
    throw new GitError(
      `${what} failed in ${cwd}: ${res.timedOut ? 'timed out' : String(res.stderr).trim() || `exit ${res.exitCode}`}`,
      'git-failed',
      String(res.stderr),
    );
  }
  return String(res.stdout);
}

/** Files that differ between two commits (e.g. the bug and the reference fix). */
export async function filesChangedBetween(repo: string, from: string, to: string): Promise<string[]> {
  const out = await git(repo, ['diff', '--name-only', '-z', '--no-renames', from, to, '--'], 'git diff --name-only');
  return out.split('\0').filter(Boolean);
}

export interface CapturedPatch {
  /** `git diff --binary` against the worktree's commit, new files included ('' when nothing changed). */
  patch: string;
  /** Changed files, sorted. */
  files: string[];
  added: number;
  removed: number;
}

/**
 * What a worktree changed against its commit, new files included, scratch files left out (see
 * SCRATCH_PATHSPECS). Commits an agent made in it count too (the diff is against the commit the
 * worktree was made at). Git is pointed at the worktree's admin folder explicitly: an agent could
 * have rewritten the `.git` file inside it.
 */
export async function capturePatch(w: Worktree): Promise<CapturedPatch> {
  const at = ['--git-dir', w.gitDir, '--work-tree', w.path];
  const spec = ['--', '.', ...SCRATCH_PATHSPECS];
  await git(w.path, [...at, 'add', '--intent-to-add', '--all', ...spec], 'git add --intent-to-add');
  const patch = await git(
    w.path,
    [...at, 'diff', '--no-ext-diff', '--no-textconv', '--no-renames', '--binary', w.commit, ...spec],
    'git diff',
  );
  const numstat = await git(w.path, [...at, 'diff', '--no-renames', '--numstat', '-z', w.commit, ...spec], 'git diff --numstat');
  const files: string[] = [];
  let added = 0;
  let removed = 0;
  for (const row of numstat.split('\0')) {
    const m = /^(\d+|-)\t(\d+|-)\t(.+)$/s.exec(row);
    if (!m) continue;
    files.push(m[3]!);
    if (m[1] !== '-') added += Number(m[1]);
    if (m[2] !== '-') removed += Number(m[2]);
  }
  return { patch: patch ? `${patch}\n` : '', files: files.sort(), added, removed };
}

/** Applies a patch file to a worktree; a patch that does not apply cleanly changes nothing and throws with git's reason. */
export async function applyPatch(w: Worktree, patchFile: string): Promise<void> {
  const at = ['--git-dir', w.gitDir, '--work-tree', w.path];
  const check = await runGit(['-C', w.path, ...at, 'apply', '--check', '--whitespace=nowarn', patchFile]);
  if (check.exitCode !== 0) {
    const why = String(check.stderr).trim().split('\n').slice(0, 3).join(' | ') || `exit ${check.exitCode}`;
    throw new GitError(`the patch does not apply cleanly: ${why}`, 'git-failed', String(check.stderr));
  }
  await git(w.path, [...at, 'apply', '--whitespace=nowarn', patchFile], 'git apply');
}

/** Test files by the usual conventions (Python, JavaScript/TypeScript, Go, Rust, Ruby). */
export function isTestPath(file: string): boolean {
  return (
    /(^|\/)(tests?|__tests__|spec|specs|testing)\//.test(file) ||
    /(^|\/)(test_[^/]*|[^/]*_test|conftest)\.py$/.test(file) ||
    /\.(test|spec)\.[cm]?[jt]sx?$/.test(file) ||
    /_test\.go$/.test(file) ||
    /_spec\.rb$/.test(file)
  );
}

/** Why a captured patch cannot be a fix (null when it can): empty, or only test files. */
export function patchProblem(p: CapturedPatch): string | null {
  if (!p.patch.trim() || p.files.length === 0) return 'empty patch: the fixer changed no file';
  if (p.files.every(isTestPath)) return `the patch only changes test files (${p.files.join(', ')}), not the code`;
  return null;
}
