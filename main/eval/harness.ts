// The bug-fix eval: worktrees at the bug and fix commits, the oracle before and after, an agent's patch in between.
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { runAgentDirect } from '../agents/runDirect';
import type { Config } from '../config/config';
import { repoTopLevel, resolveCommit, Worktrees } from '../git/worktrees';
import { resolvePython } from '../manager/repro/python';
import { nonOpenaiProvider, runPreflight } from '../preflight/preflight';
import { writeJsonAtomic, writeTextAtomic } from '../runs/runStore';
import {
  claimEvalRunDir,
  evalPaths,
  type EvalErrorRecord,
  type EvalPaths,
  type EvalStatus,
  type EvalSummary,
  type OracleRecord,
  type OracleRole,
} from './artifacts';
import { touchesExpected, validatePatch } from '../fix/outcome';
import { buildFixPrompt, FIXER_ROLE, FIXER_WORKER } from './fixPrompt';
import { capturePatch, filesChangedBetween } from '../fix/patch';
import { fixtureOracleRecord, runOracle, runSetup, setupFailure, type EvalWorktree, type RuntimeContext } from './runtime';
import type { EvalMode, EvalSpec } from './spec';
import { resolveSandbox } from '../process/sandbox';

export interface EvalOptions {
  spec: EvalSpec;
  /** Where the spec came from (recorded in metadata.json). */
  specPath?: string | null;
  mode: EvalMode;
  repoPath: string;
  runsRoot: string;
  /** codex command/home/provider, worker_model (the fixer's model), worktree_root. */
  config: Config;
  /** Overrides the spec's python_version. */
  pythonVersion?: string;
  /** Overrides the spec's max_runtime_sec: the bound on the whole eval. */
  maxRuntimeSec?: number;
  /** Environment for the codex login check (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** The start time (names the folder). */
  now?: Date;
  /** Stops the eval at the next step (the agent at once); cleanup still runs. */
  signal?: AbortSignal;
  /** Progress lines. */
  log?: (line: string) => void;
}

/** Stops the eval before a verdict; recorded in error.json. */
export class EvalAbort extends Error {
  constructor(
    readonly phase: string,
    message: string,
  ) {
    super(message);
    this.name = 'EvalAbort';
  }
}

interface Outcome {
  status: EvalStatus;
  reason: string;
  skipReason?: string;
}

const AGENT_INVOCATION = 'fix';

class EvalRun {
  readonly paths: EvalPaths;
  private readonly log: (line: string) => void;
  private readonly deadline: number;
  private readonly maxRuntimeSec: number;
  private phase = 'inputs';
  private worktrees: Worktrees | null = null;
  /** Paths of the worktrees this run made (recorded before creation, so a half-made one is removed too). */
  private readonly created: Array<{ path: string }> = [];
  private readonly envRoot: string;
  private repo: string | null = null;
  private bugCommit: string | null = null;
  private fixCommit: string | null = null;
  // What summary.json reports.
  private before: OracleRecord | null = null;
  private reference: OracleRecord | null = null;
  private after: OracleRecord | null = null;
  private codexInvoked = false;
  private agent: EvalSummary['agent'] = null;
  private patchPath: string | null = null;
  private patchAccepted: boolean | null = null;

  constructor(
    readonly o: EvalOptions,
    readonly id: string,
    dir: string,
    private readonly startedAt: Date,
    private readonly t0: number,
  ) {
    this.paths = evalPaths(dir);
    this.log = o.log ?? (() => {});
    this.maxRuntimeSec = o.maxRuntimeSec ?? o.spec.max_runtime_sec;
    this.deadline = t0 + this.maxRuntimeSec * 1000;
    this.envRoot = join(resolve(o.config.manager.worktree_root), `mminions-${id}-env`);
  }

  /** Enters a phase: refuses to go on once the eval is stopped or out of time. */
  private step(phase: string, line?: string): void {
    this.phase = phase;
    if (this.o.signal?.aborted) throw new EvalAbort(phase, 'the eval was interrupted');
    if (Date.now() >= this.deadline)
      throw new EvalAbort(phase, `the eval exceeded --max-runtime-sec ${this.maxRuntimeSec} before ${phase}`);
    if (line) this.log(line);
  }

