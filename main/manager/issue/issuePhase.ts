// The issue phase: read the issue (started while preflight runs), set it in the repository, write issue.json.
import type { IssueSpec } from '../../../common/artifacts';
import type { IssueInput } from '../../../common/runRequest';
import type { Config } from '../../config/config';
import { intakeIssue } from '../../issue/intake';
import { writeJsonAtomic } from '../../runs/runStore';
import type { EarlyRunContext } from '../runContext';
import { issueInRepository } from './issueContext';

export interface IssueReading {
  /** The issue as read (a GitHub request, a file, the text); rejects with why it could not be. */
  read: Promise<IssueSpec>;
  /** What reading it noticed (e.g. the URL is a pull request). */
  notes: string[];
}

/** Starts reading the issue now; its result is used once preflight has passed. */
export function startReadingIssue(issue: IssueInput, config: Config): IssueReading {
  const notes: string[] = [];
  const read = intakeIssue({ issue, config, onNote: (n) => notes.push(n) });
  read.catch(() => undefined); // its error is reported by the issue phase
  return { read, notes };
}

/**
 * The issue as the run uses it (its failure frame, only the paths the repository has, its notes),
 * written to issue.json and announced; the sessions record learns its URL.
 */
export async function recordIssue(
  ctx: Pick<EarlyRunContext, 'paths' | 'sessions' | 'emit' | 'out' | 'diagnostics'>,
  spec: IssueSpec,
  repo: { path: string; commit: string } | null,
  notes: string[],
): Promise<IssueSpec> {
  const { spec: full, dropped } = await issueInRepository(spec, repo, notes);
  for (const n of notes) {
    ctx.diagnostics.push(`issue: ${n}`);
    ctx.out(`  note: ${n}`);
  }
  if (dropped.length) ctx.diagnostics.push(`issue: paths it names that the repository does not have: ${dropped.join(', ')}`);
  await writeJsonAtomic(ctx.paths.issue, full);
  await ctx.sessions.setIssueUrl(full.issue_url);
  await ctx.emit('issue_read', { title: full.title, ...(notes.length ? { notes } : {}) });
  return full;
}
