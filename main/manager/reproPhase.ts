// After the repro workers: parse their answers, validate each candidate by running it, score, choose.
import type { ReproAnswer } from '../../common/agentAnswers';
import type { CandidateFile, IssueSpec } from '../../common/artifacts';
import { parseAgentAnswer } from '../agents/answers';
import type { Worktree } from '../git/worktrees';
import { writeJsonAtomic } from '../runs/runStore';
import { resolvePython } from './python';
import { chooseCandidate, scoreCandidates } from './scoring';
import { validateCandidate, type CandidateValidationResult } from './validate';
import type { PhaseContext, WorkerOutcome } from './workerPhase';

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

async function mapBounded<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
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

export async function validateAndChoose(o: {
  ctx: PhaseContext;
  issue: IssueSpec;
  workers: WorkerOutcome[];
  removeWorktree: (w: Worktree) => Promise<void>;
  diagnostics: string[];
}): Promise<ReproOutcome> {
  const { ctx, issue, diagnostics } = o;
  const m = ctx.config.manager;
  const answers: Array<{ worker_id: string; answer: ReproAnswer }> = [];
  for (const w of o.workers) {
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
    const wt = await ctx.createWorktree(`${ctx.runId}-val-${worker_id}`);
    try {
      const validation = await validateCandidate({
        answer,
        worktree: wt.path,
        runs: m.repro_validation_runs,
        minMatches: m.repro_min_matches,
        timeoutMs: m.validation_timeout_sec * 1000,
        python: py.python,
        signals: issue.signals,
        sandbox: ctx.sandbox,
        signal: ctx.signal,
        userRepo: ctx.userRepo,
        repoRoot: wt.path,
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
      await o.removeWorktree(wt);
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
    const reasons = candidates.map((c) => `${c.worker_id}: ${c.rejection_reason ?? 'not eligible'}`).join('; ');
    return {
      candidates,
      chosen: null,
      python: py.python,
      summary: `no candidate passed ${m.repro_min_matches} of ${m.repro_validation_runs} runs (${reasons}).`,
    };
  }
  const chosen = candidates.find((c) => c.worker_id === best.worker_id)! as ChosenCandidate;
  await ctx.emit(
    'candidate_chosen',
    { worker: chosen.worker_id, candidate_id: chosen.candidate_id, score: chosen.score },
    `  chosen: ${chosen.worker_id} (${chosen.candidate_id}, score ${chosen.score.toFixed(2)})`,
  );
  return { candidates, chosen, python: py.python, summary: `chose ${chosen.worker_id}` };
}
