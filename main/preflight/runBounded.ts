// Runs a short command with a hard time bound; on timeout the whole process group is killed.
import { spawn } from 'node:child_process';

export interface BoundedResult {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Set when the command could not be started (e.g. ENOENT). */
  error: string | null;
}

export interface BoundedOptions {
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

const MAX_OUTPUT = 64 * 1024;
// After a group kill, a grandchild that left the group could keep the pipes open; stop waiting for it.
const CLOSE_GRACE_MS = 1_000;

export function runBounded(command: string, args: readonly string[], opts: BoundedOptions): Promise<BoundedResult> {
  return new Promise((resolveResult) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let settled = false;
    const timers: NodeJS.Timeout[] = [];
    const finish = (r: Omit<BoundedResult, 'stdout' | 'stderr' | 'timedOut'>) => {
      if (settled) return;
      settled = true;
      timers.forEach(clearTimeout);
      resolveResult({ ...r, stdout, stderr, timedOut });
    };
    let child: ReturnType<typeof spawn>;
    try {
      // detached: the child leads its own process group, so a timeout can kill everything it started.
      child = spawn(command, [...args], {
        env: opts.env ?? process.env,
        cwd: opts.cwd,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
    } catch (err) {
      finish({ exitCode: null, signal: null, error: (err as Error).message });
      return;
    }
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      if (stdout.length < MAX_OUTPUT) stdout += d.slice(0, MAX_OUTPUT - stdout.length);
    });
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < MAX_OUTPUT) stderr += d.slice(0, MAX_OUTPUT - stderr.length);
    });
    child.on('error', (err) => finish({ exitCode: null, signal: null, error: err.message }));
    child.on('close', (code, signal) => finish({ exitCode: code, signal, error: null }));
    timers.push(
      setTimeout(() => {
        timedOut = true;
        killGroup(child.pid);
        timers.push(setTimeout(() => finish({ exitCode: null, signal: 'SIGKILL', error: null }), CLOSE_GRACE_MS));
      }, opts.timeoutMs),
    );
  });
}

function killGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}
