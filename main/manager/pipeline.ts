// The manager: preflight → issue → repro (workers) → validation → minimize → triage (workers) → fix (workers, verified) → decision.
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Decision } from '../../common/artifacts';
import type { RunRequest } from '../../common/runRequest';
import { selfCommand } from '../cli/self';
import { gitCommonDir, isRunWorktree } from '../git/worktrees';
import { endProcessesIn } from '../process/groups';
import { preflightHint, runPreflight } from '../preflight/preflight';
import { resolveSandbox } from '../process/sandbox';
import { ProcessTracker } from '../process/tracker';
import { serveControl } from '../runs/controlChannel';
import { RunLock } from '../runs/runLock';
import { type RunPaths, RunStore, writeJsonAtomic } from '../runs/runStore';
import { isRunSession, sessionName, Tmux } from '../tmux/tmux';
import { metaPath, type RunMeta } from './decision';
import {
  concludeRun,
  type DecisionCore,
  fixSkipped,
  NO_OUTCOME,
  type RunOutcome,
  reproAndTriageDecision,
  withFix,
} from './decisionBuilder';
import { collectFixes, fixerIds, fixWorkers } from './fix/fixPhase';
import { verifyFixes } from './fix/verify';
import { recordIssue, startReadingIssue } from './issue/issuePhase';
import { requestPath } from './launcher';
import { PhaseTimer, TokenLedger } from './metrics';
import { minimizeRepro } from './minimize/minimizePhase';
import { reproWorkers, validateAndChoose } from './repro/reproPhase';
import {
  type EarlyRunContext,
  makeEmitter,
  phase,
  progressWriter,
  type RunContext,
  StopRequested,
  schemaFiles,
} from './runContext';
import { triageHypotheses, triageWorkers } from './triage/triagePhase';
import { Steering } from './steering';
import { SessionsLog } from './workers/sessionsLog';
import type { WorkerOutcome } from './workers/workerPhase';
import { WorktreePool } from './worktreePool';

export { StopRequested };

export interface ManagerRunOptions {
  request: RunRequest;
  /** Progress lines (stdout of `mminions manager`). */
  out?: (line: string) => void;
  signal?: AbortSignal;
  /** argv prefix that runs `mminions` (for render-events in worker panes). */
  selfCommand?: string[];
}

export interface ManagerRunResult {
  runId: string;
  paths: RunPaths;
  decision: Decision;
  summary: string;
}

/** The run's folder: the launcher's (with its request), else a new one (and its request written here). */
async function openRun(request: RunRequest): Promise<{ runId: string; paths: RunPaths }> {
  const store = new RunStore(request.config.manager.runs_root);
  const id = request.run_id || undefined;
  if (id && (await store.exists(id))) {
    const paths = store.paths(id);
    if (existsSync(paths.runDone)) throw new Error(`run ${id} has already finished; choose another --run-id`);
    for (const d of [
      paths.candidatesDir,
      paths.triageDir,
      paths.promptsDir,
      paths.scriptsDir,
      paths.agentsDir,
      paths.telemetryDir,
      paths.metaDir,
    ]) {
      await mkdir(d, { recursive: true });
    }
    await writeFile(paths.events, '', { flag: 'a' });
    return { runId: id, paths };
  }
  return store.create(id);
}

