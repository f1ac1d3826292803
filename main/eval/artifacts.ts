// An eval run's folder (runs/eval-<name>-YYYYMMDDHHMMSS[-N]/): its unique id, its files, and the schemas of what it holds.
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { Usage } from '../../common/artifacts';
import { EVAL_RUN_PREFIX, runPaths, timestampRunId, type RunPaths } from '../runs/runStore';
import { CLASSIFICATIONS, EVAL_MODES } from './spec';

export const EVAL_STATUSES = ['passed', 'failed', 'skipped'] as const;
export type EvalStatus = (typeof EVAL_STATUSES)[number];

export const ORACLE_ROLES = ['bug', 'reference', 'candidate'] as const;
/** Which worktree: the bug commit, the reference fix commit, or the bug commit plus the agent's patch. */
export type OracleRole = (typeof ORACLE_ROLES)[number];

const Classification = z.enum(CLASSIFICATIONS);

/** before_oracle.json, reference_oracle.json, after_oracle.json. */
export const OracleRecord = z.object({
  /** `fixture`: taken from the spec's recorded run (offline mode); `live`: run now. */
  source: z.enum(['fixture', 'live']),
  role: z.enum(ORACLE_ROLES),
  commit: z.string(),
  command: z.string(),
  cwd: z.string().nullable(),
  exit_code: z.number().int().nullable(),
  timed_out: z.boolean(),
  duration_ms: z.number().nullable(),
  output: z.string(),
  classification: Classification,
  classification_note: z.string(),
  /** A fixture's provenance. */
  recorded: z.string().nullable(),
});
export type OracleRecord = z.infer<typeof OracleRecord>;

export const AgentSummary = z.object({
  status: z.enum(['finished', 'failed', 'timeout']),
  exit_code: z.number().int().nullable(),
  usage: Usage,
  duration_ms: z.number(),
  diagnostics: z.array(z.string()),
});

/** summary.json: written for every eval run, whatever happened. */
export const EvalSummary = z.object({
  eval_run_id: z.string(),
  name: z.string(),
  mode: z.enum(EVAL_MODES),
  status: z.enum(EVAL_STATUSES),
  /** Why this status, in a sentence. */
  reason: z.string(),
  before_classification: Classification.nullable(),
  reference_classification: Classification.nullable(),
  after_classification: Classification.nullable(),
  codex_invoked: z.boolean(),
  agent: AgentSummary.nullable(),
  skip_reason: z.string().nullable(),
  artifacts_dir: z.string(),
  patch_path: z.string().nullable(),
  patch_accepted: z.boolean().nullable(),
  /** The message of error.json, when the eval could not reach a verdict. */
  error: z.string().nullable(),
  worktrees_removed: z.boolean(),
  started_at: z.string(),
  finished_at: z.string(),
  duration_ms: z.number(),
});
export type EvalSummary = z.infer<typeof EvalSummary>;

/** error.json: what stopped the eval before a verdict, and what cleanup could not undo. */
export const EvalErrorRecord = z.object({
  phase: z.string(),
  name: z.string(),
  message: z.string(),
  cleanup_errors: z.array(z.string()),
  at: z.string(),
});
export type EvalErrorRecord = z.infer<typeof EvalErrorRecord>;

export interface EvalPaths {
  dir: string;
  metadata: string;
  beforeOracle: string;
  referenceOracle: string;
  afterOracle: string;
  codexOutput: string;
  candidatePatch: string;
  patchValidation: string;
  summary: string;
  error: string;
  /** setup/<role>.json: each setup command's result. */
  setup: (role: OracleRole) => string;
  /** The oracle's script file ($EVAL_ORACLE_SCRIPT). */
  oracleScript: string;
  /** Where resolvePython may create a uv venv. */
  pythonDir: string;
  /** prompts/, agents/, telemetry/ for the agent invocation (the run layout runAgentDirect writes to). */
  agent: RunPaths;
}

export function evalPaths(dir: string): EvalPaths {
  return {
    dir,
    metadata: join(dir, 'metadata.json'),
    beforeOracle: join(dir, 'before_oracle.json'),
    referenceOracle: join(dir, 'reference_oracle.json'),
    afterOracle: join(dir, 'after_oracle.json'),
    codexOutput: join(dir, 'codex_output.txt'),
    candidatePatch: join(dir, 'candidate.patch'),
    patchValidation: join(dir, 'candidate_patch_validation.json'),
    summary: join(dir, 'summary.json'),
    error: join(dir, 'error.json'),
    setup: (role) => join(dir, 'setup', `${role}.json`),
    oracleScript: join(dir, 'oracle', 'oracle_script'),
    pythonDir: join(dir, 'python'),
    agent: runPaths(dir),
  };
}

/** eval-<name>-YYYYMMDDHHMMSS (UTC). */
export function evalRunIdBase(name: string, now: Date): string {
  return `${EVAL_RUN_PREFIX}${name}-${timestampRunId(now).replace(/^run-/, '')}`;
}

/**
 * Claims a fresh folder for one eval run with an exclusive mkdir: two evals started in the same
 * second get eval-<name>-<time> and eval-<name>-<time>-2.
 */
export async function claimEvalRunDir(runsRoot: string, name: string, now: Date): Promise<{ id: string; dir: string }> {
  const root = resolve(runsRoot);
  await mkdir(root, { recursive: true });
  const base = evalRunIdBase(name, now);
  for (let n = 1; n <= 10_000; n++) {
    const id = n === 1 ? base : `${base}-${n}`;
    try {
      await mkdir(join(root, id));
      return { id, dir: join(root, id) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  throw new Error(`could not claim a folder for ${base} in ${root}`);
}
