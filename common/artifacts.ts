// Schemas of every JSON artifact in runs/<run_id>/ (the run directory contract).
import { z } from 'zod';
import { Evidence, ReproAnswer } from './agentAnswers';

/** Letters, digits, "_" and "-": tmux silently rewrites "." and ":" in session names, so a run id may hold neither. */
export const RUN_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
export const WORKER_ID_PATTERN = /^(manager|w[1-9][0-9]?)$/;

export const RunId = z
  .string()
  .regex(RUN_ID_PATTERN, 'run id: letters, digits, "_" and "-" only (1-128 characters; tmux rewrites "." and ":")')
  .refine((s) => s !== '.' && s !== '..' && !s.startsWith('.'), 'run id may not start with "."');
export const WorkerId = z.string().regex(WORKER_ID_PATTERN, 'worker id: "manager" or w1, w2, ...');

/** Worker ids in natural order (w2 before w10), then plain code-unit order. */
export function compareWorkerIds(a: string, b: string): number {
  const na = /^w(\d+)$/.exec(a)?.[1];
  const nb = /^w(\d+)$/.exec(b)?.[1];
  if (na !== undefined && nb !== undefined && na !== nb) return Number(na) - Number(nb);
  return a < b ? -1 : a > b ? 1 : 0;
}

export const IssueSignals = z.object({
  exception_types: z.array(z.string()),
  messages: z.array(z.string()),
  assertion_failures: z.array(z.string()),
  exit_codes: z.array(z.number().int()),
});
export type IssueSignals = z.infer<typeof IssueSignals>;

export const IssueSpec = z.object({
  source: z.enum(['github', 'file', 'text']),
  issue_url: z.string().nullable(),
  repo: z.object({ owner: z.string(), name: z.string() }).nullable(),
  number: z.number().int().nullable(),
  title: z.string(),
  body: z.string(),
  labels: z.array(z.string()),
  signals: IssueSignals,
  /** Flat list of every expected failure signal, in the order they matter. */
  expected_failure_signals: z.array(z.string()),
  constraints: z.array(z.string()),
  target_paths: z.array(z.string()),
  /** Where the traceback the issue shows fails (its innermost frame), when it shows one (addition). */
  failure_frame: z.object({ file: z.string(), line: z.number().int(), func: z.string().nullable() }).nullable().optional(),
  /** Notes on how the issue was read, e.g. that the URL is a pull request (addition). */
  notes: z.array(z.string()).optional(),
  status: z.enum(['ok', 'needs-human']),
  reason: z.string().nullable(),
  fetched_at: z.string(),
});
export type IssueSpec = z.infer<typeof IssueSpec>;

export const WorkerStatus = z.enum(['pending', 'running', 'finished', 'failed', 'timeout', 'stopped']);
export type WorkerStatus = z.infer<typeof WorkerStatus>;