/** Every session of the run but the manager's ended, every worktree removed, running workers recorded as stopped. */
async function cleanUp(ctx: EarlyRunContext): Promise<void> {
  await ctx.pool.drain();
  const live = await ctx.tmux.listSessions().catch(() => new Set<string>());
  const mine = [...live].filter((s) => isRunSession(s, ctx.runId) && s !== sessionName(ctx.runId, 'manager'));
  await ctx.tmux.killSessions(mine).catch(() => undefined);
  // Nothing that works in one of the run's worktrees outlives it.
  // (Not the tmux server, which other runs share: its command line can name one of this run's worktrees.)
  const server = await ctx.tmux.serverPid().catch(() => null);
  endProcessesIn(ctx.config.manager.worktree_root, (name) => isRunWorktree(name, ctx.runId), [server]);
  await ctx.pool.drain();
  // The agents' temporary folders (their TMPDIRs) go with them.
  await rm(ctx.paths.scratchDir, { recursive: true, force: true }).catch(() => undefined);
  for (const w of ctx.sessions.snapshot.workers) {
    if (w.status === 'running' || w.status === 'pending') {
      await ctx.sessions.updateWorker(w.worker_id, { status: 'stopped', finished_at: new Date().toISOString() });
    }
  }
}

/**
 * Ends a phase's sessions (their agents have ended; the panes stay readable until then) and
 * removes its worktrees, off the run's critical path: the next phase has its own.
 */
function releasePhase(ctx: RunContext, outcomes: WorkerOutcome[]): void {
  const ids = outcomes.map((w) => w.spec.workerId);
  const killed = ctx.tmux.killSessions(ids.map((w) => sessionName(ctx.runId, w))).catch(() => undefined);
  ctx.pool.release(ctx.pool.find(ids.map((worker) => ({ kind: 'worker' as const, worker }))), killed);
}

function countTokens(ctx: RunContext, outcomes: WorkerOutcome[]): void {
  for (const w of outcomes) if (w.result) ctx.ledger.add(w.result.invocation, w.result.usage);
}

