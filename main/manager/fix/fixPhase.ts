// The fix workers: each gets the issue, the minimal repro and one of the top hypotheses, edits its own worktree, and its patch is captured.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FixAnswer } from '../../../common/agentAnswers';
import type { FixRecord, HypothesesFile, IssueSpec, RankedHypothesis } from '../../../common/artifacts';
import { oneLine } from '../../../common/text';
import { parseAgentAnswer } from '../../agents/answers';
import { fixPrompt } from '../../agents/prompts';
import { type CapturedPatch, capturePatch, patchProblem } from '../../fix/patch';
import { writeJsonAtomic } from '../../runs/runStore';
import type { MinimizeOutcome } from '../minimize/minimizePhase';
import type { RunContext } from '../runContext';
import { runWorkerPhase, type WorkerOutcome, type WorkerSpec } from '../workers/workerPhase';

/** Fixer worker ids come after the repro and triage workers': w(2n+1).. */
export function fixerIds(workers: number, fixWorkers: number): string[] {
  return Array.from({ length: fixWorkers }, (_, i) => `w${2 * workers + i + 1}`);
}

/**
 * Which hypothesis each fixer gets: the top ones, best first, one each; a hypothesis gets a second
 * fixer only when there are fewer hypotheses than fixers.
 */
export function assignHypotheses(ranked: RankedHypothesis[], fixers: number): RankedHypothesis[] {
  if (ranked.length === 0) return [];
  return Array.from({ length: fixers }, (_, i) => ranked[i % ranked.length]!);
}

/** A fixer's proposal once its worker has ended: its answer, its patch, and what already rules it out. */
export interface ProposedFix {
  fixId: string;
  workerId: string;
  hypothesis: RankedHypothesis;
  answer: FixAnswer | null;
  patch: CapturedPatch | null;
  patchPath: string | null;
  /** Why it cannot be a fix before any verification (no answer, empty patch, only tests), else null. */
  problem: string | null;
}

export function fixRecordBase(p: ProposedFix): Omit<FixRecord, 'verdict' | 'reason' | 'created_at'> {
  return {
    fix_id: p.fixId,
    worker_id: p.workerId,
    hypothesis_id: p.hypothesis.hypothesis_id,
    hypothesis_worker: p.hypothesis.worker_id,
    summary: p.answer?.summary ?? '',
    files_changed: p.answer?.files_changed ?? [],
    files_patched: p.patch?.files ?? [],
    patch_path: p.patchPath,
    patch_lines: { added: p.patch?.added ?? 0, removed: p.patch?.removed ?? 0 },
    check: p.answer?.check ?? null,
    own_check: null,
    other_checks: { passed: 0, total: 0 },
    grid: [],
    tests: null,
  };
}

/** Runs the fixers (codex may write their worktrees: `--sandbox workspace-write`) until each has ended. */
export async function fixWorkers(
  ctx: RunContext,
  issue: IssueSpec,
  minimized: MinimizeOutcome,
  hypotheses: HypothesesFile,
): Promise<{ outcomes: WorkerOutcome[]; assigned: Map<string, RankedHypothesis> }> {
  const ids = fixerIds(ctx.config.manager.workers, ctx.config.manager.fix_workers);
  const given = assignHypotheses(hypotheses.ranked, ids.length);
  const assigned = new Map<string, RankedHypothesis>();
  const specs: WorkerSpec[] = ids.map((workerId, i) => {
    const h = given[i]!;
    assigned.set(workerId, h);
    return {
      workerId,
      role: 'FIXER',
      phase: 'fix',
      sandbox: 'workspace-write',
      prompt: fixPrompt({
        workerId,
        issue,
        minimalRepro: {
          script: minimized.script,
          file_extension: minimized.candidate.file_extension,
          oracle_command: minimized.candidate.oracle_command,
          failure_output_tail: minimized.failureTail,
        },
        hypothesis: {
          hypothesis_id: h.hypothesis_id,
          mechanism: h.mechanism,
          evidence: h.evidence.map((e) => ({ file: e.file, line: e.line, snippet: e.snippet })),
        },
      }),
      outputPath: join(ctx.paths.fixDir, `${workerId}.answer.json`),
    };
  });
  for (const s of specs)
    ctx.out(`  ${s.workerId}: fixing ${assigned.get(s.workerId)!.worker_id}/${assigned.get(s.workerId)!.hypothesis_id}`);
  const outcomes = await runWorkerPhase(ctx, specs, ctx.config.manager.timeout_sec);
  return { outcomes, assigned };
}

