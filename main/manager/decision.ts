// Building decision.json and run_done.json: one place that knows every field and its default.
import { z } from 'zod';
import type { Decision, DecisionStatus, PreflightCheck, RunDone } from '../../common/artifacts';
import { appendEvent } from '../runs/events';
import { type RunPaths, writeJsonAtomic, writeTextAtomic } from '../runs/runStore';
import { ZERO } from './metrics';

export const RunMeta = z.object({
  run_id: z.string(),
  repo_path: z.string(),
  worktree_root: z.string(),
  commit: z.string().nullable(),
  pid: z.number().int(),
  started_at: z.string(),
  worker_model: z.string(),
  manager_model: z.string(),
  /** When the manager process started (see main/process/groups.ts): `stop` signals only this process. */
  pid_start_time: z.number().nullable().optional(),
  /** How the run's untrusted commands ran. */
  sandbox: z.object({ kind: z.enum(['bwrap', 'none']), mode: z.string(), summary: z.string() }).optional(),
});
export type RunMeta = z.infer<typeof RunMeta>;

export function metaPath(paths: RunPaths): string {
  return `${paths.metaDir}/run.json`;
}

export function emptyDecision(
  status: DecisionStatus,
  rationale: string,
  models: { worker_model: string; manager_model: string },
): Decision {
  return {
    status,
    selected_repro_candidate_id: null,
    rationale,
    top_hypotheses: [],
    next_fix_targets: [],
    diagnostics: [],
    created_at: new Date().toISOString(),
    preflight: { ok: false, checks: [] as PreflightCheck[] },
    repro: null,
    metrics: {
      timing_sec: { total: 0 },
      tokens: { workers: { ...ZERO }, manager: { ...ZERO }, total: { ...ZERO }, by_source: {} },
      model_routing: models,
    },
  };
}

/** Writes decision.json, then run_done.json (the marker that the run is over), then the event. */
export async function writeDecision(
  runId: string,
  paths: RunPaths,
  decision: Decision,
  finalReport: string | null,
): Promise<RunDone> {
  await writeJsonAtomic(paths.decision, decision);
  if (finalReport !== null) {
    await writeTextAtomic(paths.finalReport, finalReport);
  }
  const finishedAt = new Date().toISOString();
  const finalPath = finalReport !== null ? paths.finalReport : null;
  const done: RunDone = {
    run_id: runId,
    status: decision.status,
    decision_path: paths.decision,
    final_report_path: finalPath,
    finished_at: finishedAt,
    // The same facts under the Python prototype's names, for scripts written for it.
    decision_json: paths.decision,
    final_md: finalPath,
    completed_at: finishedAt,
  };
  await writeJsonAtomic(paths.runDone, done);
  await appendEvent(paths.events, { type: 'run_finished', status: decision.status, rationale: decision.rationale });
  return done;
}