export async function runManager(o: ManagerRunOptions): Promise<ManagerRunResult> {
  const { request } = o;
  const config = request.config;
  const { runId, paths } = await openRun(request);
  // One manager per run: a second one on a live run stops here, before it touches anything.
  const lock = await RunLock.acquire(paths.dir, runId);
  if (!existsSync(requestPath(paths))) await writeJsonAtomic(requestPath(paths), { ...request, run_id: runId });
  const out = progressWriter(o.out);
  const emit = makeEmitter(paths, out);
  const sessions = new SessionsLog(paths.sessions, {
    runId,
    socket: config.tmux.socket,
    managerSession: sessionName(runId, 'manager'),
    issueUrl: request.issue.url ?? null,
    pid: process.pid,
  });
  const early: EarlyRunContext = {
    runId,
    request,
    config,
    paths,
    tmux: new Tmux(config.tmux.socket),
    sessions,
    pool: new WorktreePool(runId, config.manager.repo_path, config.manager.worktree_root),
    renderCommand: [...(o.selfCommand ?? selfCommand()), 'render-events'],
    schemaFile: schemaFiles(paths),
    emit,
    out,
    diagnostics: [...new Set(config.meta.warnings)].map((w) => `config: ${w}`),
    ledger: new TokenLedger(),
    timer: new PhaseTimer(),
    signal: o.signal ?? new AbortController().signal,
    steering: new Steering((worker, text, delivered) => emit('followup', { worker, text, delivered }), out),
  };
  // Follow-ups and commands from `mminions send` and the API reach the manager through the run's control folder.
  const stopServingControl = serveControl(paths.dir, (req) => early.steering.handle(req));
  const tracker = new ProcessTracker(join(paths.metaDir, 'processes'));
  await sessions.flush();
  const meta: RunMeta = {
    run_id: runId,
    repo_path: config.manager.repo_path,
    worktree_root: config.manager.worktree_root,
    commit: null,
    pid: process.pid,
    pid_start_time: lock.holder.start_time,
    started_at: new Date().toISOString(),
    worker_model: config.manager.worker_model,
    manager_model: config.manager.manager_model,
  };
  await writeJsonAtomic(metaPath(paths), meta);
  await early.emit(
    'run_started',
    { run_id: runId, repo_path: config.manager.repo_path, workers: config.manager.workers, issue: request.issue },
    `mminions run ${runId} — artifacts in ${paths.dir}`,
  );

  const outcome: RunOutcome = { ...NO_OUTCOME };
  let core: DecisionCore;
  try {
    core = await runPhases();
  } catch (err) {
    if (err instanceof StopRequested || early.signal.aborted) {
      core = { status: 'stopped', rationale: 'Stopped by request before the run finished.' };
    } else {
      early.diagnostics.push(`manager error: ${(err as Error).stack ?? (err as Error).message}`);
      core = { status: 'failed', rationale: `The manager failed: ${(err as Error).message}` };
    }
  }
  try {
    await cleanUp(early);
    const { decision, summary } = await concludeRun(early, core, outcome);
    return { runId, paths, decision, summary };
  } finally {
    stopServingControl();
    await lock.release();
  }

  /** The phases in order; returns the decision (the run's end is concludeRun's). */
  async function runPhases(): Promise<DecisionCore> {
    // While preflight runs: read the issue (often a GitHub request) and check out the repro workers'
    // worktrees. Both are only used once preflight has passed.
    const reading = startReadingIssue(request.issue, config);
    const n = config.manager.workers;
    early.pool.prepare(Array.from({ length: n }, (_, i) => ({ kind: 'worker' as const, worker: `w${i + 1}` })));
    outcome.preflight = await phase(early, 'preflight', async () => {
      const res = await runPreflight({ config, repoPath: config.manager.repo_path });
      for (const c of res.checks) {
        out(`  ${c.ok ? (c.warning ? 'warn' : 'ok  ') : 'FAIL'} ${c.name}: ${c.details}`);
        if (!c.ok) out(`       fix: ${preflightHint(c)}`);
      }
      return res;
    });
    const repo = () =>
      early.pool.ready.then(
        ({ wts, commit }) => ({ path: wts.repo, commit }),
        () => null,
      );
    if (!outcome.preflight.ok) {
      // If the issue was read meanwhile (or is about to be), keep it so the run says what it was
      // about; a slow fetch is not waited for.
      // An issue that cannot be read (a malformed URL fails at once) is said too: both get fixed in one go.
      let t: NodeJS.Timeout | undefined;
      let unreadable: string | null = null;
      const spec = await Promise.race([
        reading.read.catch((err: unknown) => {
          unreadable = (err as Error).message;
          return null;
        }),
        new Promise<null>((r) => (t = setTimeout(() => r(null), 1_000))),
      ]);
      clearTimeout(t);
      if (spec) outcome.issue = await recordIssue(early, spec, await repo(), reading.notes);
      if (unreadable) out(`  also, the issue cannot be read: ${unreadable}`);
      const failed = outcome.preflight.checks.filter((c) => !c.ok);
      return {
        status: 'needs-human',
        rationale: `Preflight failed: ${failed.map((c) => `${c.name} (${c.details})`).join('; ')}.${unreadable ? ` Also, the issue cannot be read: ${unreadable}` : ''}`,
      };
    }

    const issue = await phase(early, 'issue', async () => {
      const spec = await recordIssue(early, await reading.read, await repo(), reading.notes);
      out(`  "${spec.title}" — signals: ${spec.expected_failure_signals.slice(0, 5).join(' | ') || 'none'}`);
      return spec;
    }).catch((err) => {
      if (err instanceof StopRequested) throw err;
      early.diagnostics.push(`issue intake: ${(err as Error).message}`);
      return null;
    });
    outcome.issue = issue;
    if (!issue) {
      const why = early.diagnostics[early.diagnostics.length - 1]?.replace(/^issue intake: /, '');
      return { status: 'needs-human', rationale: `Could not read the issue: ${why}` };
    }
    if (issue.status !== 'ok') {
      return {
        status: 'needs-human',
        rationale: `The issue cannot be reproduced automatically: ${issue.reason ?? 'no failure signal'}.`,
      };
    }

    const ctx = await inRepository();
    const reproOutcomes = await phase(ctx, 'repro', async () => {
      const outcomes = await reproWorkers(ctx, issue);
      countTokens(ctx, outcomes);
      releasePhase(ctx, outcomes);
      return outcomes;
    });
    const repro = await phase(ctx, 'validation', () => validateAndChoose(ctx, issue, reproOutcomes));
    outcome.repro = repro;
    if (!repro.chosen) return { status: 'needs-human', rationale: `No deterministic reproducer: ${repro.summary}` };

    // Triage will need its worktrees: make them while minimization runs.
    ctx.pool.prepare(Array.from({ length: n }, (_, i) => ({ kind: 'worker' as const, worker: `w${n + i + 1}` })));
    const minimized = await phase(ctx, 'minimize', () =>
      minimizeRepro({ ctx, issue, chosen: repro.chosen!, python: repro.python }),
    );
    outcome.minimized = minimized;

    const fixers = config.manager.fix_workers;
    const hypotheses = await phase(ctx, 'triage', async () => {
      // The fixers' worktrees are made while triage runs.
      ctx.pool.prepare(fixerIds(n, fixers).map((worker) => ({ kind: 'worker' as const, worker })));
      const outcomes = await triageWorkers(ctx, issue, minimized);
      countTokens(ctx, outcomes);
      releasePhase(ctx, outcomes);
      return triageHypotheses({ ctx, issue, workers: outcomes, reproFrames: minimized.repoFrames });
    });
    outcome.hypotheses = hypotheses;
    if (fixers <= 0) {
      out('fix phase: off (fix_workers = 0)');
      return withFix(reproAndTriageDecision(repro, minimized, hypotheses), fixSkipped('fix_workers = 0'));
    }
    if (hypotheses.ranked.length === 0) {
      out('fix phase: skipped (no hypothesis with valid evidence to fix)');
      return withFix(
        reproAndTriageDecision(repro, minimized, hypotheses),
        fixSkipped('no hypothesis with valid evidence to fix'),
      );
    }
    const fixed = await phase(ctx, 'fix', async () => {
      await mkdir(ctx.paths.fixDir, { recursive: true });
      const { outcomes, assigned } = await fixWorkers(ctx, issue, minimized, hypotheses);
      countTokens(ctx, outcomes);
      // The patches are captured before the fixers' worktrees go.
      const proposed = await collectFixes(ctx, outcomes, assigned);
      releasePhase(ctx, outcomes);
      return verifyFixes({ ctx, issue, repro, minimized, hypotheses, proposed });
    });
    outcome.fix = fixed.summary;
    outcome.hypotheses = fixed.hypotheses;
    return withFix(reproAndTriageDecision(repro, minimized, fixed.hypotheses), fixed.summary);
  }

  /** The run's context once the repository is known: its commit, and the sandbox its commands run in. */
  async function inRepository(): Promise<RunContext> {
    const { wts, commit } = await early.pool.ready;
    meta.commit = commit;
    const sandbox = await resolveSandbox(config.sandbox, {
      tracker,
      repoPath: wts.repo,
      gitCommonDir: await gitCommonDir(wts.repo),
      runsRoot: config.manager.runs_root,
      codexHome: config.codex.home,
      stateDir: paths.metaDir,
    });
    meta.sandbox = { kind: sandbox.kind, mode: sandbox.mode, summary: sandbox.summary };
    await writeJsonAtomic(metaPath(paths), meta);
    if (sandbox.kind === 'none') early.diagnostics.push(`sandbox: ${sandbox.summary}`);
    await early.emit(
      'sandbox',
      { kind: sandbox.kind, mode: sandbox.mode, summary: sandbox.summary },
      sandbox.kind === 'none' ? `  WARNING: ${sandbox.summary}` : `  sandbox: ${sandbox.summary}`,
    );
    return { ...early, sandbox, userRepo: wts.repo, commit };
  }
}
