// Validates repro candidates by executing them k times in an isolated worktree and judging each failure.
import { createHash } from 'node:crypto';
import { shellQuote } from '../../process/shellQuote';
import { realpath, rm } from 'node:fs/promises';
import { delimiter, dirname, isAbsolute, resolve } from 'node:path';
import type { ReproAnswer } from '../../../common/agentAnswers';
import type { CandidateValidation, IssueSignals, IssueSpec, ValidationRun } from '../../../common/artifacts';
import type { RunContext } from '../runContext';
import { isNodeExtension, linkPackage, reproFilePath, writeReproFile } from './reproFiles';
import { extractFailure, type IssueFrame, matchFailure, repoFrameDetails, repoFrames, type Frame } from './failure';
import type { ProcessResult } from '../../process/run';
import type { Sandbox } from '../../process/sandbox';
import { runUntrusted } from '../../process/untrusted';

export interface ValidateOptions {
  answer: ReproAnswer;
  /** An isolated validation worktree, never the user's own checkout. */
  worktree: string;
  runs: number;
  minMatches: number;
  /** Per oracle run. */
  timeoutMs: number;
  /** Per setup command (default: the larger of timeoutMs and two minutes). */
  setupTimeoutMs?: number;
  /** Interpreter for `{python}` (its folder also goes first on PATH, as in an activated venv). */
  python: string;
  signals: IssueSignals;
  /** Where the issue's own traceback fails, when it shows one (a match on the type alone must fail there too). */
  issueFrame?: IssueFrame | null;
  /** Where setup and oracle commands run (see main/process/sandbox.ts). */
  sandbox: Sandbox;
  /** The run was stopped: the running command is ended at once. */
  signal?: AbortSignal;
  /** For repository frames; defaults to the worktree. */
  repoRoot?: string;
  /** The user's checkout: validating there is refused. */
  userRepo?: string;
  maxOutputBytes?: number;
  /** Skip the setup commands (they already ran in this worktree, e.g. for minimization probes). */
  skipSetup?: boolean;
}

/** A judged oracle run, with its repository frames' lines kept beside the function-level identities. */
export type JudgedRun = ValidationRun & { repo_frame_details: Frame[] };

export interface ValidationResult extends CandidateValidation {
  runs: JudgedRun[];
  repo_frames: string[];
  setup_ok: boolean;
  /** What went wrong in setup (null when it went fine). */
  setup_error: string | null;
  repro_path: string;
  /** One line a person can read: why the candidate passed or not. */
  reason: string;
}
export type CandidateValidationResult = ValidationResult;

const OUTPUT_TAIL_LINES = 60;
const OUTPUT_TAIL_CHARS = 8_000;

// ---------- pure helpers ----------

