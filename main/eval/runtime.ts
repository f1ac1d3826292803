// Runs a spec's setup and oracle commands in one worktree (bounded), and turns a recorded fixture into an oracle record.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Worktree } from '../git/worktrees';
import type { ProcessResult } from '../process/run';
import type { Sandbox } from '../process/sandbox';
import { runUntrusted } from '../process/untrusted';
import type { OracleRecord, OracleRole } from './artifacts';
import { classifyOracle } from '../fix/outcome';
import type { EvalSpec } from './spec';
import { clip } from '../../common/text';

/** One worktree the eval runs commands in. */
export interface EvalWorktree {
  role: OracleRole;
  path: string;
  commit: string;
  /** A private folder outside the worktree (a venv, a build) — never part of the patch. */
  envDir: string;
  worktree: Worktree;
}

export interface RuntimeContext {
  /** The interpreter for $EVAL_PYTHON. */
  python: string;
  /** The written oracle script ($EVAL_ORACLE_SCRIPT), when the spec has one. */
  oracleScript: string | null;
  /** Bounds a step's own timeout by what is left of the eval's budget. */
  timeoutFor: (ms: number) => number;
  /** Where setup and oracle commands run (they come from a spec, and a live eval's worktree from an agent). */
  sandbox: Sandbox;
}

export interface SetupStepRecord {
  command: string;
  exit_code: number | null;
  timed_out: boolean;
  duration_ms: number;
  output: string;
}

/** setup/<role>.json */
export interface SetupRecord {
  role: OracleRole;
  commit: string;
  ok: boolean;
  commands: SetupStepRecord[];
}

/** Bounded output kept per command: a build log's end tells why it failed. */
const MAX_OUTPUT_BYTES = 200_000;

/** The variables setup and oracle commands get (documented in docs/eval.md). */
export function evalCommandEnv(wt: EvalWorktree, ctx: RuntimeContext): Record<string, string> {
  return {
    EVAL_PYTHON: ctx.python,
    EVAL_WORKTREE: wt.path,
    EVAL_ENV_DIR: wt.envDir,
    EVAL_ROLE: wt.role,
    EVAL_COMMIT: wt.commit,
    EVAL_ORACLE_SCRIPT: ctx.oracleScript ?? '',
    PYTHONDONTWRITEBYTECODE: '1',
    PIP_DISABLE_PIP_VERSION_CHECK: '1',
  };
}

function stepRecord(command: string, r: ProcessResult): SetupStepRecord {
  const output = r.spawnError ? `${r.output}\n[mminions] could not start: ${r.spawnError}` : r.output;
  return { command, exit_code: r.exitCode, timed_out: r.timedOut, duration_ms: r.durationMs, output };
}

/** Where an eval command runs: its worktree and env folder writable, the oracle script readable, HOME in the env folder. */
function untrustedPlace(wt: EvalWorktree, ctx: RuntimeContext, cwd: string) {
  return {
    sandbox: ctx.sandbox,
    cwd,
    writable: [wt.path, wt.envDir],
    home: join(wt.envDir, 'home'),
    env: evalCommandEnv(wt, ctx),
    interpreters: [ctx.python],
    readable: ctx.oracleScript ? [ctx.oracleScript] : [],
  };
}

/** Runs the spec's setup commands in order in the worktree; stops at the first that fails. */
export async function runSetup(spec: EvalSpec, wt: EvalWorktree, ctx: RuntimeContext): Promise<SetupRecord> {
  await mkdir(wt.envDir, { recursive: true });
  const record: SetupRecord = { role: wt.role, commit: wt.commit, ok: true, commands: [] };
  for (const command of spec.setup.commands) {
    const r = await runUntrusted(command, {
      ...untrustedPlace(wt, ctx, wt.path),
      network: ctx.sandbox.settings.setup_network,
      timeoutMs: ctx.timeoutFor(spec.setup.timeout_sec * 1000),
      maxOutputBytes: MAX_OUTPUT_BYTES,
    });
    record.commands.push(stepRecord(command, r));
    if (r.exitCode !== 0) {
      record.ok = false;
      break;
    }
  }
  return record;
}

/** What a failed setup says, in one line. */
export function setupFailure(s: SetupRecord): string {
  const last = s.commands[s.commands.length - 1];
  if (!last) return 'setup failed';
  const why = last.timed_out ? 'timed out' : `exited ${last.exit_code ?? 'without a code'}`;
  const tail = last.output.trim().split('\n').slice(-3).join(' | ');
  return `setup command ${JSON.stringify(clip(last.command, 120))} ${why}${tail ? `: ${tail}` : ''}`;
}

/** Runs the oracle in the worktree and classifies what it printed. */
export async function runOracle(spec: EvalSpec, wt: EvalWorktree, ctx: RuntimeContext): Promise<OracleRecord> {
  await mkdir(wt.envDir, { recursive: true });
  const cwd = spec.oracle.cwd === 'env_dir' ? wt.envDir : wt.path;
  const r = await runUntrusted(spec.oracle.command, {
    ...untrustedPlace(wt, ctx, cwd),
    network: ctx.sandbox.settings.oracle_network,
    timeoutMs: ctx.timeoutFor(spec.oracle.timeout_sec * 1000),
    maxOutputBytes: MAX_OUTPUT_BYTES,
  });
  const verdict = classifyOracle(spec.oracle, {
    exitCode: r.exitCode,
    output: r.output,
    timedOut: r.timedOut,
    spawnError: r.spawnError,
  });
  return {
    source: 'live',
    role: wt.role,
    commit: wt.commit,
    command: spec.oracle.command,
    cwd,
    exit_code: r.exitCode,
    timed_out: r.timedOut,
    duration_ms: r.durationMs,
    output: r.output,
    classification: verdict.classification,
    classification_note: verdict.note,
    recorded: null,
  };
}

/** The spec's recorded before-oracle run, classified by today's matchers and marked as a fixture. */
export function fixtureOracleRecord(spec: EvalSpec, commit: string): OracleRecord {
  const f = spec.before_oracle_fixture;
  const verdict = classifyOracle(spec.oracle, { exitCode: f.exit_code, output: f.output });
  let note = verdict.note;
  if (f.classification && f.classification !== verdict.classification) {
    note = `${note}; the fixture was recorded as ${f.classification}, the matchers now say ${verdict.classification}`;
  }
  return {
    source: 'fixture',
    role: 'bug',
    commit,
    command: spec.oracle.command,
    cwd: null,
    exit_code: f.exit_code,
    timed_out: false,
    duration_ms: null,
    output: f.output,
    classification: f.classification && f.classification !== verdict.classification ? 'unclassified' : verdict.classification,
    classification_note: note,
    recorded: f.recorded ?? null,
  };
}
