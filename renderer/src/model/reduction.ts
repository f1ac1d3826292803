// The minimization numbers: from decision.json when the run is done, else from reduction events and the chosen candidate.
import type { CandidateFile, Decision, RunEvent } from '../api/types';
import { lineCount } from './format';

export interface Reduction {
  original: number;
  afterLlm: number;
  final: number;
  llmAccepted: boolean | null;
  oracleRuns: number | null;
  cacheHits: number | null;
  seconds: number | null;
}

export function deriveReduction(
  decision: Decision | undefined,
  events: readonly RunEvent[],
  selected: CandidateFile | undefined,
): Reduction | null {
  const r = decision?.metrics?.reduction;
  if (r) {
    return {
      original: r.lines_before_llm,
      afterLlm: r.lines_after_llm,
      final: r.lines_final,
      llmAccepted: r.llm_accepted,
      oracleRuns: r.oracle_runs,
      cacheHits: r.cache_hits,
      seconds: r.seconds,
    };
  }
  const steps = events.filter((e): e is Extract<RunEvent, { type: 'reduction_step' }> => e.type === 'reduction_step');
  const ddmin = steps.findLast((e) => e.step === 'ddmin');
  const llm = steps.findLast((e) => e.step === 'llm' && e.status !== 'started');
  if (!ddmin && !llm) return null;
  const original = selected ? lineCount(selected.script) : null;
  const afterLlm = typeof ddmin?.lines_before === 'number' ? ddmin.lines_before : original;
  const final = typeof ddmin?.lines_after === 'number' ? ddmin.lines_after : afterLlm;
  if (original === null || afterLlm === null || final === null) return null;
  return {
    original,
    afterLlm,
    final,
    llmAccepted: llm ? llm.status === 'accepted' : null,
    oracleRuns: typeof ddmin?.oracle_runs === 'number' ? ddmin.oracle_runs : null,
    cacheHits: typeof ddmin?.cache_hits === 'number' ? ddmin.cache_hits : null,
    seconds: null,
  };
}
