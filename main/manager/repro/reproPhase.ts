// The repro phase (workers propose reproducers) and validation (each candidate run k times in the sandbox, scored, one chosen).
import type { ReproAnswer } from '../../../common/agentAnswers';
import type { CandidateFile, IssueSpec } from '../../../common/artifacts';
import { parseAgentAnswer } from '../../agents/answers';
import { reproPrompt } from '../../agents/prompts';
import { writeJsonAtomic } from '../../runs/runStore';
import { resolvePython } from './python';
import { chooseCandidate, compareWorkerIds, scoreCandidates } from './scoring';
import { type CandidateValidationResult, validateCandidate, validationPlace } from './validate';
import type { RunContext } from '../runContext';
import { runWorkerPhase, type WorkerOutcome } from '../workers/workerPhase';

export interface ChosenCandidate extends CandidateFile {
  validation: CandidateValidationResult;
}

export interface ReproOutcome {
  candidates: CandidateFile[];
  chosen: ChosenCandidate | null;
  python: string;
  /** Why nothing was chosen, or what was. */
  summary: string;
}

const VALIDATION_CONCURRENCY = 2;

export async function mapBounded<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  });
  await Promise.all(lanes);
  return results;
}

/** The repro workers (`w1`..`wN`, REPRO_BUILDER), each in its own worktree and tmux session, until each has ended. */
export async function reproWorkers(ctx: RunContext, issue: IssueSpec): Promise<WorkerOutcome[]> {
  const specs = Array.from({ length: ctx.config.manager.workers }, (_, i) => {
    const workerId = `w${i + 1}`;
    return {
      workerId,
      role: 'REPRO_BUILDER' as const,
      phase: 'repro' as const,
      prompt: reproPrompt({ workerId, issue, repoPath: ctx.config.manager.repo_path }),
      outputPath: ctx.paths.candidate(workerId),
    };
  });
  return runWorkerPhase(ctx, specs, ctx.config.manager.timeout_sec);
}

/** Parses the answers, validates every candidate in a worktree of its own, scores them and chooses one. */
export async function validateAndChoose(ctx: RunContext, issue: IssueSpec, workers: WorkerOutcome[]): Promise<ReproOutcome> {
  const { diagnostics } = ctx;
  const m = ctx.config.manager;
  const answers: Array<{ worker_id: string; answer: ReproAnswer }> = [];
  for (const w of workers) {
    if (!w.result) continue;
    if (w.status !== 'finished') {
      diagnostics.push(`${w.spec.workerId}: ${w.status}${w.detail ? ` — ${w.detail}` : ''}`);
      continue;
    }
    const parsed = parseAgentAnswer('REPRO_BUILDER', w.result.rawOutput, w.result.invocation);
    if (!parsed.ok) {
      diagnostics.push(`${w.spec.workerId}: ${parsed.error.message}`);
      await ctx.emit(
        'candidate_rejected',
        { worker: w.spec.workerId, reason: parsed.error.message },
        `  ${w.spec.workerId}: answer rejected — ${parsed.error.message}`,
      );
      continue;
    }
    answers.push({ worker_id: w.spec.workerId, answer: parsed.value });
  }
  if (answers.length === 0) {
    return { candidates: [], chosen: null, python: 'python3', summary: 'no worker produced a usable candidate.' };
  }

  const py = await resolvePython(m.validation_python_version, { workDir: ctx.paths.metaDir, timeoutMs: 120_000 });
  if (py.diagnostic) diagnostics.push(`python: ${py.diagnostic}`);

  const validated = await mapBounded(answers, VALIDATION_CONCURRENCY, async ({ worker_id, answer }) => {
    const wt = await ctx.pool.acquire({ kind: 'validation', worker: worker_id });
    try {
      const validation = await validateCandidate({
        ...validationPlace(ctx, issue, py.python, wt.path),
        answer,
        runs: m.repro_validation_runs,
        minMatches: m.repro_min_matches,
      });
      await ctx.emit(
        'candidate_validated',
        {
          worker: worker_id,
          candidate_id: answer.candidate_id,
          matches: validation.matches,
          total_runs: validation.total_runs,
          passed: validation.passed,
        },
        `  ${worker_id}: ${answer.candidate_id} matched ${validation.matches}/${validation.total_runs} runs${validation.passed ? '' : ' — rejected'}`,
      );
      return { worker_id, answer, validation };
    } finally {
      ctx.pool.release([wt]);
    }
  });

  const scored = scoreCandidates(validated, { signals: issue.signals, minMatches: m.repro_min_matches });
  const candidates: CandidateFile[] = validated.map((v) => {
    const s = scored.find((x) => x.worker_id === v.worker_id)!;
    return {
      worker_id: v.worker_id,
      ...v.answer,
      validation: v.validation,
      score: s.score,
      score_parts: { ...s.score_parts },
      eligible: s.eligible,
      rejection_reason: s.rejection_reason,
    };
  });
  for (const c of candidates) await writeJsonAtomic(ctx.paths.candidate(c.worker_id), c);
  const best = chooseCandidate(scored);
  if (!best) {
    return {
      candidates,
      chosen: null,
      python: py.python,
      summary: noReproductionSummary(candidates, issue, m.repro_min_matches),
    };
  }
  const chosen = candidates.find((c) => c.worker_id === best.worker_id)! as ChosenCandidate;
  // Written now, so a view shows the choice while minimization runs (it adds the minimal script later).
  await writeJsonAtomic(ctx.paths.selectedCandidate, chosen);
  await ctx.emit(
    'candidate_chosen',
    { worker: chosen.worker_id, candidate_id: chosen.candidate_id, score: chosen.score },
    `  chosen: ${chosen.worker_id} (${chosen.candidate_id}, score ${chosen.score.toFixed(2)})`,
  );
  return { candidates, chosen, python: py.python, summary: `chose ${chosen.worker_id}` };
}

/**
 * Why nothing reproduces, naming the closest candidate first: one whose failure looked like the
 * issue's (its exception type) but happened elsewhere, else the one with the most matched runs.
 */
export function noReproductionSummary(candidates: CandidateFile[], issue: IssueSpec, minMatches: number): string {
  if (candidates.length === 0) return 'no worker produced a usable candidate.';
  const types = issue.signals.exception_types.map((t) => t.split('.').pop() ?? t);
  // Raising the issue's exception type (somewhere) is closer than printing its text, which is closer than neither.
  const closeness = (c: CandidateFile) => {
    let best = 0;
    for (const r of c.validation.runs ?? []) {
      const line = r.failure_line ?? '';
      for (const t of types) {
        if (new RegExp(`^([\\w$]+\\.)*${t}\\b`).test(line) && !/raises nothing/.test(r.reason)) best = Math.max(best, 2);
        else if (new RegExp(`(^|[^\\w])${t}\\b`).test(line)) best = Math.max(best, 1);
      }
    }
    return best + c.validation.matches / Math.max(1, c.validation.total_runs);
  };
  const [closest, ...others] = [...candidates].sort(
    (a, b) => closeness(b) - closeness(a) || compareWorkerIds(a.worker_id, b.worker_id),
  );
  const why = (c: CandidateFile) => (c.rejection_reason ?? 'not eligible').replace(/^no run matched: /, '');
  const rest = others.map((c) => `${c.worker_id}: ${why(c)}`).join('; ');
  return `no candidate reproduces the issue (each needs ${minMatches} matching runs). Closest: ${closest!.worker_id} (${closest!.candidate_id}) — ${why(closest!)}.${rest ? ` Others: ${rest}.` : ''}`;
}