/** Replaces `{repro_file}` and `{python}` (already quoted by the agent or not) with shell-quoted values. */
export function fillPlaceholders(cmd: string, values: { reproFile: string; python: string }): string {
  return cmd
    .replace(/(["']?)\{repro_file\}\1/g, () => shellQuote(values.reproFile))
    .replace(/(["']?)\{python\}\1/g, () => shellQuote(values.python));
}

export function outputTail(output: string): string {
  const lines = output.replace(/\s+$/, '').split('\n');
  const tail = lines.slice(-OUTPUT_TAIL_LINES).join('\n');
  return tail.length > OUTPUT_TAIL_CHARS ? tail.slice(-OUTPUT_TAIL_CHARS) : tail;
}

/** One oracle run judged: did its failure show the claimed signature or an expected signal? */
export function judgeRun(
  result: ProcessResult,
  ctx: {
    claimedSignature: string;
    signals: IssueSignals;
    issueFrame?: IssueFrame | null;
    repoRoot: string;
    reproFile: string;
    timeoutMs: number;
  },
): { run: JudgedRun; matchedSignature: string | null } {
  const base = {
    exit_code: result.exitCode,
    timed_out: result.timedOut,
    duration_ms: result.durationMs,
    output_tail: outputTail(result.output),
  };
  // A run that never got to fail: nothing to judge, the reason says why.
  const unjudged = (reason: string) => ({
    run: { ...base, matched: false, failure_line: null, reason, repo_frames: [], repo_frame_details: [] },
    matchedSignature: null,
  });
  if (result.timedOut) return unjudged(`timed out after ${ctx.timeoutMs} ms; its process group was killed`);
  if (result.aborted) return unjudged('the run was stopped');
  if (result.spawnError) return unjudged(`could not start the oracle: ${result.spawnError}`);
  const failure = extractFailure(result.output, result.exitCode, ctx.repoRoot);
  const details = repoFrameDetails(failure, ctx.repoRoot, ctx.reproFile);
  const m = matchFailure(failure, {
    claimedSignature: ctx.claimedSignature,
    signals: ctx.signals,
    repoFrames: details,
    issueFrame: ctx.issueFrame ?? null,
  });
  return {
    run: {
      ...base,
      matched: m.matched,
      failure_line: failure.failureLine,
      reason: m.reason,
      repo_frames: repoFrames(failure, ctx.repoRoot, ctx.reproFile),
      repo_frame_details: details,
    },
    matchedSignature: m.matchedSignature,
  };
}

/** The signature most runs matched (the first seen on a tie). */
export function mostCommon(signatures: Array<string | null>): string | null {
  const counts = new Map<string, number>();
  for (const s of signatures) if (s !== null) counts.set(s, (counts.get(s) ?? 0) + 1);
  let best: string | null = null;
  let bestCount = 0;
  for (const [s, c] of counts) {
    if (c > bestCount) {
      best = s;
      bestCount = c;
    }
  }
  return best;
}

/**
 * What an oracle adds to the sandbox's allow-listed environment: the repository importable, the
 * chosen Python first on PATH, no colors. (Secrets never reach it: see untrustedEnv.)
 */
export function oracleEnv(worktree: string, python: string, path = process.env.PATH ?? ''): Record<string, string> {
  const env: Record<string, string> = {
    PYTHONPATH: worktree,
    NODE_PATH: worktree,
    PYTHONDONTWRITEBYTECODE: '1',
    PYTHONUNBUFFERED: '1',
    NO_COLOR: '1',
  };
  if (isAbsolute(python)) env.PATH = path ? `${dirname(python)}${delimiter}${path}` : dirname(python);
  return env;
}

// ---------- I/O ----------

async function sameDirectory(a: string, b: string): Promise<boolean> {
  try {
    return (await realpath(a)) === (await realpath(b));
  } catch {
    return resolve(a) === resolve(b);
  }
}

/** What every validation in a run shares: the issue's signals, the sandbox, the worktree it runs in, the run's stop. */
export function validationPlace(
  ctx: Pick<RunContext, 'config' | 'sandbox' | 'signal' | 'userRepo'>,
  issue: Pick<IssueSpec, 'signals' | 'failure_frame'>,
  python: string,
  worktree: string,
): Pick<
  ValidateOptions,
  'worktree' | 'timeoutMs' | 'python' | 'signals' | 'issueFrame' | 'sandbox' | 'signal' | 'userRepo' | 'repoRoot'
> {
  return {
    worktree,
    timeoutMs: ctx.config.manager.validation_timeout_sec * 1000,
    python,
    signals: issue.signals,
    issueFrame: issue.failure_frame ?? null,
    sandbox: ctx.sandbox,
    signal: ctx.signal,
    userRepo: ctx.userRepo,
    repoRoot: worktree,
  };
}

/** Sets up and runs one candidate `runs` times (sequentially) and judges every run. */
export async function validateCandidate(opts: ValidateOptions): Promise<ValidationResult> {
  const { answer, runs, minMatches } = opts;
  const worktree = resolve(opts.worktree);
  if (opts.userRepo && (await sameDirectory(worktree, opts.userRepo))) {
    throw new Error(
      `refusing to validate candidate ${answer.candidate_id} in the user's own checkout (${worktree}); use a validation worktree`,
    );
  }
  const repoRoot = opts.repoRoot ?? worktree;
  const reproPath = reproFilePath(worktree, answer.candidate_id, answer.file_extension);
  await writeReproFile(worktree, reproPath, answer.script);
  const values = { reproFile: reproPath, python: opts.python };
  const env = oracleEnv(worktree, opts.python);
  const shared = isNodeExtension(answer.file_extension) ? await linkPackage(worktree, opts.userRepo) : null;
  const readable = shared ? [shared] : [];
  const maxOutputBytes = opts.maxOutputBytes ?? 1_000_000;
  const result = (over: Partial<ValidationResult> & Pick<ValidationResult, 'reason'>): ValidationResult => ({
    total_runs: 0,
    matches: 0,
    matched_signature: null,
    passed: false,
    runs: [],
    repo_frames: [],
    setup_ok: true,
    setup_error: null,
    repro_path: reproPath,
    ...over,
  });

  const setupTimeoutMs = opts.setupTimeoutMs ?? Math.max(opts.timeoutMs, 120_000);
  for (const raw of opts.skipSetup ? [] : answer.setup_commands) {
    if (raw.trim() === '') continue;
    const cmd = fillPlaceholders(raw, values);
    const r = await runUntrusted(cmd, {
      sandbox: opts.sandbox,
      signal: opts.signal,
      cwd: worktree,
      network: opts.sandbox.settings.setup_network,
      env,
      interpreters: [opts.python],
      readable,
      timeoutMs: setupTimeoutMs,
      maxOutputBytes,
    });
    if (r.timedOut || r.exitCode !== 0) {
      const why = r.timedOut
        ? `timed out after ${setupTimeoutMs} ms`
        : r.spawnError
          ? `could not start: ${r.spawnError}`
          : `exit code ${r.exitCode}`;
      const tail = outputTail(r.output);
      const setupError = `setup command ${JSON.stringify(raw)} failed (${why})${tail ? `: ${tail.split('\n').slice(-3).join(' | ')}` : ''}`;
      return result({ setup_ok: false, setup_error: setupError, reason: setupError });
    }
  }

  const judged: JudgedRun[] = [];
  const signatures: Array<string | null> = [];
  const oracle = fillPlaceholders(answer.oracle_command, values);
  const ctx = {
    claimedSignature: answer.claimed_failure_signature,
    signals: opts.signals,
    issueFrame: opts.issueFrame,
    repoRoot,
    reproFile: reproPath,
    timeoutMs: opts.timeoutMs,
  };
  for (let i = 0; i < runs; i++) {
    if (opts.signal?.aborted) break;
    const r = await runUntrusted(oracle, {
      sandbox: opts.sandbox,
      signal: opts.signal,
      cwd: worktree,
      network: opts.sandbox.settings.oracle_network,
      env,
      interpreters: [opts.python],
      readable,
      timeoutMs: opts.timeoutMs,
      maxOutputBytes,
    });
    const { run, matchedSignature } = judgeRun(r, ctx);
    judged.push(run);
    signatures.push(matchedSignature);
    const matchesSoFar = judged.filter((x) => x.matched).length;
    // A hang costs a full timeout per run: stop once passing has become impossible.
    if (run.timed_out && matchesSoFar + (runs - i - 1) < minMatches) break;
  }
  const matches = judged.filter((x) => x.matched).length;
  const passed = matches >= minMatches;
  const matchedSignature = mostCommon(signatures);
  const firstMatch = judged.find((x) => x.matched);
  const firstMiss = judged.find((x) => !x.matched);
  const reason = passed
    ? `${matches}/${judged.length} runs matched ${JSON.stringify(matchedSignature)} (need ${minMatches})`
    : `${matches}/${judged.length} runs matched (need ${minMatches})${firstMiss ? `: ${firstMiss.reason}` : ''}`;
  return result({
    total_runs: judged.length,
    matches,
    matched_signature: matchedSignature,
    passed,
    runs: judged,
    repo_frames: firstMatch?.repo_frames ?? [],
    reason,
  });
}

// ---------- the predicate minimization uses ----------

export interface ReproducesCheckOptions {
  answer: Pick<ReproAnswer, 'candidate_id' | 'oracle_command' | 'claimed_failure_signature' | 'file_extension'>;
  worktree: string;
  python: string;
  signals: IssueSignals;
  issueFrame?: IssueFrame | null;
  sandbox: Sandbox;
  signal?: AbortSignal;
  timeoutMs: number;
  /** The original candidate's repository frames: a reduction must still pass through all of them. */
  requiredFrames: string[];
  repoRoot?: string;
  /** The user's checkout (its node_modules may be linked into the worktree, read-only). */
  userRepo?: string;
}

/**
 * `script => reproduces?` for minimization: one oracle run of the script (written under a content-named
 * file, so parallel probes do not collide) that must match and keep the original repository frames.
 */
export function makeReproducesCheck(opts: ReproducesCheckOptions): (script: string) => Promise<boolean> {
  const worktree = resolve(opts.worktree);
  const repoRoot = opts.repoRoot ?? worktree;
  const env = oracleEnv(worktree, opts.python);
  const node = isNodeExtension(opts.answer.file_extension);
  const shared = node ? linkPackage(worktree, opts.userRepo) : Promise.resolve(null);
  let probes = 0;
  return async (script: string) => {
    const hash = createHash('sha256').update(script).digest('hex').slice(0, 12);
    const reproFile = reproFilePath(worktree, opts.answer.candidate_id, opts.answer.file_extension, `_${hash}_${++probes}`);
    await writeReproFile(worktree, reproFile, script);
    const readable = (await shared) ? [(await shared) as string] : [];
    try {
      const r = await runUntrusted(fillPlaceholders(opts.answer.oracle_command, { reproFile, python: opts.python }), {
        sandbox: opts.sandbox,
        cwd: worktree,
        network: opts.sandbox.settings.oracle_network,
        env,
        interpreters: [opts.python],
        readable,
        timeoutMs: opts.timeoutMs,
      });
      const { run } = judgeRun(r, {
        claimedSignature: opts.answer.claimed_failure_signature,
        signals: opts.signals,
        issueFrame: opts.issueFrame,
        repoRoot,
        reproFile,
        timeoutMs: opts.timeoutMs,
      });
      const missing = opts.requiredFrames.filter((f) => !run.repo_frames.includes(f));
      if (run.matched && missing.length > 0) {
        run.matched = false;
        run.reason = `${run.reason}, but not through the repository code of the original (missing ${missing.join(', ')})`;
      }
      return run.matched;
    } finally {
      await rm(reproFile, { force: true });
    }
  };
}