  /** A step's own bound, cut to what is left of the eval's budget. */
  private timeoutFor = (ms: number): number => Math.max(1, Math.min(ms, this.deadline - Date.now()));

  async run(): Promise<EvalSummary> {
    let outcome: Outcome | null = null;
    let error: Omit<EvalErrorRecord, 'cleanup_errors' | 'at'> | null = null;
    try {
      await this.writeMetadata();
      outcome = this.o.mode === 'offline' ? await this.offline() : await this.live();
    } catch (err) {
      const e = err as Error;
      error = { phase: err instanceof EvalAbort ? err.phase : this.phase, name: e.name || 'Error', message: e.message };
      this.log(`[eval] error in ${error.phase}: ${e.message}`);
    }
    const { removed, cleanupErrors } = await this.cleanup();
    if (error || cleanupErrors.length) {
      const record: EvalErrorRecord = {
        phase: error?.phase ?? 'cleanup',
        name: error?.name ?? 'CleanupError',
        message: error?.message ?? `cleanup failed: ${cleanupErrors.join('; ')}`,
        cleanup_errors: cleanupErrors,
        at: new Date().toISOString(),
      };
      await writeJsonAtomic(this.paths.error, record);
    }
    if (!outcome || error)
      outcome = {
        status: 'failed',
        reason: `error in ${error?.phase ?? 'cleanup'}: ${error?.message ?? cleanupErrors.join('; ')}`,
      };
    else if (cleanupErrors.length) outcome = { status: 'failed', reason: `cleanup failed: ${cleanupErrors.join('; ')}` };
    const summary: EvalSummary = {
      eval_run_id: this.id,
      name: this.o.spec.name,
      mode: this.o.mode,
      status: outcome.status,
      reason: outcome.reason,
      before_classification: this.before?.classification ?? null,
      reference_classification: this.reference?.classification ?? null,
      after_classification: this.after?.classification ?? null,
      codex_invoked: this.codexInvoked,
      agent: this.agent,
      skip_reason: outcome.skipReason ?? null,
      artifacts_dir: this.paths.dir,
      patch_path: this.patchPath,
      patch_accepted: this.patchAccepted,
      error: error?.message ?? (cleanupErrors.length ? `cleanup failed: ${cleanupErrors.join('; ')}` : null),
      worktrees_removed: removed,
      started_at: this.startedAt.toISOString(),
      finished_at: new Date().toISOString(),
      duration_ms: Date.now() - this.t0,
    };
    await writeJsonAtomic(this.paths.summary, summary);
    return summary;
  }

  private async writeMetadata(): Promise<void> {
    const { spec, config } = this.o;
    await writeJsonAtomic(this.paths.metadata, {
      eval_run_id: this.id,
      name: spec.name,
      mode: this.o.mode,
      description: spec.description ?? null,
      issue_url: spec.issue_url,
      spec_path: this.o.specPath ? resolve(this.o.specPath) : null,
      repo_path: this.repo ?? this.o.repoPath,
      bug_commit: { requested: spec.bug_commit, resolved: this.bugCommit },
      fix_commit: { requested: spec.fix_commit, resolved: this.fixCommit },
      expected_files: spec.expected_files,
      python_version: this.o.pythonVersion ?? spec.python_version,
      max_runtime_sec: this.maxRuntimeSec,
      runs_root: resolve(this.o.runsRoot),
      worktree_root: resolve(config.manager.worktree_root),
      started_at: this.startedAt.toISOString(),
      codex: {
        command: config.codex.command,
        home: config.codex.home,
        model: config.manager.worker_model,
        sandbox: 'workspace-write',
        model_provider: nonOpenaiProvider(config) ?? 'openai',
      },
      spec,
    });
  }