export const WorkerRecord = z.object({
  worker_id: z.string(),
  role: z.enum(['REPRO_BUILDER', 'TRIAGER', 'FIXER']),
  phase: z.enum(['repro', 'triage', 'fix']),
  status: WorkerStatus,
  session_name: z.string(),
  worktree_path: z.string(),
  output_path: z.string(),
  script_path: z.string(),
  invocation: z.string(),
  attempts: z.number().int(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  exit_code: z.number().int().nullable(),
  detail: z.string().nullable(),
});
export type WorkerRecord = z.infer<typeof WorkerRecord>;

export const SessionsFile = z.object({
  run_id: z.string(),
  tmux_socket: z.string().nullable(),
  manager: z.object({
    session_name: z.string(),
    issue_url: z.string().nullable(),
    pid: z.number().int().nullable(),
  }),
  workers: z.array(WorkerRecord),
  started_at: z.string(),
  updated_at: z.string(),
});
export type SessionsFile = z.infer<typeof SessionsFile>;

export const ValidationRun = z.object({
  exit_code: z.number().int().nullable(),
  timed_out: z.boolean(),
  duration_ms: z.number(),
  matched: z.boolean(),
  failure_line: z.string().nullable(),
  reason: z.string(),
  repo_frames: z.array(z.string()),
  output_tail: z.string(),
});
export type ValidationRun = z.infer<typeof ValidationRun>;

export const CandidateValidation = z.object({
  total_runs: z.number().int(),
  matches: z.number().int(),
  matched_signature: z.string().nullable(),
  passed: z.boolean(),
  setup_ok: z.boolean().optional(),
  runs: z.array(ValidationRun).optional(),
  repo_frames: z.array(z.string()).optional(),
});
export type CandidateValidation = z.infer<typeof CandidateValidation>;

export const CandidateFile = ReproAnswer.extend({
  worker_id: z.string(),
  validation: CandidateValidation,
  score: z.number(),
  score_parts: z.record(z.string(), z.number()).optional(),
  eligible: z.boolean().optional(),
  rejection_reason: z.string().nullable().optional(),
});
export type CandidateFile = z.infer<typeof CandidateFile>;

export const RankedHypothesis = z.object({
  hypothesis_id: z.string(),
  worker_id: z.string(),
  mechanism: z.string(),
  evidence: z.array(Evidence),
  invalid_evidence: z.array(Evidence.extend({ reason: z.string() })),
  confidence: z.number(),
  disconfirming_checks: z.array(z.string()),
  score: z.number(),
  score_parts: z.record(z.string(), z.number()),
  agreeing_workers: z.array(z.string()),
  /** A fix made for this hypothesis was verified (fail-to-pass): the fix id. Confirmed hypotheses rank first. */
  confirmed_by_fix: z.string().optional(),
});
export type RankedHypothesis = z.infer<typeof RankedHypothesis>;

export const HypothesesFile = z.object({
  /** The Python prototype's name for the ranked list (the same list as `ranked`; added for scripts written for it). */
  hypotheses: z.array(RankedHypothesis).optional(),
  ranked: z.array(RankedHypothesis),
  top: z.array(RankedHypothesis),
  dropped: z.array(z.object({ worker_id: z.string(), hypothesis_id: z.string(), reason: z.string() })),
  created_at: z.string(),
});
export type HypothesesFile = z.infer<typeof HypothesesFile>;

export const Usage = z.object({
  input_tokens: z.number().int(),
  cached_input_tokens: z.number().int(),
  output_tokens: z.number().int(),
  turns: z.number().int(),
});
export type Usage = z.infer<typeof Usage>;

export const ReductionMetrics = z.object({
  lines_before_llm: z.number().int(),
  lines_after_llm: z.number().int(),
  lines_final: z.number().int(),
  llm_accepted: z.boolean(),
  oracle_runs: z.number().int(),
  cache_hits: z.number().int(),
  seconds: z.number(),
});

/**
 * repro/selected_candidate.json: the chosen candidate, written when it is chosen, and what
 * minimization made of it (the minimal_* fields and reduction), added when minimization is done.
 */
export const SelectedCandidateFile = CandidateFile.extend({
  minimal_script: z.string().optional(),
  minimal_repro_path: z.string().optional(),
  minimal_validation: CandidateValidation.optional(),
  reduction: ReductionMetrics.optional(),
});
export type SelectedCandidateFile = z.infer<typeof SelectedCandidateFile>;

/** One command of a fix's verification, on the code at the run's commit ("before") or with the patch ("after"). */
export const FixRunOutcome = z.object({
  /** Runs made (k for repros, 1 for a check or the test command). */
  runs: z.number().int(),
  /** Runs whose failure matched the issue (repros), or that failed (checks, tests). */
  failing: z.number().int(),
  /** One line: what the last run ended with (its failure line, its exit code). */
  outcome: z.string(),
  timed_out: z.boolean(),
});
export type FixRunOutcome = z.infer<typeof FixRunOutcome>;

/** A row of a fix's grid: a validated repro (or the minimal repro, or a check), before and with the patch. */
export const FixGridRow = z.object({
  kind: z.enum(['repro', 'minimal_repro', 'check']),
  /** The candidate id, `minimal`, or the fix id whose check this is. */
  id: z.string(),
  worker_id: z.string(),
  before: FixRunOutcome.nullable(),
  after: FixRunOutcome,
  /** With the patch: the issue's failure is gone (repros) / the check passes (checks). */
  ok: z.boolean(),
});
export type FixGridRow = z.infer<typeof FixGridRow>;

export const FixCheck = z.object({ script: z.string(), file_extension: z.string(), command: z.string() });
export type FixCheck = z.infer<typeof FixCheck>;

/** fix/<fix_id>.json: one fixer's patch, how it was verified, and the verdict. */
export const FixRecord = z.object({
  fix_id: z.string(),
  worker_id: z.string(),
  /** The hypothesis the fixer was given (its id and the triage worker that proposed it). */
  hypothesis_id: z.string(),
  hypothesis_worker: z.string(),
  summary: z.string(),
  /** What the fixer said it changed; `files_patched` is what its worktree's diff changed. */
  files_changed: z.array(z.string()),
  files_patched: z.array(z.string()),
  patch_path: z.string().nullable(),
  patch_lines: z.object({ added: z.number().int(), removed: z.number().int() }),
  check: FixCheck.nullable(),
  /** pending: proposed, not yet verified. */
  verdict: z.enum(['pending', 'verified', 'rejected']),
  reason: z.string(),
  /** Its own check: fails on the code at the run's commit, passes with the patch (fail-to-pass). */
  own_check: z.object({ fails_before: z.boolean(), passes_after: z.boolean() }).nullable(),
  /** Of the other fixes' checks, how many pass with this patch. */
  other_checks: z.object({ passed: z.number().int(), total: z.number().int() }),
  grid: z.array(FixGridRow),
  tests: z
    .object({
      command: z.string(),
      before: FixRunOutcome,
      after: FixRunOutcome,
      /** Tests failing with the patch that did not fail before. */
      new_failures: z.array(z.string()),
    })
    .nullable(),
  created_at: z.string(),
});
export type FixRecord = z.infer<typeof FixRecord>;

/** What the fix phase concluded (decision.json `fix`, fix/summary.json). */
export const FixConclusion = z.object({
  status: z.enum(['verified', 'unverified', 'off']),
  best_fix_id: z.string().nullable(),
  best_patch_path: z.string().nullable(),
  verified_fix_ids: z.array(z.string()),
  /** The minimal repro's failure is gone with a verified patch, and a check fails before and passes after it. */
  repro_fail_to_pass: z.boolean(),
  /** In words: why the phase was off, or why no fix was verified (each fix's reason). */
  note: z.string().optional(),
});
export type FixConclusion = z.infer<typeof FixConclusion>;

/** fix/summary.json: every fix (best first), the conclusion, and every check against every patch. */
export const FixSummaryFile = FixConclusion.extend({
  fixes: z.array(FixRecord),
  /** check_grid[check fix id][patch fix id] = the check passed with that patch ("before": on the run's code). */
  check_grid: z.record(z.string(), z.record(z.string(), z.boolean())),
  created_at: z.string(),
});
export type FixSummaryFile = z.infer<typeof FixSummaryFile>;

export const PreflightCheck = z.object({
  name: z.string(),
  ok: z.boolean(),
  details: z.string(),
  /** Passed, but a person should know (e.g. untrusted commands will run unsandboxed). */
  warning: z.boolean().optional(),
});
export type PreflightCheck = z.infer<typeof PreflightCheck>;

export const DecisionStatus = z.enum(['ok', 'needs-human', 'stopped', 'failed']);
export type DecisionStatus = z.infer<typeof DecisionStatus>;

export const Decision = z.object({
  status: DecisionStatus,
  selected_repro_candidate_id: z.string().nullable(),
  rationale: z.string(),
  top_hypotheses: z.array(RankedHypothesis),
  next_fix_targets: z.array(z.string()),
  diagnostics: z.array(z.string()),
  created_at: z.string(),
  preflight: z.object({ ok: z.boolean(), checks: z.array(PreflightCheck) }),
  repro: z
    .object({
      path: z.string().nullable(),
      oracle_command: z.string().nullable(),
      claimed_failure_signature: z.string().nullable(),
      validation: CandidateValidation.nullable(),
    })
    .nullable(),
  metrics: z.object({
    timing_sec: z.record(z.string(), z.number()),
    tokens: z.object({
      workers: Usage,
      manager: Usage,
      total: Usage,
      by_source: z.record(z.string(), Usage),
    }),
    model_routing: z.object({ worker_model: z.string(), manager_model: z.string() }),
    reduction: ReductionMetrics.optional(),
    /** The fix phase: its time (workers and verification) and its workers' tokens. */
    fix: z.object({ seconds: z.number(), tokens: Usage, fixes: z.number().int(), verified: z.number().int() }).optional(),
  }),
  /** The fix phase's conclusion (addition; absent in runs made before it existed). */
  fix: FixConclusion.optional(),
});
export type Decision = z.infer<typeof Decision>;

export const RunDone = z.object({
  run_id: z.string(),
  status: DecisionStatus,
  decision_path: z.string(),
  final_report_path: z.string().nullable(),
  finished_at: z.string(),
  /** The Python prototype's names for decision_path, final_report_path and finished_at (additions). */
  decision_json: z.string().optional(),
  final_md: z.string().nullable().optional(),
  completed_at: z.string().optional(),
});
export type RunDone = z.infer<typeof RunDone>;

export { ARTIFACT_NAMES, type ArtifactName } from './artifactNames';

export { RunEvent } from './events';
