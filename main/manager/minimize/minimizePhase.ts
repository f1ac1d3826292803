// Minimizing the chosen repro: one bounded LLM reduction, then ddmin; every step must still fail the same way through the same repository code.
import { createHash } from 'node:crypto';
import type { IssueSpec, SelectedCandidateFile } from '../../../common/artifacts';
import { parseAgentAnswer } from '../../agents/answers';
import { reducerPrompt } from '../../agents/prompts';
import { runAgentDirect } from '../../agents/runDirect';
import { writeJsonAtomic, writeTextAtomic } from '../../runs/runStore';
import { countLines } from '../../../common/text';
import { compileCheckFor, minimizeScript } from './minimize';
import type { Frame } from '../repro/failure';
import type { ChosenCandidate } from '../repro/reproPhase';
import { type CandidateValidationResult, makeReproducesCheck, validateCandidate, validationPlace } from '../repro/validate';
import type { RunContext } from '../runContext';

export interface MinimizeOutcome {
  script: string;
  path: string;
  candidate: ChosenCandidate;
  validation: CandidateValidationResult;
  reduction: {
    lines_before_llm: number;
    lines_after_llm: number;
    lines_final: number;
    llm_accepted: boolean;
    oracle_runs: number;
    cache_hits: number;
    seconds: number;
  };
  /** Frames of the minimal repro's failure inside the repository (for triage ranking). */
  repoFrames: Frame[];
  failureTail: string;
}

/** True when every repository frame of the original failure is still on the reduced one's path. */
export function keepsRepoFrames(original: string[], reduced: string[]): boolean {
  const have = new Set(reduced);
  return original.every((f) => have.has(f));
}

