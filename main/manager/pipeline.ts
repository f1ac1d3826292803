// The manager: preflight → issue → repro workers → validation → minimization → triage → decision.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { AgentRole } from '../../common/agentAnswers';
import type { CandidateFile, Decision, HypothesesFile, IssueSpec, PreflightCheck } from '../../common/artifacts';
import { stripControls } from '../../common/text';
import { writeOutputSchema } from '../agents/outputSchemas';
import { reproPrompt, triagePrompt } from '../agents/prompts';
import { selfCommand } from '../cli/self';
import type { Config } from '../config/config';
import { gitCommonDir, resolveCommit, Worktrees, type Worktree } from '../git/worktrees';
import { resolveSandbox } from '../process/sandbox';
import { ProcessTracker } from '../process/tracker';
import { RunLock } from '../runs/runLock';
import { intakeIssue } from '../issue/intake';
import { issueInRepository } from './issueContext';
import { runPreflight } from '../preflight/preflight';
import { appendEvent } from '../runs/events';
import { readJson, RunStore, writeJsonAtomic, type RunPaths } from '../runs/runStore';
import { isRunSession, sessionName, Tmux } from '../tmux/tmux';
import { configWarningsPath, emptyDecision, metaPath, writeDecision, type RunMeta } from './decision';
import { PhaseTimer, TokenLedger } from './metrics';
import { minimizeRepro, type MinimizeOutcome } from './minimizePhase';
import { renderFinalReport, renderSummary } from './report';
import { validateAndChoose, type ReproOutcome } from './reproPhase';
import { SessionsLog } from './sessionsLog';
import { triageHypotheses } from './triagePhase';
import { runWorkerPhase, type PhaseContext, type WorkerOutcome } from './workerPhase';

export interface ManagerRunOptions {
  config: Config;
  issue: { url?: string; file?: string; text?: string };
  /** Reuse this id (the launcher creates the folder first) or make a new one. */
  runId?: string;
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

export class StopRequested extends Error {
  constructor() {
    super('the run was stopped');
    this.name = 'StopRequested';
  }
}

/** Opens the launcher's folder for `runId` when it is still empty of results, else creates one. */
async function openRun(store: RunStore, runId: string | undefined) {
  if (runId && (await store.exists(runId))) {
    const paths = store.paths(runId);
    if (existsSync(paths.runDone)) throw new Error(`run ${runId} has already finished; choose another --run-id`);
    const { mkdir, writeFile } = await import('node:fs/promises');
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
    return { runId, paths };
  }
  return store.create(runId);
}

export async function runManager(o: ManagerRunOptions): Promise<ManagerRunResult> {
  const { config } = o;
  const out = (line: string) => {
    try {
      // Progress lines quote agents (candidate ids, reasons, hypotheses): nothing in them may drive the terminal.
      o.out?.(stripControls(line));
    } catch {
      // stdout may be gone (the manager's tmux session was killed); the run goes on.
    }
  };
  const signal = o.signal ?? new AbortController().signal;
  const store = new RunStore(config.manager.runs_root);
  const { runId, paths } = await openRun(store, o.runId);
  // One manager per run: a second one on a live run stops here, before it touches anything.
  const lock = await RunLock.acquire(paths.dir, runId);
  const tracker = new ProcessTracker(join(paths.metaDir, 'processes'));
  const tmux = new Tmux(config.tmux.socket);
  const timer = new PhaseTimer();
  const ledger = new TokenLedger();
  const launchWarnings = (await readJson(configWarningsPath(paths), z.array(z.string())).catch(() => null)) ?? [];
  const diagnostics: string[] = [...new Set([...launchWarnings, ...config.meta.warnings])].map((w) => `config: ${w}`);
  const models = { worker_model: config.manager.worker_model, manager_model: config.manager.manager_model };
  const sessions = new SessionsLog(paths.sessions, {
    runId,
    socket: config.tmux.socket,
    managerSession: sessionName(runId, 'manager'),
    issueUrl: o.issue.url ?? null,
    pid: process.pid,
  });
  await sessions.flush();
  const emit = async (type: string, data: Record<string, unknown>, line?: string) => {
    await appendEvent(paths.events, { type, ...data });
    if (line) out(line);
  };
  const meta: RunMeta = {
    run_id: runId,
    repo_path: config.manager.repo_path,
    worktree_root: config.manager.worktree_root,
    commit: null,
    pid: process.pid,
    pid_start_time: lock.holder.start_time,
    started_at: new Date().toISOString(),
    ...models,
  };
  await writeJsonAtomic(metaPath(paths), meta);
  await emit(
    'run_started',
    { run_id: runId, repo_path: config.manager.repo_path, workers: config.manager.workers, issue: o.issue },
    `mminions run ${runId} — artifacts in ${paths.dir}`,
  );

  const created: Worktree[] = [];
  let worktrees: Worktrees | null = null;
  /** Worktree removals under way (see removeInBackground). */
  const removals: Array<Promise<unknown>> = [];
  /** Worktree creations not yet settled (cleanupAll waits for them, so none is left behind). */
  const creating = new Set<Promise<unknown>>();
  /** The repository and its HEAD, looked up once while preflight runs (a failure shows in preflight too). */
  const repoReady = (async () => {
    const wts = await Worktrees.open(config.manager.repo_path, config.manager.worktree_root);
    worktrees = wts;
    return { wts, commit: await resolveCommit(wts.repo, 'HEAD') };
  })();
  repoReady.catch(() => undefined);
  /** Worktrees made ahead of need, by name: handed out once by ctx.createWorktree. */
  const prepared = new Map<string, Promise<Worktree>>();
  const makeWorktree = (name: string): Promise<Worktree> => {
    const p = repoReady.then(async ({ wts, commit }) => {
      const w = await wts.create(name, commit);
      created.push(w);
      return w;
    });
    creating.add(p);
    void p.then(
      () => creating.delete(p),
      () => creating.delete(p),
    );
    return p;
  };
  /**
   * Starts making the worktrees of a coming phase in the background (git checkouts are I/O the manager
   * would otherwise wait for on the run's critical path). Unused ones are removed with the rest.
   */
  const prepareWorktrees = (names: string[]) => {
    for (const name of names) {
      if (prepared.has(name)) continue;
      const p = makeWorktree(name);
      p.catch(() => undefined); // a failure surfaces when the phase asks for it
      prepared.set(name, p);
    }
  };
  /** cleanupAll has run to its end (conclude does it; the finally block covers every other way out). */
  let cleanedUp = false;
  let issue: IssueSpec | null = null;
  let preflight: { ok: boolean; checks: PreflightCheck[] } = { ok: false, checks: [] };
  let repro: ReproOutcome | null = null;
  let minimized: MinimizeOutcome | null = null;
  let hypotheses: HypothesesFile | null = null;
  let decision: Decision;

  const phase = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    if (signal.aborted) throw new StopRequested();
    timer.start(name);
    await emit('phase_started', { phase: name }, `== ${name}`);
    let result: T;
    try {
      result = await fn();
    } finally {
      const sec = timer.stop(name);
      await emit('phase_finished', { phase: name, seconds: sec });
    }
    if (signal.aborted) throw new StopRequested();
    return result;
  };
  const finish = (status: Decision['status'], rationale: string, extra: Partial<Decision> = {}): Decision => ({
    ...emptyDecision(status, rationale, models),
    preflight,
    diagnostics,
    ...extra,
  });
  const countTokens = (outcomes: WorkerOutcome[]) => {
    for (const w of outcomes) if (w.result) ledger.add(w.result.invocation, w.result.usage);
  };

