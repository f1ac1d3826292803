// A phase of workers: each in its own worktree and tmux session, supervised until finished, failed or timed out; a person's follow-up is a new turn.
import { existsSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import type { AgentRole } from '../../../common/agentAnswers';
import type { WorkerRecord, WorkerStatus } from '../../../common/artifacts';
import type { AgentResult } from '../../agents/agent';
import {
  collectTmuxAgent,
  deliverFollowUp,
  readExitFile,
  startTmuxAgent,
  stopTmuxAgent,
  type TmuxAgentHandle,
  turnExitFile,
  waitForExitFile,
} from '../../agents/tmuxAgent';
import type { SandboxMode } from '../../config/config';
import type { Worktree } from '../../git/worktrees';
import { sessionName } from '../../tmux/tmux';
import type { RunContext } from '../runContext';
import { followUpMessage } from '../../agents/prompts';
import { makePhaseControl, type PhaseControl, type SteerableWorker, SteeringError } from '../steering';

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

/**
 * Runs every worker of a phase at once and resolves when each has ended — and when every follow-up
 * a person sent while the phase ran has been answered (bounded by the phase's deadline, which the
 * manager's `extend` moves; `skip` stops the running workers). Then the phase closes: its workers
 * take no more follow-ups.
 */
export async function runWorkerPhase(ctx: PhaseContext, specs: WorkerSpec[], timeoutSec: number): Promise<WorkerOutcome[]> {
  const sups: WorkerSupervisor[] = [];
  const control = makePhaseControl(specs[0]?.phase ?? 'workers', Date.now() + timeoutSec * 1000, () =>
    sups.map((s) => s.describe()),
  );
  for (const spec of specs) sups.push(new WorkerSupervisor(ctx, spec, control));
  ctx.steering.beginPhase(control);
  try {
    for (const s of sups) ctx.steering.register(s);
    await Promise.all(sups.map((s) => s.start()));
    // A follow-up to a worker that had finished starts a new turn: wait for those too. The check and
    // the close below run in one go (no await between), so no follow-up slips in after it.
    for (;;) {
      const pending = sups.map((s) => s.pending).filter((p): p is Promise<WorkerOutcome> => p !== null);
      if (pending.length === 0) break;
      await Promise.all(pending);
    }
    control.closed = true;
    return sups.map((s) => s.outcome!);
  } finally {
    control.closed = true;
    ctx.steering.endPhase(control);
  }
}

/**
 * One worker: its worktree, its tmux session, and each turn of its agent supervised until it ends
 * (finished, failed, timed out, stalled, stopped, skipped). A follow-up is the next turn.
 */
class WorkerSupervisor implements SteerableWorker {
  readonly workerId: string;
  readonly phase: string;
  private handle: TmuxAgentHandle | null = null;
  private worktree: Worktree | null = null;
  private record: WorkerRecord;
  /** The turn whose end is awaited; a follow-up moves it on. */
  private turn = 1;
  private running = false;
  /** The last outcome (set when a turn ends). */
  outcome: WorkerOutcome | null = null;
  /** A follow-up turn of a worker that had ended (the phase waits for it). */
  pending: Promise<WorkerOutcome> | null = null;
  /** Wakes the wait for an exit file when a follow-up changes the turn. */
  private wake: AbortController = new AbortController();
  private lastAction = 0;

  constructor(
    private readonly ctx: PhaseContext,
    private readonly spec: WorkerSpec,
    private readonly control: PhaseControl,
  ) {
    this.workerId = spec.workerId;
    this.phase = spec.phase;
    const base = `${spec.phase}-${spec.workerId}`;
    this.record = {
      worker_id: spec.workerId,
      role: spec.role,
      phase: spec.phase,
      status: 'pending',
      session_name: sessionName(ctx.runId, spec.workerId),
      worktree_path: '',
      output_path: spec.outputPath,
      script_path: `${ctx.paths.scriptsDir}/${base}.sh`,
      invocation: base,
      attempts: 0,
      started_at: null,
      finished_at: null,
      exit_code: null,
      detail: null,
    };
  }

  /**
   * Whether the worker's session is still there. Only tmux saying so counts as "gone" (a call that
   * timed out or failed otherwise — a busy server — does not), confirmed twice more within a second.
   */
  private async sessionAlive(): Promise<boolean> {
    for (let check = 0; check < 3; check++) {
      if (check > 0) await new Promise((r) => setTimeout(r, 400));
      if ((await this.ctx.tmux.sessionState(this.session).catch(() => 'unknown')) !== 'absent') return true;
    }
    return false;
  }

  describe(): string {
    const s = this.ctx.sessions.worker(this.workerId);
    return `${this.workerId} (${this.spec.role.toLowerCase()}): ${s?.status ?? 'pending'}${this.turn > 1 ? `, turn ${this.turn}` : ''}`;
  }

  private get session(): string {
    return this.record.session_name;
  }

  private async setStatus(status: WorkerStatus, patch: Partial<WorkerRecord> = {}): Promise<void> {
    const finished = status !== 'running' && status !== 'pending';
    await this.ctx.sessions.updateWorker(this.workerId, {
      status,
      ...patch,
      ...(finished ? { finished_at: new Date().toISOString() } : { finished_at: null }),
    });
    const detail = patch.detail ? ` (${patch.detail})` : '';
    await this.ctx.emit(
      'worker_status',
      {
        worker: this.workerId,
        role: this.spec.role,
        phase: this.spec.phase,
        status,
        detail: patch.detail ?? null,
        invocation: patch.invocation ?? this.handle?.invocation ?? this.record.invocation,
      },
      `[${this.spec.phase}] ${this.workerId} ${status}${detail}`,
    );
  }

  /** The turn the last outcome answered (a follow-up after it means another turn to wait for). */
  private endedTurn = 0;

  private end(status: WorkerOutcome['status'], result: AgentResult | null, detail: string | null, turn?: number): WorkerOutcome {
    this.outcome = { spec: this.spec, status, result, detail };
    this.endedTurn = turn ?? this.turn;
    return this.outcome;
  }

  private async launch(attempt: number, worktree: Worktree): Promise<TmuxAgentHandle> {
    const { config } = this.ctx;
    const base = `${this.spec.phase}-${this.workerId}`;
    const invocation = attempt === 1 ? base : `${base}-r${attempt}`;
    const handle = await startTmuxAgent(
      {
        invocation,
        role: this.spec.role,
        workerId: this.workerId,
        prompt: this.spec.prompt,
        worktree: worktree.path,
        model: config.manager.worker_model,
        sandbox: this.spec.sandbox,
      },
      {
        config,
        paths: this.ctx.paths,
        tmux: this.ctx.tmux,
        sessionName: this.session,
        renderCommand: this.ctx.renderCommand,
        schemaFile: await this.ctx.schemaFile(this.spec.role),
      },
    );
    await this.ctx.sessions.updateWorker(this.workerId, {
      invocation,
      attempts: attempt,
      script_path: handle.scriptPath,
      started_at: new Date(handle.startedAt).toISOString(),
    });
    this.turn = 1;
    return handle;
  }

  /** Creates the worktree and the session, then supervises the first turn. */
  async start(): Promise<WorkerOutcome> {
    await this.ctx.sessions.upsertWorker(this.record);
    let worktree: Worktree;
    try {
      worktree = await this.ctx.pool.acquire({ kind: 'worker', worker: this.workerId });
    } catch (err) {
      await this.setStatus('failed', { detail: `could not create its worktree: ${(err as Error).message}` });
      return this.end('failed', null, (err as Error).message);
    }
    await this.ctx.sessions.updateWorker(this.workerId, { worktree_path: worktree.path });
    this.worktree = worktree;
    try {
      this.handle = await this.launch(1, worktree);
    } catch (err) {
      await this.setStatus('failed', { detail: `could not start: ${(err as Error).message}` });
      return this.end('failed', null, (err as Error).message);
    }
    // Running from the moment it has a session (a follow-up now interrupts this first turn).
    this.running = true;
    await this.setStatus('running', { invocation: this.handle.invocation });
    return this.settle(worktree, null);
  }

  /**
   * Supervises turns until one ends with no follow-up after it. A follow-up can come while a turn's
   * end is being recorded (the supervisor still counts as running then): it is its next turn.
   * The last check and `running = false` happen together, with no await between them.
   */
  private async settle(worktree: Worktree, previous: WorkerOutcome | null): Promise<WorkerOutcome> {
    this.running = true;
    try {
      for (;;) {
        const o = await this.supervise(worktree, previous);
        if (this.turn <= this.endedTurn || (o.status !== 'finished' && o.status !== 'failed')) {
          this.running = false;
          return o;
        }
        if (o.status === 'finished') previous = o;
        // Its end was recorded a moment ago; the follow-up's turn runs now.
        await this.setStatus('running', { detail: `follow-up (turn ${this.turn})`, exit_code: null });
      }
    } catch (err) {
      this.running = false;
      throw err;
    }
  }

  /**
   * A person's follow-up: the running turn is interrupted, or the ended worker resumed, and the
   * thread continues with the text. Refused for a worker that timed out, was stopped or never ran.
   */
  async followUp(text: string): Promise<void> {
    const h = this.handle;
    if (!h) throw new SteeringError(`${this.workerId} has not started yet`, 409);
    this.refuseIfClosed(h);
    // Everything that waits comes first; the state is read again after it (below).
    if (!(await this.ctx.tmux.hasSession(this.session).catch(() => false)))
      throw new SteeringError(`${this.workerId}'s session has ended`, 409);
    // The thread must exist to be resumed: a codex still starting gets a moment to start it.
    if (this.running && !(await threadStarted(h, 10_000)))
      throw new SteeringError(`${this.workerId}'s agent is still starting (no thread yet): send again in a moment`, 409);
    const progressed = await madeProgress(h);
    const message = followUpMessage(text);
    // From here to the new turn, no await: the phase cannot close, nor the turn end, in between.
    this.refuseIfClosed(h);
    const last = this.outcome;
    if (!this.running && last && last.status !== 'finished' && last.status !== 'failed') {
      throw new SteeringError(
        `${this.workerId} has ${last.status === 'timeout' ? 'timed out' : 'stopped'}; it takes no follow-up`,
        409,
      );
    }
    this.turn += 1;
    this.lastAction = Date.now();
    if (this.running) {
      // A first turn that has done nothing yet starts again with the follow-up (see deliverFollowUp).
      const fresh = this.turn === 2 && !progressed;
      try {
        await deliverFollowUp(h, message, { interrupt: true, fresh });
      } catch (err) {
        this.turn -= 1;
        throw err;
      }
      this.wake.abort();
      return;
    }
    // Running again, and the phase waits for it (pending is set before any await).
    this.running = true;
    const previous = last?.status === 'finished' ? last : null;
    const delivered = deliverFollowUp(h, message, { interrupt: false }).catch((err: unknown) => {
      // Not delivered: the worker stays as it was, and the sender hears why.
      this.turn -= 1;
      this.running = false;
      throw err;
    });
    this.pending = delivered
      .then(
        async () => {
          await this.setStatus('running', { detail: `follow-up (turn ${this.turn})`, exit_code: null });
          return this.settle(this.worktree!, previous);
        },
        () => last!,
      )
      .finally(() => {
        this.pending = null;
      });
    await delivered;
  }

  /** Refuses a follow-up the phase can no longer take (synchronous: used right before the new turn). */
  private refuseIfClosed(h: TmuxAgentHandle): void {
    if (this.control.closed)
      throw new SteeringError(`the ${this.phase} phase is over: ${this.workerId} takes no more follow-ups`, 409);
    if (this.control.skipped.aborted) throw new SteeringError(`the ${this.phase} phase is being skipped`, 409);
    if (Date.now() >= this.control.deadline) throw new SteeringError(`the ${this.phase} phase has reached its timeout`, 409);
    // One follow-up at a time: the script takes each from the same file, so a second one sent before
    // the first has started would replace it (the manager answers requests one at a time).
    if (existsSync(h.followupFile))
      throw new SteeringError(`${this.workerId}'s previous follow-up has not started yet: send again in a moment`, 409);
  }

  /**
   * Waits for the current turn to end, with the stall supervision (nudge, restart, fail), the
   * phase's deadline and skip, and the run's stop. `previous` is the answer a follow-up turn would
   * replace: kept when that turn ends without a new one.
   */
  private async supervise(worktree: Worktree, previous: WorkerOutcome | null): Promise<WorkerOutcome> {
    const { ctx, spec } = this;
    const { config } = ctx;
    const stallMs = config.manager.stall_sec * 1000;
    const pollMs = Math.max(200, Math.min(config.manager.poll_interval_sec * 1000, stallMs / 2));
    let stallStage = 0;
    this.lastAction = Date.now();
    // A follow-up turn that ends without a new answer leaves the previous one standing.
    const keepPrevious = async (why: string, turn: number): Promise<WorkerOutcome | null> => {
      if (!previous) return null;
      const detail = `${why}; its previous answer stands`;
      await this.setStatus('finished', { detail });
      return this.end('finished', previous.result, detail, turn);
    };
    for (;;) {
      const handle = this.handle!;
      // The turn this pass waits for: every outcome below answers it (a follow-up during the awaits is another turn).
      const turn = this.turn;
      if (ctx.signal.aborted) {
        await stopTmuxAgent(handle, ctx.tmux);
        await this.setStatus('stopped', { detail: 'run stopped' });
        return this.end('stopped', null, 'run stopped', turn);
      }
      if (this.control.skipped.aborted) {
        await savePane(ctx, this.session, handle.invocation);
        await stopTmuxAgent(handle, ctx.tmux);
        const kept = await keepPrevious('the phase was skipped during its follow-up', turn);
        if (kept) return kept;
        const result = await collectTmuxAgent(handle, { timedOut: true }).catch(() => null);
        await this.setStatus('stopped', { detail: 'the phase was skipped by request' });
        return this.end('stopped', result, 'the phase was skipped by request', turn);
      }
      const remaining = this.control.deadline - Date.now();
      if (remaining <= 0) {
        await savePane(ctx, this.session, handle.invocation);
        await stopTmuxAgent(handle, ctx.tmux);
        const result = await collectTmuxAgent(handle, { timedOut: true }).catch(() => null);
        const kept = await keepPrevious('its follow-up did not finish within the phase timeout', turn);
        if (kept) return kept;
        const detail = `no answer within the phase timeout (${config.manager.timeout_sec} s${this.control.extendedSec ? `, extended by ${this.control.extendedSec} s` : ''})`;
        await this.setStatus('timeout', { detail });
        return this.end('timeout', result, detail, turn);
      }
      this.wake = new AbortController();
      const wait = AbortSignal.any([ctx.signal, this.control.skipped, this.wake.signal]);
      const code = await waitForExitFile(turnExitFile(handle, turn), { signal: wait, timeoutMs: Math.min(remaining, pollMs) });
      if (code !== null && turn === this.turn) {
        const result = await collectTmuxAgent(handle);
        await savePane(ctx, this.session, handle.invocation);
        // A follow-up that came while this turn's end was being read: wait for its turn instead.
        if (turn !== this.turn) continue;
        if (result.status === 'finished' && result.rawOutput.trim()) {
          await this.setStatus('finished', { exit_code: code, detail: turn > 1 ? `answered follow-up (turn ${turn})` : null });
          return this.end('finished', result, null, turn);
        }
        const detail =
          code === 0
            ? 'codex ended without a final message'
            : `codex exited with ${code}${result.diagnostics[0] ? `: ${result.diagnostics[0]}` : ''}`;
        const kept = await keepPrevious(`its follow-up turn failed (${detail})`, turn);
        if (kept) return kept;
        await this.setStatus('failed', { exit_code: code, detail: detail.slice(0, 500) });
        return this.end('failed', result, detail, turn);
      }
      if (code !== null) continue; // an earlier turn's end (interrupted by a follow-up): wait for the new one
      // A session that is gone without an exit code (its tmux server was killed, or someone ended it)
      // will never answer: fail now rather than wait for the phase timeout.
      if (!(await this.sessionAlive()) && (await readExitFile(turnExitFile(handle, this.turn))) === undefined) {
        const detail = 'its tmux session ended without an exit code (was the tmux server killed?)';
        await stopTmuxAgent(handle, ctx.tmux).catch(() => undefined);
        const result = await collectTmuxAgent(handle).catch(() => null);
        await this.setStatus('failed', { detail });
        return this.end('failed', result, detail, turn);
      }
      // Stall supervision: no new agent events for stall_sec → nudge, then restart once, then fail.
      const last = await lastActivity(handle);
      if (Date.now() - Math.max(last, this.lastAction) < stallMs) continue;
      const stage = STALL_STAGES[stallStage] ?? 'fail';
      stallStage++;
      this.lastAction = Date.now();
      const idle = Math.round((Date.now() - last) / 1000);
      if (stage === 'nudge') {
        await ctx.emit(
          'worker_stalled',
          { worker: this.workerId, action: 'nudge', idle_sec: idle },
          `[${spec.phase}] ${this.workerId} stalled ${idle}s: nudging`,
        );
        // codex exec reads no input; the note is for whoever watches the pane, and the nudge buys one more stall period.
        await ctx.tmux.sendText(this.session, `# mminions: no agent events for ${idle}s — still working?`).catch(() => undefined);
      } else if (stage === 'restart') {
        await ctx.emit(
          'worker_stalled',
          { worker: this.workerId, action: 'restart', idle_sec: idle },
          `[${spec.phase}] ${this.workerId} still stalled: restarting`,
        );
        await savePane(ctx, this.session, handle.invocation);
        await stopTmuxAgent(handle, ctx.tmux);
        try {
          this.handle = await this.launch(2, worktree);
        } catch (err) {
          await this.setStatus('failed', { detail: `restart failed: ${(err as Error).message}` });
          return this.end('failed', null, (err as Error).message, turn);
        }
        await this.setStatus('running', { invocation: this.handle.invocation, detail: 'restarted after a stall' });
      } else {
        await savePane(ctx, this.session, handle.invocation);
        await stopTmuxAgent(handle, ctx.tmux);
        const result = await collectTmuxAgent(handle, { timedOut: true }).catch(() => null);
        const kept = await keepPrevious(`its follow-up stalled (${idle}s without events)`, turn);
        if (kept) return kept;
        const detail = `stalled: no agent events for ${idle}s after a nudge and a restart`;
        await this.setStatus('failed', { detail });
        return this.end('failed', result, detail, turn);
      }
    }
  }
}

/** Whether the agent did anything yet: a completed item other than a warning (a command, a message). */
async function madeProgress(h: TmuxAgentHandle): Promise<boolean> {
  const text = await readFile(h.telemetryPath, 'utf8').catch(() => '');
  return /"type":"item\.completed","item":\{"id":"[^"]*","type":"(?!error")/.test(text);
}

/** Whether the agent's thread has started (its id is in the telemetry), waiting at most `ms`. */
async function threadStarted(h: TmuxAgentHandle, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    const text = await readFile(h.telemetryPath, 'utf8').catch(() => '');
    if (/"thread_id":"[0-9A-Za-z-]+"/.test(text)) return true;
    if (Date.now() >= end) return false;
    await new Promise((r) => setTimeout(r, 100));
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
