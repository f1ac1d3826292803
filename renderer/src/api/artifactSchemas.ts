// Zod schemas for what the dashboard reads back from the server (a trust boundary: agent-produced data).
import { z } from 'zod';
import { FixesResponse, MinimalReproResponse, TelemetryResponse } from '../../../common/api';
import { CandidateFile, Decision, HypothesesFile, IssueSpec, RunDone, SessionsFile } from '../../../common/artifacts';
import type { ArtifactName } from './types';

/** A candidate as the manager writes it; the reader accepts fields it does not know (selected_candidate has more). */
const Candidate = CandidateFile.loose();

/** `final` is markdown text, not JSON, so it has no schema here. */
export const ARTIFACT_SCHEMAS: Record<Exclude<ArtifactName, 'final'>, z.ZodType> = {
  issue: IssueSpec,
  sessions: SessionsFile,
  candidates: z.object({ candidates: z.array(Candidate) }),
  minimal_repro: MinimalReproResponse,
  selected_candidate: Candidate,
  hypotheses: HypothesesFile,
  fixes: FixesResponse,
  decision: Decision,
  run_done: RunDone,
  telemetry: TelemetryResponse,
};

export function describeZodError(err: z.ZodError): string {
  const first = err.issues[0];
  if (!first) return 'invalid';
  return `${first.path.join('.') || '(root)'}: ${first.message}${err.issues.length > 1 ? ` (and ${err.issues.length - 1} more)` : ''}`;
}