  try {
    // While preflight runs: read the issue (often a GitHub request) and check out the repro workers'
    // worktrees. Both are only used once preflight has passed.
    const issueNotes: string[] = [];
    const intake = intakeIssue({
      issueUrl: o.issue.url,
      issueFile: o.issue.file,
      issueText: o.issue.text,
      config,
      onNote: (n) => issueNotes.push(n),
    });
    intake.catch(() => undefined); // its error is reported by the issue phase
    prepareWorktrees(Array.from({ length: config.manager.workers }, (_, i) => `${runId}-w${i + 1}`));
    preflight = await phase('preflight', async () => {
      const res = await runPreflight({ config, repoPath: config.manager.repo_path });
      for (const c of res.checks) out(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.details}`);
      return res;
    });
    const recordIssue = async (read: IssueSpec) => {
      const repo = await repoReady.then(
        ({ wts, commit }) => ({ path: wts.repo, commit }),
        () => null,
      );
      const { spec, dropped } = await issueInRepository(read, repo, issueNotes);
      for (const n of issueNotes) {
        diagnostics.push(`issue: ${n}`);
        out(`  note: ${n}`);
      }
      if (dropped.length) diagnostics.push(`issue: paths it names that the repository does not have: ${dropped.join(', ')}`);
      await writeJsonAtomic(paths.issue, spec);
      await sessions.setIssueUrl(spec.issue_url);
      return spec;
    };
    if (!preflight.ok) {
      const failed = preflight.checks.filter((c) => !c.ok);
      // If the issue was read meanwhile (or is about to be), keep it so the run says what it was
      // about; a slow fetch is not waited for.
      let timer: NodeJS.Timeout | undefined;
      const spec = await Promise.race([
        intake.catch(() => null),
        new Promise<null>((r) => (timer = setTimeout(() => r(null), 1_000))),
      ]);
      clearTimeout(timer);
      if (spec) issue = await recordIssue(spec);
      decision = finish('needs-human', `Preflight failed: ${failed.map((c) => `${c.name} (${c.details})`).join('; ')}.`);
      return await conclude();
    }

    issue = await phase('issue', async () => {
      const spec = await recordIssue(await intake);
      out(`  "${spec.title}" — signals: ${spec.expected_failure_signals.slice(0, 5).join(' | ') || 'none'}`);
      return spec;
    }).catch(async (err) => {
      if (err instanceof StopRequested) throw err;
      diagnostics.push(`issue intake: ${(err as Error).message}`);
      return null;
    });
    if (!issue) {
      decision = finish(
        'needs-human',
        `Could not read the issue: ${diagnostics[diagnostics.length - 1]?.replace(/^issue intake: /, '')}`,
      );
      return await conclude();
    }
    if (issue.status !== 'ok') {
      decision = finish('needs-human', `The issue cannot be reproduced automatically: ${issue.reason ?? 'no failure signal'}.`);
      return await conclude();
    }

    const { wts, commit } = await repoReady;
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
    if (sandbox.kind === 'none') diagnostics.push(`sandbox: ${sandbox.summary}`);
    await emit(
      'sandbox',
      { kind: sandbox.kind, mode: sandbox.mode, summary: sandbox.summary },
      sandbox.kind === 'none' ? `  WARNING: ${sandbox.summary}` : `  sandbox: ${sandbox.summary}`,
    );
    const schemaCache = new Map<AgentRole, Promise<string>>();
    const ctx: PhaseContext = {
      runId,
      config,
      paths,
      tmux,
      sessions,
      renderCommand: [...(o.selfCommand ?? selfCommand()), 'render-events'],
      schemaFile: (role) => {
        if (!schemaCache.has(role)) schemaCache.set(role, writeOutputSchema(role, paths.metaDir));
        return schemaCache.get(role)!;
      },
      createWorktree: (name) => {
        const p = prepared.get(name);
        prepared.delete(name);
        return p ?? makeWorktree(name);
      },
      emit,
      signal,
      sandbox,
      userRepo: wts.repo,
    };
    const removeWorktree = async (w: Worktree) => removeInBackground([w]);
    const n = config.manager.workers;

    const reproWorkers = await phase('repro', async () => {
      const specs = Array.from({ length: n }, (_, i) => ({
        workerId: `w${i + 1}`,
        role: 'REPRO_BUILDER' as const,
        phase: 'repro' as const,
        prompt: reproPrompt({ workerId: `w${i + 1}`, issue: issue!, repoPath: config.manager.repo_path }),
        outputPath: paths.candidate(`w${i + 1}`),
      }));
      const outcomes = await runWorkerPhase(ctx, specs, config.manager.timeout_sec);
      countTokens(outcomes);
      cleanupPhase(outcomes.map((w) => w.spec.workerId));
      return outcomes;
    });

    repro = await phase('validation', () =>
      validateAndChoose({ ctx, issue: issue!, workers: reproWorkers, removeWorktree, diagnostics }),
    );
    if (!repro.chosen) {
      decision = finish('needs-human', `No deterministic reproducer: ${repro.summary}`, { diagnostics });
      return await conclude();
    }

    // Triage will need its worktrees: make them while minimization runs.
    prepareWorktrees(Array.from({ length: n }, (_, i) => `${runId}-w${n + i + 1}`));
    minimized = await phase('minimize', () =>
      minimizeRepro({ ctx, issue: issue!, chosen: repro!.chosen!, python: repro!.python, removeWorktree, ledger, diagnostics }),
    );

    hypotheses = await phase('triage', async () => {
      const specs = Array.from({ length: n }, (_, i) => {
        const workerId = `w${n + i + 1}`;
        return {
          workerId,
          role: 'TRIAGER' as const,
          phase: 'triage' as const,
          prompt: triagePrompt({
            workerId,
            issue: issue!,
            minimalRepro: {
              script: minimized!.script,
              oracle_command: minimized!.candidate.oracle_command,
              claimed_failure_signature: minimized!.candidate.claimed_failure_signature,
              failure_output_tail: minimized!.failureTail,
              repo_frames: minimized!.repoFrames.map((f) => `${f.file}:${f.line} in ${f.func ?? '?'}`),
            },
          }),
          outputPath: `${paths.triageDir}/${workerId}.json`,
        };
      });
      const outcomes = await runWorkerPhase(ctx, specs, config.manager.timeout_sec);
      countTokens(outcomes);
      cleanupPhase(outcomes.map((w) => w.spec.workerId));
      return triageHypotheses({
        ctx,
        issue: issue!,
        workers: outcomes,
        repoPath: wts.repo,
        commit,
        reproFrames: minimized!.repoFrames,
        diagnostics,
      });
    });

    const top = hypotheses.top;
    const reproBlock = {
      path: minimized.path,
      oracle_command: minimized.candidate.oracle_command,
      claimed_failure_signature: minimized.candidate.claimed_failure_signature,
      validation: minimized.validation,
    };
    if (top.length === 0) {
      decision = finish(
        'needs-human',
        `Reproduced the failure (${repro.chosen.worker_id}), but no hypothesis had valid evidence in the code.`,
        {
          selected_repro_candidate_id: repro.chosen.candidate_id,
          repro: reproBlock,
        },
      );
    } else {
      const h = top[0]!;
      const { nextFixTargets } = await import('./ranking');
      decision = finish(
        'ok',
        `Reproduced deterministically (${minimized.validation.matches}/${minimized.validation.total_runs} runs) with ${repro.chosen.worker_id}'s candidate, minimized to ${minimized.reduction.lines_final} lines; the top hypothesis (${h.worker_id}, score ${h.score.toFixed(2)}) points at ${h.evidence[0] ? `${h.evidence[0].file}:${h.evidence[0].line}` : 'the code'}.`,
        {
          selected_repro_candidate_id: repro.chosen.candidate_id,
          repro: reproBlock,
          top_hypotheses: top,
          next_fix_targets: nextFixTargets(top, minimized.repoFrames),
        },
      );
    }
    return await conclude();
  } catch (err) {
    if (err instanceof StopRequested || signal.aborted) {
      decision = finish('stopped', 'Stopped by request before the run finished.');
    } else {
      diagnostics.push(`manager error: ${(err as Error).stack ?? (err as Error).message}`);
      decision = finish('failed', `The manager failed: ${(err as Error).message}`);
    }
    return await conclude();
  } finally {
    if (!cleanedUp) await cleanupAll();
    await lock.release();
  }

