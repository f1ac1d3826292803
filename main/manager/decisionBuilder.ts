// The run's decision from what its phases produced (pure), and the end of a run: metrics, report, run_done.json.
import { readFile } from 'node:fs/promises';
import type {
  CandidateFile,
  Decision,
  FixConclusion,
  FixSummaryFile,
  HypothesesFile,
  IssueSpec,
  PreflightCheck,
} from '../../common/artifacts';
import { oneLine } from '../../common/text';
import { emptyDecision, writeDecision } from './decision';
import { sumUsage } from './metrics';
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
  /** The fix phase's summary (null: it did not run). */
  fix: FixSummaryFile | null;
}

export const NO_OUTCOME: RunOutcome = {
  preflight: { ok: false, checks: [] },
  issue: null,
  repro: null,
  minimized: null,
  hypotheses: null,
  fix: null,
};

/** decision.json `fix` when the phase is off (fix_workers = 0) or had nothing to work on. */
export function fixSkipped(note: string): FixConclusion {
  return { status: 'off', best_fix_id: null, best_patch_path: null, verified_fix_ids: [], repro_fail_to_pass: false, note };
}

/** The fix phase's conclusion in the decision, and a sentence for its rationale. Pure. */
export function withFix(core: DecisionCore, fix: FixSummaryFile | FixConclusion): DecisionCore {
  const { status, best_fix_id, best_patch_path, verified_fix_ids, repro_fail_to_pass } = fix;
  const fixes = 'fixes' in fix ? fix.fixes : [];
  let note: string;
  let sentence: string;
  if (status === 'off') {
    note = fix.note ?? 'the fix phase was off';
    sentence = `Fix phase skipped: ${note}.`;
  } else if (status === 'verified') {
    const best = fixes.find((f) => f.fix_id === best_fix_id);
    note = best ? best.reason : 'verified';
    sentence = `Fix ${best_fix_id}${best ? ` (${best.worker_id}, for hypothesis ${best.hypothesis_worker}/${best.hypothesis_id})` : ''} is verified${repro_fail_to_pass ? ' and the bug is fail-to-pass proven' : ''}: ${note}.`;
  } else {
    note = fixes.map((f) => `${f.fix_id}: ${oneLine(f.reason, 300)}`).join('; ') || 'no fixer proposed a patch';
    sentence = `fix: none verified — ${note}.`;
  }
  return {
    ...core,
    rationale: `${core.rationale} ${sentence}`,
    fix: { status, best_fix_id, best_patch_path, verified_fix_ids, repro_fail_to_pass, note },
  };
}

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
  if (outcome.fix) {
    const tokens = ctx.ledger.totals().by_source;
    decision.metrics.fix = {
      seconds: decision.metrics.timing_sec.fix ?? 0,
      tokens: sumUsage(
        ...Object.entries(tokens)
          .filter(([k]) => k.startsWith('fix-'))
          .map(([, v]) => v),
      ),
      fixes: outcome.fix.fixes.length,
      verified: outcome.fix.verified_fix_ids.length,
    };
  }
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
    fix: outcome.fix,
    bestPatch: decision.fix?.best_patch_path ? await readFile(decision.fix.best_patch_path, 'utf8').catch(() => null) : null,
  });
  await writeDecision(ctx.runId, ctx.paths, decision, report);
  const summary = renderSummary(ctx.paths.dir, decision);
  ctx.out(summary);
  return { decision, summary };
}