  /** The repository, both commits resolved, and a reference fix that touches an expected file. */
  private async checkInputs(): Promise<void> {
    const { spec } = this.o;
    this.step('inputs', `[eval] ${this.id}: checking ${this.o.repoPath} for ${spec.bug_commit} and ${spec.fix_commit}`);
    this.repo = await repoTopLevel(resolve(this.o.repoPath));
    this.worktrees = await Worktrees.open(this.repo, this.o.config.manager.worktree_root);
    this.bugCommit = await resolveCommit(this.repo, spec.bug_commit);
    this.fixCommit = await resolveCommit(this.repo, spec.fix_commit);
    await this.writeMetadata();
    if (this.bugCommit === this.fixCommit)
      throw new EvalAbort('inputs', `bug_commit and fix_commit are the same commit (${this.bugCommit})`);
    const changed = await filesChangedBetween(this.repo, this.bugCommit, this.fixCommit);
    if (!changed.some((f) => spec.expected_files.some((e) => touchesExpected(f, e)))) {
      throw new EvalAbort(
        'inputs',
        `the reference fix (${this.bugCommit.slice(0, 12)}..${this.fixCommit.slice(0, 12)}) touches none of expected_files (${spec.expected_files.join(', ')}); it changes ${changed.slice(0, 10).join(', ') || 'nothing'}`,
      );
    }
  }

  private async createWorktree(role: OracleRole, commit: string): Promise<EvalWorktree> {
    const wts = this.worktrees as Worktrees;
    // Recorded before creation: a half-made worktree is removed too.
    const path = join(wts.root, `mminions-${this.id}-${role}`);
    this.created.push({ path });
    const wt = await wts.create(`${this.id}-${role}`, commit);
    return { role, path: wt.path, commit: wt.commit, envDir: join(this.envRoot, role), worktree: wt };
  }

  /** Worktrees at the bug and the fix commit; every expected file exists in one of them. */
  private async createCommitWorktrees(): Promise<{ bug: EvalWorktree; reference: EvalWorktree }> {
    this.step(
      'worktrees',
      `[eval] creating worktrees at ${this.bugCommit?.slice(0, 12)} (bug) and ${this.fixCommit?.slice(0, 12)} (reference fix)`,
    );
    const bug = await this.createWorktree('bug', this.bugCommit as string);
    const reference = await this.createWorktree('reference', this.fixCommit as string);
    const missing = this.o.spec.expected_files.filter(
      (f) => !existsSync(join(bug.path, f)) && !existsSync(join(reference.path, f)),
    );
    if (missing.length)
      throw new EvalAbort('worktrees', `expected file(s) ${missing.join(', ')} exist at neither the bug nor the fix commit`);
    return { bug, reference };
  }

  private async writeOracleScript(): Promise<string | null> {
    const script = this.o.spec.oracle.script;
    if (script === undefined) return null;
    await mkdir(dirname(this.paths.oracleScript), { recursive: true });
    await writeFile(this.paths.oracleScript, script.endsWith('\n') ? script : `${script}\n`);
    return this.paths.oracleScript;
  }

  /** Deterministic, no codex, no build: inputs, wiring, worktrees, and the recorded before-oracle. */
  private async offline(): Promise<Outcome> {
    await this.checkInputs();
    const { bug } = await this.createCommitWorktrees();
    this.step('oracle:bug', "[eval] before-oracle: from the spec's recorded fixture (offline mode)");
    await this.writeOracleScript();
    this.before = fixtureOracleRecord(this.o.spec, bug.commit);
    await writeJsonAtomic(this.paths.beforeOracle, this.before);
    if (this.before.classification !== 'bug_present') {
      throw new EvalAbort(
        'oracle:bug',
        `the recorded before-oracle fixture does not classify as bug_present: ${this.before.classification_note}`,
      );
    }
    return {
      status: 'passed',
      reason: `offline checks passed: commits resolved, the reference fix touches ${this.o.spec.expected_files.join(', ')}, worktrees created at both commits, the recorded before-oracle classifies as bug_present`,
    };
  }

  /** Why the fixer cannot run here (no codex, no login and no other provider), or null. */
  private async codexUnavailable(): Promise<string | null> {
    this.step('codex-login');
    const pre = await runPreflight({ config: this.o.config, repoPath: this.repo as string, env: this.o.env, timeoutMs: 10_000 });
    const codex = pre.checks.find((c) => c.name === 'codex');
    const auth = pre.checks.find((c) => c.name === 'codex_auth');
    if (codex && !codex.ok) return `codex is not usable: ${codex.details}`;
    if (auth && !auth.ok)
      return `no usable codex login and no non-OpenAI model provider configured (${auth.details}); run \`codex login\` or set [codex.config] model_provider`;
    return null;
  }

