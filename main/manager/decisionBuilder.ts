// The run's decision from what its phases produced (pure), and the end of a run: metrics, report, run_done.json.
import { readFile } from 'node:fs/promises';
import type { CandidateFile, Decision, HypothesesFile, IssueSpec, PreflightCheck } from '../../common/artifacts';
import { emptyDecision, writeDecision } from './decision';
import type { MinimizeOutcome } from './minimize/minimizePhase';
import { renderFinalReport, renderSummary } from './report';
import type { ReproOutcome } from './repro/reproPhase';
import type { RunContext } from './runContext';
import { nextFixTargets } from './triage/ranking';

/** What a run got to, phase by phase (null: the phase did not happen). */
export interface RunOutcome {
  preflight: { ok: boolean; checks: PreflightCheck[] };
  issue: IssueSpec | null;
  repro: ReproOutcome | null;
  minimized: MinimizeOutcome | null;
  hypotheses: HypothesesFile | null;
}

export const NO_OUTCOME: RunOutcome = {
  preflight: { ok: false, checks: [] },
  issue: null,
  repro: null,
  minimized: null,
  hypotheses: null,
};

export type DecisionCore = Pick<Decision, 'status' | 'rationale'> & Partial<Decision>;

/** The decision once repro, minimization and triage are done: ok with the top hypothesis, or needs-human. Pure. */
export function reproAndTriageDecision(
  repro: ReproOutcome,
  minimized: MinimizeOutcome,
  hypotheses: HypothesesFile,
): DecisionCore {
  const chosen = repro.chosen!;
  const base = {
    selected_repro_candidate_id: chosen.candidate_id,
    repro: {
      path: minimized.path,
      oracle_command: minimized.candidate.oracle_command,
      claimed_failure_signature: minimized.candidate.claimed_failure_signature,
      validation: minimized.validation,
    },
  };
  const h = hypotheses.top[0];
  if (!h) {
    return {
      status: 'needs-human',
      rationale: `Reproduced the failure (${chosen.worker_id}), but no hypothesis had valid evidence in the code.`,
      ...base,
    };
  }
  const where = h.evidence[0] ? `${h.evidence[0].file}:${h.evidence[0].line}` : 'the code';
  return {
    status: 'ok',
    rationale: `Reproduced deterministically (${minimized.validation.matches}/${minimized.validation.total_runs} runs) with ${chosen.worker_id}'s candidate, minimized to ${minimized.reduction.lines_final} lines; the top hypothesis (${h.worker_id}, score ${h.score.toFixed(2)}) points at ${where}.`,
    ...base,
    top_hypotheses: hypotheses.top,
    next_fix_targets: nextFixTargets(hypotheses.top, minimized.repoFrames),
  };
}

/**
 * Ends the run with this decision: metrics (time per phase, tokens, models, the reduction),
 * diagnostics, decision.json, final.md, run_done.json; prints the summary.
 */
export async function concludeRun(
  ctx: Pick<RunContext, 'runId' | 'paths' | 'config' | 'diagnostics' | 'timer' | 'ledger' | 'out'>,
  core: DecisionCore,
  outcome: RunOutcome,
): Promise<{ decision: Decision; summary: string }> {
  const models = { worker_model: ctx.config.manager.worker_model, manager_model: ctx.config.manager.manager_model };
  const decision: Decision = {
    ...emptyDecision(core.status, core.rationale, models),
    preflight: outcome.preflight,
    ...core,
  };
  decision.metrics = {
    ...decision.metrics,
    timing_sec: ctx.timer.finish(),
    tokens: ctx.ledger.totals(),
    model_routing: models,
    ...(outcome.minimized ? { reduction: outcome.minimized.reduction } : {}),
  };
  decision.diagnostics = ctx.diagnostics;
  decision.created_at = new Date().toISOString();
  const candidates: CandidateFile[] = outcome.repro?.candidates ?? [];
  const minimized = outcome.minimized;
  const minimalScript = minimized ? await readFile(minimized.path, 'utf8').catch(() => minimized.script) : null;
  const report = renderFinalReport({
    runId: ctx.runId,
    runDir: ctx.paths.dir,
    decision,
    issue: outcome.issue,
    candidates,
    minimalScript,
    hypotheses: outcome.hypotheses,
  });
  await writeDecision(ctx.runId, ctx.paths, decision, report);
  const summary = renderSummary(ctx.paths.dir, decision);
  ctx.out(summary);
  return { decision, summary };
}
