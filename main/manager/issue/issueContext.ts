// What the manager adds to an issue once it knows the repository: where the issue's traceback fails, and only the paths the repository has.
import type { IssueSpec } from '../../../common/artifacts';
import { runGit } from '../../git/git';
import { issueFailureFrame } from '../repro/failure';

/** Whether `path` (a file or folder, repository-relative) exists at `commit`. */
async function existsAt(repo: string, commit: string, path: string): Promise<boolean> {
  const clean = path.replace(/^\.\//, '').replace(/\/+$/, '');
  if (!clean || clean.startsWith('/') || clean.split('/').includes('..')) return false;
  const r = await runGit(['-C', repo, 'cat-file', '-e', `${commit}:${clean}`], { timeoutMs: 15_000 });
  return r.exitCode === 0;
}

/**
 * The issue as the run uses it: its failure frame (from the traceback it shows), and its target
 * paths cut to those the repository has at the run's commit — a file the reporter ran (`python
 * test.py`) is not part of the repository. `notes` are things the run should say (a pull request URL).
 */
export async function issueInRepository(
  spec: IssueSpec,
  repo: { path: string; commit: string } | null,
  notes: string[] = [],
): Promise<{ spec: IssueSpec; dropped: string[] }> {
  const frame = issueFailureFrame(spec.body);
  let targets = spec.target_paths;
  let dropped: string[] = [];
  if (repo) {
    const kept = await Promise.all(targets.map((p) => existsAt(repo.path, repo.commit, p)));
    dropped = targets.filter((_, i) => !kept[i]);
    targets = targets.filter((_, i) => kept[i]);
  }
  return {
    spec: {
      ...spec,
      target_paths: targets,
      failure_frame: frame,
      ...(notes.length || spec.notes?.length ? { notes: [...(spec.notes ?? []), ...notes] } : {}),
    },
    dropped,
  };
}
