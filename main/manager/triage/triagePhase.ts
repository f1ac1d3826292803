// After the triage workers: parse hypotheses, check every evidence row against the code at the run's commit, rank.
import type { HypothesesFile, IssueSpec } from '../../../common/artifacts';
import { parseAgentAnswer } from '../../agents/answers';
import { writeJsonAtomic } from '../../runs/runStore';
import { checkEvidence, makeRepoReader } from './evidence';
import type { Frame } from '../repro/failure';
import { rankHypotheses, type HypothesisInput } from './ranking';
import { triagePrompt } from '../../agents/prompts';
import type { MinimizeOutcome } from '../minimize/minimizePhase';
import type { RunContext } from '../runContext';
import { runWorkerPhase, type WorkerOutcome } from '../workers/workerPhase';

/** The triage workers (numbered after the repro workers), given the issue and the minimal repro. */
export async function triageWorkers(ctx: RunContext, issue: IssueSpec, minimized: MinimizeOutcome): Promise<WorkerOutcome[]> {
  const n = ctx.config.manager.workers;
  const specs = Array.from({ length: n }, (_, i) => {
    const workerId = `w${n + i + 1}`;
    return {
      workerId,
      role: 'TRIAGER' as const,
      phase: 'triage' as const,
      prompt: triagePrompt({
        workerId,
        issue,
        minimalRepro: {
          script: minimized.script,
          oracle_command: minimized.candidate.oracle_command,
          claimed_failure_signature: minimized.candidate.claimed_failure_signature,
          failure_output_tail: minimized.failureTail,
          repo_frames: minimized.repoFrames.map((f) => `${f.file}:${f.line} in ${f.func ?? '?'}`),
        },
      }),
      outputPath: `${ctx.paths.triageDir}/${workerId}.json`,
    };
  });
  return runWorkerPhase(ctx, specs, ctx.config.manager.timeout_sec);
}

/** Parses the hypotheses, checks every evidence row against the code at the run's commit, ranks them, writes hypotheses.json. */
export async function triageHypotheses(o: {
  ctx: RunContext;
  issue: IssueSpec;
  workers: WorkerOutcome[];
  reproFrames: Frame[];
}): Promise<HypothesesFile> {
  const { ctx } = o;
  const worktreePaths = o.workers.map((w) => ctx.sessions.worker(w.spec.workerId)?.worktree_path).filter((p): p is string => !!p);
  const read = makeRepoReader(ctx.userRepo, ctx.commit, worktreePaths);
  // Parse each worker's answer, then check every evidence row of every hypothesis at once (file reads are cached per path).
  const answers: Array<{ workerId: string; hypotheses: HypothesisInput['hypothesis'][] }> = [];
  for (const w of o.workers) {
    if (w.status !== 'finished' || !w.result) {
      ctx.diagnostics.push(`${w.spec.workerId}: ${w.status}${w.detail ? ` — ${w.detail}` : ''}`);
      continue;
    }
    const parsed = parseAgentAnswer('TRIAGER', w.result.rawOutput, w.result.invocation);
    if (!parsed.ok) {
      ctx.diagnostics.push(`${w.spec.workerId}: ${parsed.error.message}`);
      await ctx.emit(
        'hypotheses_rejected',
        { worker: w.spec.workerId, reason: parsed.error.message },
        `  ${w.spec.workerId}: answer rejected — ${parsed.error.message}`,
      );
      continue;
    }
    answers.push({ workerId: w.spec.workerId, hypotheses: parsed.value.hypotheses });
  }
  const [, ...checked] = await Promise.all([
    Promise.all(
      answers.map((a) =>
        writeJsonAtomic(`${ctx.paths.triageDir}/${a.workerId}.json`, { worker_id: a.workerId, hypotheses: a.hypotheses }),
      ),
    ),
    ...answers.flatMap((a) =>
      a.hypotheses.map(
        async (h): Promise<HypothesisInput> => ({
          worker_id: a.workerId,
          hypothesis: h,
          evidenceResults: await Promise.all(
            h.evidence.map(async (ev) => {
              const c = await checkEvidence(ev, read);
              return {
                evidence: ev,
                valid: c.valid,
                reason: c.reason,
                matchedLine: c.matchedLine,
                normalizedFile: c.normalizedFile,
                enclosingFunction: c.enclosingFunction,
              };
            }),
          ),
        }),
      ),
    ),
  ]);
  const inputs = checked as HypothesisInput[];
  const ranking = rankHypotheses(inputs, { reproFrames: o.reproFrames, targetPaths: o.issue.target_paths });
  for (const d of ranking.dropped) ctx.diagnostics.push(`dropped hypothesis ${d.worker_id}/${d.hypothesis_id}: ${d.reason}`);
  const file: HypothesesFile = {
    hypotheses: ranking.ranked,
    ranked: ranking.ranked,
    top: ranking.top,
    dropped: ranking.dropped,
    created_at: new Date().toISOString(),
  };
  // Written before the events that announce it (a view refreshes it on hypothesis_ranked).
  await writeJsonAtomic(ctx.paths.hypotheses, file);
  for (const [i, h] of ranking.ranked.entries()) {
    await ctx.emit(
      'hypothesis_ranked',
      { rank: i + 1, worker: h.worker_id, hypothesis_id: h.hypothesis_id, score: h.score, score_parts: h.score_parts },
      i < 3 ? `  #${i + 1} [${h.score.toFixed(2)}] ${h.worker_id}: ${h.mechanism.split('\n')[0]!.slice(0, 100)}` : undefined,
    );
  }
  return file;
}
