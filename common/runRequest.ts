// A run's request: what to investigate and how (the resolved configuration), written once by whoever
// launches the run (CLI, API, dashboard) as runs/<id>/meta/request.json and read by its manager.
import { z } from 'zod';
import { ResolvedConfig } from './config';

/** Where the issue comes from: exactly one of a GitHub issue URL, an issue file, the issue's text. */
export const IssueInput = z
  .object({
    url: z.string().min(1).optional(),
    file: z.string().min(1).optional(),
    text: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    const problem = issueSourceProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
export type IssueInput = z.infer<typeof IssueInput>;

/**
 * The one rule for an issue source, in words (null when it holds): exactly one of url, file and text
 * is given (a string that is not blank). The API, the CLI, the dashboard and the manager all ask this.
 */
export function issueSourceProblem(
  v: { url?: unknown; file?: unknown; text?: unknown },
  names: Record<'url' | 'file' | 'text', string> = ISSUE_SOURCE_NAMES,
): string | null {
  const given = (['url', 'file', 'text'] as const).filter((k) => typeof v[k] === 'string' && (v[k] as string).trim() !== '');
  if (given.length === 1) return null;
  const all = `${names.url}, ${names.file} or ${names.text}`;
  return given.length === 0
    ? `give exactly one issue source: ${all} (none was given)`
    : `give exactly one issue source: ${all} (got ${given.map((k) => names[k]).join(' and ')})`;
}

/** How each side names the three sources in its messages. */
export const ISSUE_SOURCE_NAMES = { url: 'an issue URL', file: 'an issue file', text: 'the issue text' } as const;

export const RunRequest = z.object({
  version: z.literal(1),
  run_id: z.string(),
  issue: IssueInput,
  /** Everything else the run needs, resolved by the launcher (config.meta.warnings: what was clamped). */
  config: ResolvedConfig,
  created_at: z.string(),
  /** Who launched the run: cli (`mminions run`), manager (`mminions manager` with flags), api (POST /api/runs). */
  launched_by: z.enum(['cli', 'manager', 'api']),
});
export type RunRequest = z.infer<typeof RunRequest>;
