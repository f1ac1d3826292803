// The raw issue every source yields (GitHub's issue JSON subset), and its lenient parser.
import { z } from 'zod';
import { IssueError } from './issueError';

export type RawLabel = string | { name?: string | null };

export interface RawIssue {
  title: string;
  body: string | null;
  labels: RawLabel[];
  html_url: string | null;
  number: number | null;
  state: string | null;
  /** GitHub serves pull requests from the issues endpoint too; they carry a `pull_request` key. */
  pull_request: boolean;
}

// Lenient on everything but the title: a malformed optional field is dropped, not fatal.
const Label = z.union([z.string(), z.object({ name: z.string().nullish() })]);
const IssueJson = z.object({
  title: z.string(),
  body: z.string().nullish().catch(null),
  labels: z.array(Label.nullable().catch(null)).nullish().catch(null),
  html_url: z.string().nullish().catch(null),
  issue_url: z.string().nullish().catch(null),
  number: z.number().int().positive().nullish().catch(null),
  state: z.string().nullish().catch(null),
  pull_request: z.unknown().optional(),
});

/** Turns parsed JSON into a RawIssue; `where` names the source in error messages. */
export function rawIssueFromJson(data: unknown, where: string): RawIssue {
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    throw new IssueError(
      'no-title',
      `${where}: expected a JSON object with a "title" (GitHub's issue JSON), got ${Array.isArray(data) ? 'an array' : typeof data}`,
    );
  }
  const parsed = IssueJson.safeParse(data);
  if (!parsed.success) {
    throw new IssueError(
      'no-title',
      `${where}: the JSON has no "title" string; expected GitHub's issue JSON ({"title": ..., "body": ..., "labels": [...]})`,
    );
  }
  const d = parsed.data;
  return {
    title: d.title,
    body: d.body ?? null,
    labels: (d.labels ?? []).filter((l): l is RawLabel => l !== null),
    html_url: d.html_url ?? d.issue_url ?? null,
    number: d.number ?? null,
    state: d.state ?? null,
    pull_request: d.pull_request !== undefined && d.pull_request !== null,
  };
}