  /** Setup then oracle in one worktree; a failed setup of the bug or reference worktree stops the eval. */
  private async prepareAndProbe(
    wt: EvalWorktree,
    ctx: RuntimeContext,
  ): Promise<{ setupError: string | null; record: OracleRecord | null }> {
    if (this.o.spec.setup.commands.length) {
      this.step(`setup:${wt.role}`, `[eval] setup in the ${wt.role} worktree (${this.o.spec.setup.commands.length} command(s))`);
      const setup = await runSetup(this.o.spec, wt, ctx);
      await mkdir(dirname(this.paths.setup(wt.role)), { recursive: true });
      await writeJsonAtomic(this.paths.setup(wt.role), setup);
      if (!setup.ok) return { setupError: setupFailure(setup), record: null };
    }
    this.step(`oracle:${wt.role}`, `[eval] oracle in the ${wt.role} worktree`);
    const record = await runOracle(this.o.spec, wt, ctx);
    this.log(`[eval]   ${wt.role}: ${record.classification} (${record.classification_note})`);
    return { setupError: null, record };
  }

  private async live(): Promise<Outcome> {
    const { spec, config } = this.o;
    await this.checkInputs();
    const unavailable = await this.codexUnavailable();
    if (unavailable) return { status: 'skipped', reason: `skipped: ${unavailable}`, skipReason: unavailable };

    const { bug, reference } = await this.createCommitWorktrees();
    const candidate = await this.createWorktree('candidate', bug.commit);

    this.step('python');
    const pythonVersion = this.o.pythonVersion ?? spec.python_version;
    const py = await resolvePython(pythonVersion, { workDir: this.paths.pythonDir, timeoutMs: this.timeoutFor(300_000) });
    if (py.diagnostic) this.log(`[eval] python: ${py.diagnostic}`);
    this.step('sandbox');
    const sandbox = await resolveSandbox(config.sandbox, {
      repoPath: this.repo ?? undefined,
      runsRoot: config.manager.runs_root,
      codexHome: config.codex.home,
      stateDir: this.paths.dir,
    }).catch((err: Error) => {
      throw new EvalAbort('sandbox', err.message);
    });
    this.log(`[eval] sandbox: ${sandbox.summary}`);
    const ctx: RuntimeContext = {
      python: py.python,
      oracleScript: await this.writeOracleScript(),
      timeoutFor: this.timeoutFor,
      sandbox,
    };

    const b = await this.prepareAndProbe(bug, ctx);
    if (b.setupError) throw new EvalAbort('setup:bug', `setup failed at the bug commit: ${b.setupError}`);
    this.before = b.record;
    await writeJsonAtomic(this.paths.beforeOracle, this.before);
    if (this.before?.classification !== 'bug_present') {
      throw new EvalAbort(
        'oracle:bug',
        `the oracle does not show the bug at the bug commit: ${this.before?.classification} (${this.before?.classification_note})`,
      );
    }

    const r = await this.prepareAndProbe(reference, ctx);
    if (r.setupError) throw new EvalAbort('setup:reference', `setup failed at the reference fix: ${r.setupError}`);
    this.reference = r.record;
    await writeJsonAtomic(this.paths.referenceOracle, this.reference);
    if (this.reference?.classification !== 'fixed') {
      throw new EvalAbort(
        'oracle:reference',
        `the oracle does not show the fix at the reference commit: ${this.reference?.classification} (${this.reference?.classification_note})`,
      );
    }

    this.step('agent', `[eval] running codex (${config.manager.worker_model}, workspace-write) in the candidate worktree`);
    for (const d of [this.paths.agent.promptsDir, this.paths.agent.agentsDir, this.paths.agent.telemetryDir])
      await mkdir(d, { recursive: true });
    this.codexInvoked = true;
    const result = await runAgentDirect(
      {
        invocation: AGENT_INVOCATION,
        role: FIXER_ROLE,
        workerId: FIXER_WORKER,
        prompt: buildFixPrompt(spec),
        worktree: candidate.path,
        model: config.manager.worker_model,
        sandbox: 'workspace-write',
      },
      { config, paths: this.paths.agent, timeoutMs: this.timeoutFor(spec.agent.timeout_sec * 1000), signal: this.o.signal },
    );
    this.agent = {
      status: result.status,
      exit_code: result.exitCode,
      usage: result.usage,
      duration_ms: result.durationMs,
      diagnostics: result.diagnostics,
    };
    const trailer =
      result.status === 'finished' ? '' : `\n[mminions] codex ${result.status}:\n${result.diagnostics.join('\n')}\n`;
    await writeTextAtomic(this.paths.codexOutput, `${result.rawOutput}${trailer}`);
    this.log(`[eval]   codex ${result.status} in ${Math.round(result.durationMs / 1000)} s`);

    this.step('patch');
    const { patch, files } = await capturePatch(candidate.worktree);
    await writeTextAtomic(this.paths.candidatePatch, patch);
    this.patchPath = this.paths.candidatePatch;
    const validation = validatePatch(patch, files, spec.expected_files);
    this.patchAccepted = validation.accepted;
    await writeJsonAtomic(this.paths.patchValidation, validation);
    const agentNote = result.status === 'finished' ? '' : ` (codex ${result.status}: ${result.diagnostics[0] ?? 'no detail'})`;
    if (!validation.accepted)
      return { status: 'failed', reason: `candidate patch rejected: ${validation.reasons.join('; ')}${agentNote}` };
    this.log(`[eval]   patch touches ${validation.files_touched.join(', ')}`);

    const c = await this.prepareAndProbe(candidate, ctx);
    if (c.setupError) return { status: 'failed', reason: `setup failed with the candidate patch: ${c.setupError}` };
    this.after = c.record;
    await writeJsonAtomic(this.paths.afterOracle, this.after);
    if (this.after?.classification === 'fixed')
      return {
        status: 'passed',
        reason: `the candidate patch fixes the bug: the oracle went from bug_present to fixed (${validation.files_touched.join(', ')})`,
      };
    return {
      status: 'failed',
      reason: `the candidate patch does not fix the bug: the oracle says ${this.after?.classification} (${this.after?.classification_note})${agentNote}`,
    };
  }

