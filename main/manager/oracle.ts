// Runs one untrusted shell command (setup or oracle) bounded: own process group, timeout, capped output.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

export interface RunCommandOptions {
  cwd: string;
  timeoutMs: number;
  /** Added to (and, for `undefined` values, removed from) the inherited environment. */
  env?: Record<string, string | undefined>;
  maxOutputBytes?: number;
  /** Between SIGTERM and SIGKILL of the process group on timeout. */
  killGraceMs?: number;
}

export interface CommandResult {
  /** null when the command timed out or could not be started; 128+N when killed by signal N. */
  exitCode: number | null;
  timedOut: boolean;
  durationMs: number;
  /** stdout and stderr interleaved in write order; capped, with a truncation marker in the middle. */
  output: string;
  signal: string | null;
  /** Why the command could not be started, when it could not. */
  spawnError: string | null;
}

/** Keeps the first quarter and the last three quarters of the cap: a failure is told at the end. */
class CappedOutput {
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

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}

/** `sh -c cmd` in its own process group; on timeout the whole group gets SIGTERM, then SIGKILL. */
export function runCommand(cmd: string, opts: RunCommandOptions): Promise<CommandResult> {
  const started = performance.now();
  const out = new CappedOutput(opts.maxOutputBytes ?? 1_000_000);
  const grace = opts.killGraceMs ?? 1_000;
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return new Promise((resolvePromise) => {
    let timedOut = false;
    let settled = false;
    let killTimer: NodeJS.Timeout | undefined;
    let closeTimer: NodeJS.Timeout | undefined;
    // One pipe for both streams (`exec 2>&1`), so the output keeps the order things were written in.
    const child = spawn('sh', ['-c', `exec 2>&1\n${cmd}`], {
      cwd: opts.cwd,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const finish = (exitCode: number | null, signal: string | null, spawnError: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(killTimer);
      clearTimeout(closeTimer);
      child.stdout?.destroy();
      child.stderr?.destroy();
      resolvePromise({
        exitCode: timedOut ? null : exitCode,
        timedOut,
        durationMs: Math.round(performance.now() - started),
        output: out.text(),
        signal,
        spawnError,
      });
    };
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid === undefined) return;
      const pid = child.pid;
      killGroup(pid, 'SIGTERM');
      killTimer = setTimeout(() => killGroup(pid, 'SIGKILL'), grace);
    }, opts.timeoutMs);
    child.stdout?.on('data', (c: Buffer) => out.push(c));
    child.stderr?.on('data', (c: Buffer) => out.push(c));
    child.on('error', (err) => finish(null, null, err.message));
    child.on('exit', (code, signal) => {
      // Whatever the command left behind in its group goes with it (and frees the pipes).
      if (child.pid !== undefined) killGroup(child.pid, 'SIGKILL');
      const exitCode = code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : null);
      // Let buffered output drain; a descendant that left the group could hold the pipes open.
      closeTimer = setTimeout(() => finish(exitCode, signal, null), 2_000);
      child.on('close', () => finish(exitCode, signal, null));
    });
  });
}
