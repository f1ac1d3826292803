// A phase of workers: each in its own worktree and tmux session, supervised until finished, failed or timed out.
import { stat, writeFile } from 'node:fs/promises';
import type { AgentRole } from '../../../common/agentAnswers';
import type { WorkerRecord, WorkerStatus } from '../../../common/artifacts';
import type { AgentResult } from '../../agents/agent';
import {
  collectTmuxAgent,
  readExitFile,
  startTmuxAgent,
  stopTmuxAgent,
  waitForExitFile,
  type TmuxAgentHandle,
} from '../../agents/tmuxAgent';
import type { SandboxMode } from '../../config/config';
import type { Worktree } from '../../git/worktrees';
import { sessionName } from '../../tmux/tmux';
import type { RunContext } from '../runContext';

export interface WorkerSpec {
  workerId: string;
  role: Extract<AgentRole, 'REPRO_BUILDER' | 'TRIAGER' | 'FIXER'>;
  phase: 'repro' | 'triage' | 'fix';
  prompt: string;
  outputPath: string;
  /** codex's own sandbox for this worker (default: the configured one, read-only); fixers write their worktree. */
  sandbox?: SandboxMode;
}

export interface WorkerOutcome {
  spec: WorkerSpec;
  status: Extract<WorkerStatus, 'finished' | 'failed' | 'timeout' | 'stopped'>;
  /** The last attempt's result (null when the worker never started or was cut off). */
  result: AgentResult | null;
  detail: string | null;
}

/** What a worker phase needs of its run. */
export type PhaseContext = RunContext;

const STALL_STAGES = ['nudge', 'restart', 'fail'] as const;

/** The last sign of life of an attempt: its telemetry file's mtime, else its start. */
async function lastActivity(handle: TmuxAgentHandle): Promise<number> {
  try {
    return Math.max((await stat(handle.telemetryPath)).mtimeMs, handle.startedAt);
  } catch {
    return handle.startedAt;
  }
}

/** Runs every worker of a phase at once and resolves when each has ended. */
export async function runWorkerPhase(ctx: PhaseContext, specs: WorkerSpec[], timeoutSec: number): Promise<WorkerOutcome[]> {
  const deadline = Date.now() + timeoutSec * 1000;
  return Promise.all(specs.map((spec) => superviseWorker(ctx, spec, deadline)));
}

