// Shapes of what agents answer (repro, triage, reducer, fix), shared by prompts, parsing and --output-schema.
import { z } from 'zod';

export const AGENT_ROLES = ['REPRO_BUILDER', 'TRIAGER', 'REDUCER', 'FIXER'] as const;
export const AgentRole = z.enum(AGENT_ROLES);
export type AgentRole = z.infer<typeof AgentRole>;

export const ReproAnswer = z
  .object({
    candidate_id: z.string().min(1).max(200),
    script: z.string().min(1).max(200_000),
    setup_commands: z.array(z.string().max(2_000)).max(20),
    oracle_command: z.string().min(1).max(2_000),
    claimed_failure_signature: z.string().min(1).max(2_000),
    file_extension: z.string().min(1).max(16),
  })
  .strict();
export type ReproAnswer = z.infer<typeof ReproAnswer>;

export const Evidence = z
  .object({
    file: z.string().min(1).max(1_000),
    line: z.number().int().min(1),
    snippet: z.string().max(2_000),
  })
  .strict();
export type Evidence = z.infer<typeof Evidence>;

export const Hypothesis = z
  .object({
    hypothesis_id: z.string().min(1).max(200),
    mechanism: z.string().min(1).max(10_000),
    evidence: z.array(Evidence).min(1).max(50),
    confidence: z.number().min(0).max(1),
    disconfirming_checks: z.array(z.string().max(2_000)).max(50),
  })
  .strict();
export type Hypothesis = z.infer<typeof Hypothesis>;

export const TriageAnswer = z.object({ hypotheses: z.array(Hypothesis).max(20) }).strict();
export type TriageAnswer = z.infer<typeof TriageAnswer>;

export const ReducerAnswer = z.object({ script: z.string().min(1).max(200_000) }).strict();
export type ReducerAnswer = z.infer<typeof ReducerAnswer>;

/**
 * A fixer's answer. The patch is not in it: it is what the fixer changed in its worktree. `check` is
 * a short script asserting the behaviour the issue asks for: it must fail on the buggy code and pass
 * with the fix (the test a maintainer would add), run as `command` with `{check_file}` (and `{python}`).
 */
export const FixAnswer = z
  .object({
    fix_id: z.string().min(1).max(200),
    hypothesis_id: z.string().min(1).max(200),
    summary: z.string().min(1).max(10_000),
    files_changed: z.array(z.string().max(1_000)).max(100),
    check: z
      .object({
        script: z.string().min(1).max(200_000),
        file_extension: z.string().min(1).max(16),
        command: z.string().min(1).max(2_000),
      })
      .strict(),
  })
  .strict();
export type FixAnswer = z.infer<typeof FixAnswer>;

export const ANSWER_SCHEMAS = {
  REPRO_BUILDER: ReproAnswer,
  TRIAGER: TriageAnswer,
  REDUCER: ReducerAnswer,
  FIXER: FixAnswer,
} as const;
