// What every phase of a run uses: its request, folder, tmux, worktrees, sandbox, typed events, diagnostics and metrics.
import type { AgentRole } from '../../common/agentAnswers';
import type { EventData, RunEventType } from '../../common/events';
import type { RunRequest } from '../../common/runRequest';
import { stripControls } from '../../common/text';
import { writeOutputSchema } from '../agents/outputSchemas';
import type { Config } from '../config/config';
import type { Sandbox } from '../process/sandbox';
import { appendEvent } from '../runs/events';
import type { RunPaths } from '../runs/runStore';
import type { Tmux } from '../tmux/tmux';
import type { PhaseTimer, TokenLedger } from './metrics';
import type { Steering } from './steering';
import type { SessionsLog } from './workers/sessionsLog';
import type { WorktreePool } from './worktreePool';

/** Emits one run event: a wrong field for its type is a compile error (common/events.ts). */
export type Emit = <T extends RunEventType>(type: T, data: EventData<T>, line?: string) => Promise<void>;

export class StopRequested extends Error {
  constructor() {
    super('the run was stopped');
    this.name = 'StopRequested';
  }
}

export interface RunContext {
  runId: string;
  request: RunRequest;
  config: Config;
  paths: RunPaths;
  tmux: Tmux;
  sessions: SessionsLog;
  pool: WorktreePool;
  /** Where the commands agents propose run; set once the repository is known (after preflight). */
  sandbox: Sandbox;
  /** The user's own checkout: never validated in, never written. */
  userRepo: string;
  /** The run's commit (HEAD of the repository when the run started). */
  commit: string;
  /** argv of `mminions render-events` (worker panes). */
  renderCommand: string[];
  schemaFile: (role: AgentRole) => Promise<string>;
  emit: Emit;
  /** A progress line for the person (control sequences stripped). */
  out: (line: string) => void;
  diagnostics: string[];
  ledger: TokenLedger;
  timer: PhaseTimer;
  signal: AbortSignal;
  /** Follow-ups to workers and the manager's commands (see steering.ts). */
  steering: Steering;
}

/** The parts of a RunContext that exist before the repository is known. */
export type EarlyRunContext = Omit<RunContext, 'sandbox' | 'userRepo' | 'commit'>;

export function makeEmitter(paths: RunPaths, out: (line: string) => void): Emit {
  return async (type, data, line) => {
    await appendEvent(paths.events, { type, ...data });
    if (line) out(line);
  };
}

/** A progress writer that never throws (stdout may be gone: a killed pane) and never prints agent escape codes. */
export function progressWriter(sink?: (line: string) => void): (line: string) => void {
  return (line) => {
    try {
      sink?.(stripControls(line));
    } catch {
      // The run goes on without its progress lines.
    }
  };
}

/** Output schemas written once per role, into the run's meta folder. */
export function schemaFiles(paths: RunPaths): (role: AgentRole) => Promise<string> {
  const cache = new Map<AgentRole, Promise<string>>();
  return (role) => {
    let p = cache.get(role);
    if (!p) {
      p = writeOutputSchema(role, paths.metaDir);
      cache.set(role, p);
    }
    return p;
  };
}

/**
 * Runs one phase: its events (phase_started/finished with its seconds), its time in the metrics, and
 * a stop of the run honoured before and after it.
 */
export async function phase<T>(
  ctx: Pick<RunContext, 'emit' | 'timer' | 'signal'> & { steering?: Steering },
  name: string,
  fn: () => Promise<T>,
): Promise<T> {
  if (ctx.signal.aborted) throw new StopRequested();
  ctx.timer.start(name);
  if (ctx.steering) ctx.steering.current = name;
  await ctx.emit('phase_started', { phase: name }, `== ${name}`);
  let result: T;
  try {
    result = await fn();
  } finally {
    const seconds = ctx.timer.stop(name);
    await ctx.emit('phase_finished', { phase: name, seconds });
  }
  if (ctx.signal.aborted) throw new StopRequested();
  return result;
}