/** A file-name-safe, unique fix id. */
function uniqueFixId(wanted: string, workerId: string, taken: Set<string>): string {
  let id = wanted.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64) || `${workerId}-fix`;
  if (taken.has(id)) id = `${workerId}-${id}`.slice(0, 64);
  for (let n = 2; taken.has(id); n++) id = `${workerId}-fix-${n}`;
  taken.add(id);
  return id;
}

/**
 * Each fixer's answer and patch (captured from its worktree before the worktree is removed), written
 * to fix/<fix_id>.patch and a pending fix/<fix_id>.json, announced with fix_proposed.
 */
export async function collectFixes(
  ctx: RunContext,
  outcomes: WorkerOutcome[],
  assigned: Map<string, RankedHypothesis>,
): Promise<ProposedFix[]> {
  const taken = new Set<string>();
  const out: ProposedFix[] = [];
  for (const w of outcomes) {
    const workerId = w.spec.workerId;
    const hypothesis = assigned.get(workerId)!;
    let answer: FixAnswer | null = null;
    let problem: string | null = null;
    if (w.status !== 'finished' || !w.result) {
      problem =
        w.status === 'timeout' ? `timed out: ${w.detail ?? 'no answer'}` : `the fixer ${w.status}: ${w.detail ?? 'no answer'}`;
    } else {
      const parsed = parseAgentAnswer('FIXER', w.result.rawOutput, w.result.invocation);
      if (parsed.ok) answer = parsed.value;
      else problem = `answer rejected: ${parsed.error.message}`;
    }
    const fixId = uniqueFixId(answer?.fix_id ?? `${workerId}-fix`, workerId, taken);
    let patch: CapturedPatch | null = null;
    const [worktree] = ctx.pool.find([{ kind: 'worker', worker: workerId }]);
    if (worktree) {
      try {
        patch = await capturePatch(worktree);
      } catch (err) {
        problem ??= `its patch could not be captured: ${(err as Error).message}`;
      }
    } else problem ??= 'its worktree is gone';
    if (patch && !problem) problem = patchProblem(patch);
    let patchPath: string | null = null;
    if (patch?.patch) {
      patchPath = join(ctx.paths.fixDir, `${fixId}.patch`);
      await writeFile(patchPath, patch.patch);
    }
    if (answer) await writeJsonAtomic(w.spec.outputPath, answer);
    const p: ProposedFix = { fixId, workerId, hypothesis, answer, patch, patchPath, problem };
    const record: FixRecord = {
      ...fixRecordBase(p),
      verdict: problem ? 'rejected' : 'pending',
      reason: problem ?? 'waiting for verification',
      created_at: new Date().toISOString(),
    };
    await writeJsonAtomic(join(ctx.paths.fixDir, `${fixId}.json`), record);
    await ctx.emit(
      'fix_proposed',
      { worker: workerId, fix_id: fixId, hypothesis_id: hypothesis.hypothesis_id, files: patch?.files.length ?? 0 },
      `  ${workerId}: ${fixId} — ${patch ? `${patch.files.length} file(s), +${patch.added} -${patch.removed}` : 'no patch'}${problem ? ` — rejected: ${oneLine(problem, 160)}` : ''}`,
    );
    out.push(p);
  }
  return out;
}