  /** Removes every worktree this run created and its env folder, whatever happened; reports what could not be removed. */
  private async cleanup(): Promise<{ removed: boolean; cleanupErrors: string[] }> {
    const errors: string[] = [];
    const wts = this.worktrees;
    if (wts) {
      for (const w of this.created) {
        try {
          await wts.remove(w.path);
        } catch (err) {
          errors.push(`could not remove worktree ${w.path}: ${(err as Error).message}`);
        }
      }
    }
    for (const dir of [this.envRoot, this.paths.agent.scratchDir]) {
      try {
        await rm(dir, { recursive: true, force: true });
      } catch (err) {
        errors.push(`could not remove ${dir}: ${(err as Error).message}`);
      }
    }
    let left: string[] = this.created.map((w) => w.path).filter((p) => existsSync(p));
    if (wts && this.created.length) {
      try {
        const listed = new Set((await wts.list()).map((w) => resolve(w.path)));
        left = [...new Set([...left, ...this.created.map((w) => resolve(w.path)).filter((p) => listed.has(p))])];
      } catch (err) {
        errors.push(`could not list worktrees: ${(err as Error).message}`);
      }
    }
    if (left.length) errors.push(`worktrees left behind: ${left.join(', ')}`);
    if (this.created.length)
      this.log(
        left.length
          ? `[eval] cleanup: ${left.length} worktree(s) left behind`
          : `[eval] cleanup: ${this.created.length} worktree(s) removed`,
      );
    return { removed: left.length === 0, cleanupErrors: errors };
  }
}

/**
 * Runs one eval and returns its summary (also in summary.json). Never throws for what happens
 * inside the eval: that is a `failed` summary with error.json. Throws only when the artifacts
 * folder cannot be created.
 */
export async function runEval(o: EvalOptions): Promise<EvalSummary> {
  const startedAt = o.now ?? new Date();
  const t0 = Date.now();
  const { id, dir } = await claimEvalRunDir(o.runsRoot, o.spec.name, startedAt);
  return new EvalRun(o, id, dir, startedAt, t0).run();
}