export async function minimizeRepro(o: {
  ctx: RunContext;
  issue: IssueSpec;
  chosen: ChosenCandidate;
  python: string;
}): Promise<MinimizeOutcome> {
  const { ctx, chosen, issue } = o;
  const m = ctx.config.manager;
  const started = Date.now();
  const originalFrames = chosen.validation.repo_frames ?? [];
  const wt = await ctx.pool.acquire({ kind: 'minimization' });
  let oracleRuns = 0;
  try {
    let setupDone = false;
    const check = async (script: string, runs: number, minMatches: number) => {
      const id = `probe-${createHash('sha256').update(script).digest('hex').slice(0, 12)}`;
      oracleRuns += runs;
      const validation = await validateCandidate({
        ...validationPlace(ctx, issue, o.python, wt.path),
        answer: { ...chosen, candidate_id: id, script },
        runs,
        minMatches,
        // The candidate's setup runs once in this worktree; later probes reuse it.
        skipSetup: setupDone,
      });
      setupDone ||= validation.setup_ok;
      return { ok: validation.passed && keepsRepoFrames(originalFrames, validation.repo_frames ?? []), validation };
    };

    const linesBefore = countLines(chosen.script);
    let current = chosen.script;
    let llmAccepted = false;

    // 1. One bounded LLM reduction with the manager model.
    if (!ctx.signal.aborted) {
      await ctx.emit(
        'reduction_step',
        { step: 'llm', status: 'started' },
        '  asking the reducer (manager model) for a smaller repro',
      );
      const result = await runAgentDirect(
        {
          invocation: 'reducer',
          role: 'REDUCER',
          workerId: 'manager',
          prompt: reducerPrompt({
            issue,
            script: chosen.script,
            oracle_command: chosen.oracle_command,
            claimed_failure_signature: chosen.claimed_failure_signature,
            file_extension: chosen.file_extension,
            repo_frames: originalFrames,
          }),
          worktree: wt.path,
          model: m.manager_model,
        },
        {
          config: ctx.config,
          paths: ctx.paths,
          timeoutMs: m.reducer_timeout_sec * 1000,
          schemaFile: await ctx.schemaFile('REDUCER'),
          signal: ctx.signal,
          ...ctx.sandbox.tracker?.hooks('reducer'),
        },
      );
      ctx.ledger.add('reducer', result.usage);
      let verdict: string;
      if (result.status !== 'finished') {
        verdict = `reducer ${result.status}${result.diagnostics[0] ? `: ${result.diagnostics[0]}` : ''}`;
      } else {
        const parsed = parseAgentAnswer('REDUCER', result.rawOutput, result.invocation);
        if (!parsed.ok) verdict = parsed.error.message;
        else if (countLines(parsed.value.script) >= countLines(current)) verdict = 'the reduction was not smaller';
        else {
          const c = await check(parsed.value.script, m.repro_validation_runs, m.repro_min_matches);
          if (c.ok) {
            current = parsed.value.script;
            llmAccepted = true;
            verdict = `kept (${linesBefore} → ${countLines(current)} lines)`;
          } else if (c.validation.passed) {
            verdict = 'rejected: it fails the same way but no longer through the same repository code';
          } else {
            verdict = `rejected: ${c.validation.runs?.[0]?.reason ?? 'it no longer reproduces'}`;
          }
        }
      }
      if (!llmAccepted) ctx.diagnostics.push(`reducer: ${verdict}`);
      await ctx.emit(
        'reduction_step',
        { step: 'llm', status: llmAccepted ? 'accepted' : 'rejected', detail: verdict },
        `  reducer: ${verdict}`,
      );
    }
    const linesAfterLlm = countLines(current);

    // 2. ddmin to a 1-minimal script; each probe is one oracle run that must match through the same frames.
    const ext = chosen.file_extension.replace(/^\./, '').toLowerCase();
    const compiles = compileCheckFor(ext, o.python);
    if (!setupDone) await check(current, 1, 1);
    const probe = makeReproducesCheck({
      answer: chosen,
      worktree: wt.path,
      python: o.python,
      signals: issue.signals,
      issueFrame: issue.failure_frame ?? null,
      sandbox: ctx.sandbox,
      signal: ctx.signal,
      timeoutMs: m.validation_timeout_sec * 1000,
      requiredFrames: originalFrames,
      userRepo: ctx.userRepo,
    });
    const reduced = await minimizeScript(current, ext, async (s) => !ctx.signal.aborted && (await probe(s)), {
      compiles,
      parallelism: 2,
    });
    oracleRuns += reduced.oracleRuns;
    await ctx.emit(
      'reduction_step',
      {
        step: 'ddmin',
        lines_before: linesAfterLlm,
        lines_after: reduced.linesAfter,
        oracle_runs: reduced.oracleRuns,
        cache_hits: reduced.cacheHits,
      },
      `  ddmin: ${linesAfterLlm} → ${reduced.linesAfter} lines (${reduced.oracleRuns} oracle runs, ${reduced.cacheHits} cache hits)`,
    );

    // 3. The result must reproduce as reliably as the candidate did; otherwise fall back.
    let final = reduced.script;
    let verified = await check(final, m.repro_validation_runs, m.repro_min_matches);
    if (!verified.ok && final !== current) {
      ctx.diagnostics.push('minimization: the ddmin result was not deterministic; kept the previous script');
      final = current;
      verified = await check(final, m.repro_validation_runs, m.repro_min_matches);
    }
    if (!verified.ok && final !== chosen.script) {
      ctx.diagnostics.push('minimization: the reduced script was not deterministic; kept the chosen candidate');
      final = chosen.script;
      verified = await check(final, m.repro_validation_runs, m.repro_min_matches);
    }
    const path = ctx.paths.minimalRepro(ext);
    await writeTextAtomic(path, final.endsWith('\n') ? final : `${final}\n`);
    const run0 = verified.validation.runs.find((r) => r.matched) ?? verified.validation.runs[0];
    const repoFrames: Frame[] = run0?.repo_frame_details ?? [];
    const reduction = {
      lines_before_llm: linesBefore,
      lines_after_llm: linesAfterLlm,
      lines_final: countLines(final),
      llm_accepted: llmAccepted,
      oracle_runs: oracleRuns,
      cache_hits: reduced.cacheHits,
      seconds: Math.round((Date.now() - started) / 100) / 10,
    };
    const selected: SelectedCandidateFile = {
      ...chosen,
      minimal_script: final,
      minimal_repro_path: path,
      minimal_validation: verified.validation,
      reduction,
    };
    await writeJsonAtomic(ctx.paths.selectedCandidate, selected);
    await ctx.emit('repro_minimized', { path, lines: reduction.lines_final });
    return {
      script: final,
      path,
      candidate: chosen,
      validation: verified.validation,
      reduction,
      repoFrames,
      failureTail: run0?.output_tail ?? '',
    };
  } finally {
    ctx.pool.release([wt]);
  }
}