  /**
   * Ends a phase's sessions (their agents have ended; the panes stay readable until then) and removes
   * its worktrees, in the background, off the run's critical path: the next phase uses sessions and
   * worktrees of its own. cleanupAll waits for all of it.
   */
  function cleanupPhase(workerIds: string[]): void {
    const killed = tmux.killSessions(workerIds.map((w) => sessionName(runId, w))).catch(() => undefined);
    removeInBackground(
      created.filter((w) => workerIds.some((id) => w.path.endsWith(`mminions-${runId}-${id}`))),
      killed,
    );
  }

  /**
   * Starts removing these worktrees (after `first`, e.g. killing the sessions that use them); cleanupAll
   * awaits every removal.
   */
  function removeInBackground(items: Worktree[], first: Promise<unknown> = Promise.resolve()): void {
    for (const w of items) {
      const i = created.indexOf(w);
      if (i >= 0) created.splice(i, 1);
    }
    removals.push(
      first.then(() => (items.length ? worktrees?.removeMany(items.map((w) => w.path)).catch(() => undefined) : undefined)),
    );
  }

  async function cleanupAll() {
    await Promise.allSettled([...creating]);
    prepared.clear();
    await Promise.all(removals.splice(0));
    const live = await tmux.listSessions().catch(() => new Set<string>());
    await tmux
      .killSessions([...live].filter((s) => isRunSession(s, runId) && s !== sessionName(runId, 'manager')))
      .catch(() => undefined);
    removeInBackground([...created]);
    await Promise.all(removals.splice(0));
    for (const w of sessions.snapshot.workers) {
      if (w.status === 'running' || w.status === 'pending')
        await sessions.updateWorker(w.worker_id, { status: 'stopped', finished_at: new Date().toISOString() });
    }
    cleanedUp = true;
  }

  async function conclude(): Promise<ManagerRunResult> {
    await cleanupAll();
    decision.metrics = {
      ...decision.metrics,
      timing_sec: timer.finish(),
      tokens: ledger.totals(),
      model_routing: models,
      ...(minimized ? { reduction: minimized.reduction } : {}),
    };
    decision.diagnostics = diagnostics;
    decision.created_at = new Date().toISOString();
    const candidates: CandidateFile[] = repro?.candidates ?? [];
    const minimalScript = minimized ? await readFile(minimized.path, 'utf8').catch(() => minimized!.script) : null;
    const report = renderFinalReport({ runId, runDir: paths.dir, decision, issue, candidates, minimalScript, hypotheses });
    await writeDecision(runId, paths, decision, report);
    const summary = renderSummary(paths.dir, decision);
    out(summary);
    return { runId, paths, decision, summary };
  }
}
