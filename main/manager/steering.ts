// Steering a run from outside: a line for a worker becomes a follow-up turn of its agent; a line for the manager is a command (skip, extend, status).
import { MAX_SEND_CHARS } from '../../common/api';
import { oneLine } from '../../common/text';
import type { ControlRequest, ControlResponse } from '../runs/controlChannel';

/** The commands `send --worker manager` takes. */
export const MANAGER_COMMANDS = ['skip', 'extend <seconds>', 'status'] as const;
export const MAX_EXTEND_SEC = 3600;

/** Refused, with the HTTP-like status the API answers. */
export class SteeringError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404 | 409,
  ) {
    super(message);
    this.name = 'SteeringError';
  }
}

/** The worker phase now running, as the commands see it. */
export interface PhaseControl {
  name: string;
  /** When its workers time out (ms since the epoch); `extend` moves it. */
  deadline: number;
  /** Seconds `extend` added. */
  extendedSec: number;
  /** Set by `skip`: its running workers are stopped and the phase goes on with the answers it has. */
  readonly skipped: AbortSignal;
  /** Set when the phase has decided to close (it waits for no more turns): a follow-up is refused. */
  closed: boolean;
  skip(): void;
  /** One line per worker: its id, status and turn. */
  describe(): string[];
}

/** What a worker's supervisor offers: a follow-up to its agent. */
export interface SteerableWorker {
  workerId: string;
  phase: string;
  /** Delivers the text as the next turn; throws SteeringError when the worker cannot take it. */
  followUp(text: string): Promise<void>;
}

/** Control characters a follow-up may not hold (tab is allowed; a newline separates lines of it). */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

export function makePhaseControl(name: string, deadline: number, describe: () => string[]): PhaseControl {
  const ac = new AbortController();
  return { name, deadline, extendedSec: 0, skipped: ac.signal, skip: () => ac.abort(), describe, closed: false };
}

/**
 * The run's steering: which workers take follow-ups now (those of the open worker phase), and the
 * manager's commands. Requests come through the run's control folder (serveControl).
 */
export class Steering {
  private readonly open = new Map<string, SteerableWorker>();
  /** Workers of phases that are over: a follow-up to them is refused with the phase's name. */
  private readonly closed = new Map<string, string>();
  private phase: PhaseControl | null = null;
  /** The run's phase now (any phase, for `status`). */
  current: string | null = null;

  constructor(
    /** Records a delivered follow-up or command (the run's `followup` event). */
    private readonly record: (worker: string, text: string, delivered: 'followup' | 'command') => Promise<void>,
    /** Prints a line in the manager's pane (its progress output). */
    private readonly print: (line: string) => void,
  ) {}

  beginPhase(p: PhaseControl): void {
    this.phase = p;
  }

  /** Ends the worker phase: its workers take no more follow-ups. */
  endPhase(p: PhaseControl): void {
    for (const [id, w] of this.open) {
      if (w.phase !== p.name) continue;
      this.open.delete(id);
      this.closed.set(id, p.name);
    }
    if (this.phase === p) this.phase = null;
  }

  register(w: SteerableWorker): void {
    this.closed.delete(w.workerId);
    this.open.set(w.workerId, w);
  }

  async handle(req: ControlRequest): Promise<ControlResponse> {
    try {
      if (req.worker === 'manager') {
        const message = await this.command(req.text);
        return { ok: true, delivered: 'command', message };
      }
      await this.followUp(req.worker, req.text);
      return { ok: true, delivered: 'followup', message: `delivered to ${req.worker} as a follow-up` };
    } catch (err) {
      if (err instanceof SteeringError) return { ok: false, status: err.status, error: err.message };
      throw err;
    }
  }

  async followUp(workerId: string, text: string): Promise<void> {
    if (!text.trim()) throw new SteeringError('text: a follow-up must not be empty', 400);
    if (text.length > MAX_SEND_CHARS) throw new SteeringError(`text: ${MAX_SEND_CHARS} characters at most`, 400);
    if (CONTROL.test(text)) throw new SteeringError('text: control characters are not allowed', 400);
    const w = this.open.get(workerId);
    if (!w) {
      const over = this.closed.get(workerId);
      if (over)
        throw new SteeringError(
          `the ${over} phase is over: ${workerId}'s answer has been used, so it takes no more follow-ups`,
          409,
        );
      throw new SteeringError(
        `${workerId} is not a worker of the running phase${this.current ? ` (${this.current})` : ''}; workers take follow-ups while their phase runs`,
        this.phase ? 404 : 409,
      );
    }
    await w.followUp(text);
    await this.record(workerId, oneLine(text, 200), 'followup');
  }

  /** A manager command: skip, extend <seconds>, status. Returns what it did, in words. */
  async command(raw: string): Promise<string> {
    const text = raw.trim().toLowerCase();
    const list = MANAGER_COMMANDS.map((c) => `"${c}"`).join(', ');
    const m = /^(skip|status|extend)(?:\s+(\S+))?$/.exec(text);
    if (!m) throw new SteeringError(`unknown manager command ${JSON.stringify(oneLine(raw, 60))}: use ${list}`, 400);
    const [, verb, arg] = m;
    if (verb === 'status') {
      const lines = this.statusLines();
      for (const l of lines) this.print(`[status] ${l}`);
      await this.record('manager', 'status', 'command');
      return lines.join('\n');
    }
    const p = this.phase;
    if (!p) {
      throw new SteeringError(
        `no worker phase is running now${this.current ? ` (the run is in ${this.current})` : ''}: "${verb}" applies to the repro, triage and fix phases`,
        409,
      );
    }
    if (verb === 'skip') {
      if (arg !== undefined) throw new SteeringError('"skip" takes no argument', 400);
      p.skip();
      const line = `skipping the ${p.name} phase: its running workers are stopped, and it goes on with the answers it has`;
      this.print(`[command] ${line}`);
      await this.record('manager', 'skip', 'command');
      return line;
    }
    const sec = arg !== undefined && /^\d+$/.test(arg) ? Number(arg) : Number.NaN;
    if (!(sec >= 1 && sec <= MAX_EXTEND_SEC))
      throw new SteeringError(`"extend" takes a number of seconds, 1 to ${MAX_EXTEND_SEC} (e.g. "extend 120")`, 400);
    p.deadline += sec * 1000;
    p.extendedSec += sec;
    const line = `the ${p.name} phase has ${sec} s more: its workers time out in ${Math.max(0, Math.round((p.deadline - Date.now()) / 1000))} s`;
    this.print(`[command] ${line}`);
    await this.record('manager', `extend ${sec}`, 'command');
    return line;
  }

  private statusLines(): string[] {
    const p = this.phase;
    if (!p) return [`phase: ${this.current ?? 'none yet'} (no workers running)`];
    const left = Math.max(0, Math.round((p.deadline - Date.now()) / 1000));
    return [`phase: ${p.name}, ${left} s before its workers time out`, ...p.describe()];
  }
}
