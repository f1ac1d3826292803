// The resolved configuration of a run (after the file, the environment, flags and clamps): one schema, read by every side.
import { z } from 'zod';

export const CODEX_SANDBOX_MODES = ['read-only', 'workspace-write', 'danger-full-access'] as const;
export const UNTRUSTED_SANDBOX_MODES = ['auto', 'bwrap', 'off'] as const;

export const ManagerConfig = z.object({
  repo_path: z.string(),
  runs_root: z.string(),
  workers: z.number().int(),
  timeout_sec: z.number().int(),
  poll_interval_sec: z.number(),
  repro_validation_runs: z.number().int(),
  repro_min_matches: z.number().int(),
  validation_python_version: z.string(),
  worker_model: z.string(),
  manager_model: z.string(),
  worktree_root: z.string(),
  /** Seconds without new agent events before a worker is nudged (then restarted, then failed). */
  stall_sec: z.number().int(),
  /** Per oracle run. */
  validation_timeout_sec: z.number().int(),
  /** Bound on the manager's single LLM reduction. */
  reducer_timeout_sec: z.number().int(),
  /** Fix workers after triage; 0 turns the fix phase off. */
  fix_workers: z.number().int(),
});
export type ManagerConfig = z.infer<typeof ManagerConfig>;

export const SandboxSettings = z.object({
  /** auto: bubblewrap when it works, else unsandboxed with a loud warning; bwrap: required; off: never. */
  mode: z.enum(UNTRUSTED_SANDBOX_MODES),
  /** Setup commands (`pip install -e .`, `npm ci`) may reach the network. */
  setup_network: z.boolean(),
  /** Oracle runs (and minimization probes, fix checks) may reach the network. */
  oracle_network: z.boolean(),
  /** More environment variable names passed to untrusted commands (secret-looking names never are). */
  env: z.array(z.string()),
  /** More paths untrusted commands may read (e.g. a toolchain outside the usual places). */
  read_only_paths: z.array(z.string()),
});
export type SandboxSettings = z.infer<typeof SandboxSettings>;

export const FixConfig = z.object({
  /** The repository's own tests, run before and after each patch ('' = none), e.g. `python -m pytest -x -q tests/`. */
  test_command: z.string(),
  /** Bound on one run of the test command. */
  test_timeout_sec: z.number().int(),
});
export type FixConfig = z.infer<typeof FixConfig>;

export const ResolvedConfig = z.object({
  manager: ManagerConfig,
  tmux: z.object({ socket: z.string().nullable() }),
  github: z.object({ api_url: z.string() }),
  codex: z.object({
    command: z.string(),
    home: z.string().nullable(),
    sandbox: z.enum(CODEX_SANDBOX_MODES),
    config: z.record(z.string(), z.unknown()),
  }),
  /** How the commands agents propose run (setup, oracles, probes, checks): see main/process/sandbox.ts. */
  sandbox: SandboxSettings,
  fix: FixConfig,
  /** Where the values came from; not a configuration key. */
  meta: z.object({ file: z.string().nullable(), warnings: z.array(z.string()) }),
});
export type ResolvedConfig = z.infer<typeof ResolvedConfig>;
