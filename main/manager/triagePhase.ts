// After the triage workers: parse hypotheses, check every evidence row against the code at the run's commit, rank.
import type { HypothesesFile, IssueSpec } from '../../common/artifacts';
import { parseAgentAnswer } from '../agents/answers';
import { writeJsonAtomic } from '../runs/runStore';
import { checkEvidence, makeRepoReader } from './evidence';
import { rankHypotheses, type HypothesisInput, type ReproFrame } from './ranking';
import type { PhaseContext, WorkerOutcome } from './workerPhase';

export async function triageHypotheses(o: {
  ctx: PhaseContext;
  issue: IssueSpec;
  workers: WorkerOutcome[];
  repoPath: string;
  commit: string;
  reproFrames: ReproFrame[];
  diagnostics: string[];
}): Promise<HypothesesFile> {
  const { ctx } = o;
  const worktreePaths = o.workers.map((w) => ctx.sessions.worker(w.spec.workerId)?.worktree_path).filter((p): p is string => !!p);
  const read = makeRepoReader(o.repoPath, o.commit, worktreePaths);
  // Parse each worker's answer, then check every evidence row of every hypothesis at once (file reads are cached per path).
  const answers: Array<{ workerId: string; hypotheses: HypothesisInput['hypothesis'][] }> = [];
  for (const w of o.workers) {
    if (w.status !== 'finished' || !w.result) {
      o.diagnostics.push(`${w.spec.workerId}: ${w.status}${w.detail ? ` — ${w.detail}` : ''}`);
      continue;
    }
    const parsed = parseAgentAnswer('TRIAGER', w.result.rawOutput, w.result.invocation);
    if (!parsed.ok) {
      o.diagnostics.push(`${w.spec.workerId}: ${parsed.error.message}`);
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
  for (const d of ranking.dropped) o.diagnostics.push(`dropped hypothesis ${d.worker_id}/${d.hypothesis_id}: ${d.reason}`);
  for (const [i, h] of ranking.ranked.entries()) {
    await ctx.emit(
      'hypothesis_ranked',
      { rank: i + 1, worker: h.worker_id, hypothesis_id: h.hypothesis_id, score: h.score, score_parts: h.score_parts },
      i < 3 ? `  #${i + 1} [${h.score.toFixed(2)}] ${h.worker_id}: ${h.mechanism.split('\n')[0]!.slice(0, 100)}` : undefined,
    );
  }
  const file: HypothesesFile = {
    hypotheses: ranking.ranked,
    ranked: ranking.ranked,
    top: ranking.top,
    dropped: ranking.dropped,
    created_at: new Date().toISOString(),
  };
  await writeJsonAtomic(ctx.paths.hypotheses, file);
  return file;
}
