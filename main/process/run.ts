// The one way mminions runs a child process: its own process group, a timeout, an abort, capped output, nothing left behind.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { signalGroup, untilGroupGone } from './groups';

export interface RunProcessOptions {
  cwd?: string;
  /** The child's whole environment (nothing is inherited implicitly). */
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** Cancels the run: the process group is ended, `aborted` is set. */
  signal?: AbortSignal;
  /** Between SIGTERM and SIGKILL of the group (default 1 s). */
  killGraceMs?: number;
  /**
   * `capture` (default): stdout and stderr are kept (each, and both interleaved in write order), capped;
   * or three file descriptors (stdin, stdout, stderr), e.g. an agent's prompt and telemetry files.
   */
  stdio?: 'capture' | [number, number, number];
  /** Cap of the captured output (default 1 MB); the head and the end are kept. */
  maxOutputBytes?: number;
  /** Called with the child's pid (also its process group id) once it runs. */
  onSpawn?: (pid: number) => void;
  /** Called once the child and its group are gone (e.g. to drop a record of it). */
  onExit?: (pid: number) => void;
}

export interface ProcessResult {
  /** null when it timed out, was aborted or could not start; 128+N when killed by signal N. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  aborted: boolean;
  durationMs: number;
  /** stdout and stderr together as they arrived (write order when the command sends both to one pipe); capped. */
  output: string;
  stdout: string;
  stderr: string;
  /** Why the command could not be started, when it could not. */
  spawnError: string | null;
}

/** Keeps the first quarter and the last three quarters of the cap: a failure is told at the end. */
export class CappedOutput {
  private head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private dropped = 0;
  private readonly headCap: number;
  private readonly tailCap: number;

  constructor(max: number) {
    this.headCap = Math.floor(max / 4);
    this.tailCap = max - this.headCap;
  }

  push(chunk: Buffer): void {
    if (this.headBytes < this.headCap) {
      const take = chunk.subarray(0, this.headCap - this.headBytes);
      this.head.push(take);
      this.headBytes += take.length;
      chunk = chunk.subarray(take.length);
    }
    if (chunk.length === 0) return;
    this.tail.push(chunk);
    this.tailBytes += chunk.length;
    while (this.tailBytes > this.tailCap) {
      const first = this.tail[0] as Buffer;
      const excess = this.tailBytes - this.tailCap;
      if (first.length <= excess) {
        this.tail.shift();
        this.tailBytes -= first.length;
        this.dropped += first.length;
      } else {
        this.tail[0] = first.subarray(excess);
        this.tailBytes -= excess;
        this.dropped += excess;
      }
    }
  }

  text(): string {
    const head = Buffer.concat(this.head).toString('utf8');
    const tail = Buffer.concat(this.tail).toString('utf8');
    return this.dropped > 0 ? `${head}\n[... ${this.dropped} bytes of output truncated ...]\n${tail}` : head + tail;
  }
}

/** After the leader exits: how long to wait for its pipes to drain (or its killed group to be reaped). */
const DRAIN_MS = 2_000;

/**
 * Runs `argv` as the leader of its own process group. On timeout or abort the group gets SIGTERM,
 * then SIGKILL after the grace; when the leader exits, whatever it left in its group is killed, so
 * nothing it started outlives it (a sandboxed command's own PID namespace covers what left the group).
 */
export function runProcess(argv: readonly string[], o: RunProcessOptions): Promise<ProcessResult> {
  const started = performance.now();
  const cap = o.maxOutputBytes ?? 1_000_000;
  const all = new CappedOutput(cap);
  const out = new CappedOutput(cap);
  const err = new CappedOutput(cap);
  const grace = o.killGraceMs ?? 1_000;
  const [command, ...args] = argv;
  return new Promise((resolve) => {
    let timedOut = false;
    let aborted = false;
    let settled = false;
    const timers: NodeJS.Timeout[] = [];
    let child: ReturnType<typeof spawn> | null = null;
    const finish = (exitCode: number | null, signal: NodeJS.Signals | null, spawnError: string | null) => {
      if (settled) return;
      settled = true;
      timers.forEach(clearTimeout);
      o.signal?.removeEventListener('abort', onAbort);
      child?.stdout?.destroy();
      child?.stderr?.destroy();
      if (child?.pid !== undefined) o.onExit?.(child.pid);
      resolve({
        exitCode: timedOut || aborted ? null : exitCode,
        signal,
        timedOut,
        aborted,
        durationMs: Math.round(performance.now() - started),
        output: all.text(),
        stdout: out.text(),
        stderr: err.text(),
        spawnError,
      });
    };
    const stop = () => {
      const pid = child?.pid;
      if (pid === undefined || settled) return;
      signalGroup(pid, 'SIGTERM');
      timers.push(
        setTimeout(() => {
          signalGroup(pid, 'SIGKILL');
          // A leader stuck in the kernel may never report its exit: stop waiting after another grace.
          timers.push(setTimeout(() => finish(null, 'SIGKILL', null), grace + DRAIN_MS));
        }, grace),
      );
    };
    function onAbort() {
      aborted = true;
      stop();
    }
    if (!command) return finish(null, null, 'no command given');
    if (o.signal?.aborted) {
      aborted = true;
      return finish(null, null, null);
    }
    const captured = o.stdio === undefined || o.stdio === 'capture';
    try {
      child = spawn(command, args, {
        cwd: o.cwd,
        env: o.env,
        detached: true,
        stdio: captured ? ['ignore', 'pipe', 'pipe'] : (o.stdio as [number, number, number]),
      });
    } catch (e) {
      return finish(null, null, (e as Error).message);
    }
    o.signal?.addEventListener('abort', onAbort, { once: true });
    timers.push(
      setTimeout(() => {
        timedOut = true;
        stop();
      }, o.timeoutMs),
    );
    child.stdout?.on('data', (c: Buffer) => {
      all.push(c);
      out.push(c);
    });
    child.stderr?.on('data', (c: Buffer) => {
      all.push(c);
      err.push(c);
    });
    child.once('spawn', () => child?.pid && o.onSpawn?.(child.pid));
    child.once('error', (e) => finish(null, null, e.message));
    child.once('exit', (code, sig) => {
      const pid = child?.pid;
      const exitCode = code ?? (sig ? 128 + (constants.signals[sig] ?? 0) : null);
      if (pid !== undefined) signalGroup(pid, 'SIGKILL');
      timers.push(setTimeout(() => finish(exitCode, sig, null), DRAIN_MS)); // a writer that left the group
      child?.once('close', () => {
        // With pipes, 'close' means every writer is gone. With files, wait (bounded) for the killed
        // group to be reaped, so that the caller never sees a member still running.
        if (pid === undefined || captured || !signalGroup(pid, 0)) return finish(exitCode, sig, null);
        void untilGroupGone(pid, DRAIN_MS).then(() => finish(exitCode, sig, null));
      });
    });
  });
}