async function superviseWorker(ctx: PhaseContext, spec: WorkerSpec, deadline: number): Promise<WorkerOutcome> {
  const { config } = ctx;
  const session = sessionName(ctx.runId, spec.workerId);
  const baseInvocation = `${spec.phase}-${spec.workerId}`;
  const record: WorkerRecord = {
    worker_id: spec.workerId,
    role: spec.role,
    phase: spec.phase,
    status: 'pending',
    session_name: session,
    worktree_path: '',
    output_path: spec.outputPath,
    script_path: `${ctx.paths.scriptsDir}/${baseInvocation}.sh`,
    invocation: baseInvocation,
    attempts: 0,
    started_at: null,
    finished_at: null,
    exit_code: null,
    detail: null,
  };
  await ctx.sessions.upsertWorker(record);

  const setStatus = async (status: WorkerStatus, patch: Partial<WorkerRecord> = {}) => {
    const finished = status !== 'running' && status !== 'pending';
    await ctx.sessions.updateWorker(spec.workerId, {
      status,
      ...patch,
      ...(finished ? { finished_at: new Date().toISOString() } : {}),
    });
    const detail = patch.detail ? ` (${patch.detail})` : '';
    await ctx.emit(
      'worker_status',
      {
        worker: spec.workerId,
        role: spec.role,
        phase: spec.phase,
        status,
        detail: patch.detail ?? null,
        invocation: patch.invocation ?? record.invocation,
      },
      `[${spec.phase}] ${spec.workerId} ${status}${detail}`,
    );
  };

  let worktree: Worktree;
  try {
    worktree = await ctx.pool.acquire({ kind: 'worker', worker: spec.workerId });
  } catch (err) {
    await setStatus('failed', { detail: `could not create its worktree: ${(err as Error).message}` });
    return { spec, status: 'failed', result: null, detail: (err as Error).message };
  }
  await ctx.sessions.updateWorker(spec.workerId, { worktree_path: worktree.path });

  const launch = async (attempt: number): Promise<TmuxAgentHandle> => {
    const invocation = attempt === 1 ? baseInvocation : `${baseInvocation}-r${attempt}`;
    const handle = await startTmuxAgent(
      {
        invocation,
        role: spec.role,
        workerId: spec.workerId,
        prompt: spec.prompt,
        worktree: worktree.path,
        model: config.manager.worker_model,
        sandbox: spec.sandbox,
      },
      {
        config,
        paths: ctx.paths,
        tmux: ctx.tmux,
        sessionName: session,
        renderCommand: ctx.renderCommand,
        schemaFile: await ctx.schemaFile(spec.role),
      },
    );
    await ctx.sessions.updateWorker(spec.workerId, {
      invocation,
      attempts: attempt,
      script_path: handle.scriptPath,
      started_at: new Date(handle.startedAt).toISOString(),
    });
    return handle;
  };

  let handle: TmuxAgentHandle;
  try {
    handle = await launch(1);
  } catch (err) {
    await setStatus('failed', { detail: `could not start: ${(err as Error).message}` });
    return { spec, status: 'failed', result: null, detail: (err as Error).message };
  }
  await setStatus('running', { invocation: handle.invocation });

  const stallMs = config.manager.stall_sec * 1000;
  const pollMs = Math.max(200, Math.min(config.manager.poll_interval_sec * 1000, stallMs / 2));
  let stallStage = 0;
  let lastAction = handle.startedAt; // a nudge or restart restarts the stall clock
  for (;;) {
    if (ctx.signal.aborted) {
      await stopTmuxAgent(handle, ctx.tmux);
      await setStatus('stopped', { detail: 'run stopped' });
      return { spec, status: 'stopped', result: null, detail: 'run stopped' };
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      await savePane(ctx, session, handle.invocation);
      await stopTmuxAgent(handle, ctx.tmux);
      const result = await collectTmuxAgent(handle, { timedOut: true }).catch(() => null);
      const detail = `no answer within the phase timeout (${config.manager.timeout_sec} s)`;
      await setStatus('timeout', { detail });
      return { spec, status: 'timeout', result, detail };
    }
    const code = await waitForExitFile(handle.exitCodeFile, { signal: ctx.signal, timeoutMs: Math.min(remaining, pollMs) });
    if (code !== null) {
      const result = await collectTmuxAgent(handle);
      await savePane(ctx, session, handle.invocation);
      if (result.status === 'finished' && result.rawOutput.trim()) {
        await setStatus('finished', { exit_code: code, detail: null });
        return { spec, status: 'finished', result, detail: null };
      }
      const detail =
        code === 0
          ? 'codex ended without a final message'
          : `codex exited with ${code}${result.diagnostics[0] ? `: ${result.diagnostics[0]}` : ''}`;
      await setStatus('failed', { exit_code: code, detail: detail.slice(0, 500) });
      return { spec, status: 'failed', result, detail };
    }
    // A session that is gone without an exit code (its tmux server was killed, or someone ended it)
    // will never answer: fail now rather than wait for the phase timeout.
    if (!(await ctx.tmux.hasSession(session).catch(() => false)) && (await readExitFile(handle.exitCodeFile)) === undefined) {
      const detail = 'its tmux session ended without an exit code (was the tmux server killed?)';
      await stopTmuxAgent(handle, ctx.tmux).catch(() => undefined);
      const result = await collectTmuxAgent(handle).catch(() => null);
      await setStatus('failed', { detail });
      return { spec, status: 'failed', result, detail };
    }
    // Stall supervision: no new agent events for stall_sec → nudge, then restart once, then fail.
    const last = await lastActivity(handle);
    if (Date.now() - Math.max(last, lastAction) < stallMs) continue;
    const stage = STALL_STAGES[stallStage] ?? 'fail';
    stallStage++;
    lastAction = Date.now();
    const idle = Math.round((Date.now() - last) / 1000);
    if (stage === 'nudge') {
      await ctx.emit(
        'worker_stalled',
        { worker: spec.workerId, action: 'nudge', idle_sec: idle },
        `[${spec.phase}] ${spec.workerId} stalled ${idle}s: nudging`,
      );
      // codex exec reads no more input; the note is for whoever watches the pane, and the nudge buys one more stall period.
      await ctx.tmux.sendText(session, `# mminions: no agent events for ${idle}s — still working?`).catch(() => undefined);
    } else if (stage === 'restart') {
      await ctx.emit(
        'worker_stalled',
        { worker: spec.workerId, action: 'restart', idle_sec: idle },
        `[${spec.phase}] ${spec.workerId} still stalled: restarting`,
      );
      await savePane(ctx, session, handle.invocation);
      await stopTmuxAgent(handle, ctx.tmux);
      try {
        handle = await launch(2);
      } catch (err) {
        await setStatus('failed', { detail: `restart failed: ${(err as Error).message}` });
        return { spec, status: 'failed', result: null, detail: (err as Error).message };
      }
      await setStatus('running', { invocation: handle.invocation, detail: 'restarted after a stall' });
    } else {
      await savePane(ctx, session, handle.invocation);
      await stopTmuxAgent(handle, ctx.tmux);
      const result = await collectTmuxAgent(handle, { timedOut: true }).catch(() => null);
      const detail = `stalled: no agent events for ${idle}s after a nudge and a restart`;
      await setStatus('failed', { detail });
      return { spec, status: 'failed', result, detail };
    }
  }
}

/** Keeps the pane's last screen next to the agent's output, since sessions end with the run. */
async function savePane(ctx: PhaseContext, session: string, invocation: string): Promise<void> {
  try {
    const text = await ctx.tmux.capturePane(session, 500);
    await writeFile(`${ctx.paths.agentsDir}/${invocation}.pane.txt`, `${text}\n`);
  } catch {
    // The session is already gone.
  }
}
