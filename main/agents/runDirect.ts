// Runs one agent invocation as a direct child of the manager (the reducer): bounded, cancellable, whole process group killed.
import { execFile, spawn } from 'node:child_process';
import { open, type FileHandle } from 'node:fs/promises';
import type { Config } from '../config/config';
import type { RunPaths } from '../runs/runStore';
import {
  collectAgentResult,
  invocationFiles,
  prepareInvocationFiles,
  type AgentInvocation,
  type AgentResult,
  type AgentStatus,
} from './agent';
import { buildCodexArgs, type CodexCommand } from './codexCommand';

export interface RunDirectOptions {
  config: Config;
  paths: RunPaths;
  timeoutMs: number;
  schemaFile?: string;
  /** Cancels the invocation (e.g. the run is stopped): the process group is killed, status `failed`. */
  signal?: AbortSignal;
  /** Between SIGTERM and SIGKILL of the group (default 2 s). */
  killGraceMs?: number;
  /** Called with the agent's pid (also its process group id) once it is started. */
  onSpawn?: (pid: number) => void;
}

interface ChildOutcome {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  aborted: boolean;
  spawnError: string | null;
}

/** Signals a whole process group; false when it has no member left. */
export function signalGroup(pgid: number, sig: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, sig);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The live (non-zombie) members of a process group. A killed process stays a member until it is
 * reaped, and an orphan is reaped by init, sometimes late: zombies do not count.
 */
export async function liveGroupMembers(pgid: number): Promise<number[]> {
  if (!signalGroup(pgid, 0)) return [];
  const table = await new Promise<string | null>((resolve) => {
    execFile('ps', ['-A', '-o', 'pid=,pgid=,stat='], { timeout: 5_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout) =>
      resolve(err ? null : stdout),
    );
  });
  if (table === null) return [pgid]; // cannot tell: assume alive
  return table
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 3 && Number(f[1]) === pgid && !f[2]!.startsWith('Z'))
    .map((f) => Number(f[0]));
}

/** Waits (bounded) until no live member of the group is left; true when none is. */
export async function untilGroupGone(pgid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if ((await liveGroupMembers(pgid)).length === 0) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Spawns `cmd` as the leader of its own process group with stdio on the given files. On timeout
 * or abort: SIGTERM to the group, SIGKILL after the grace. After the leader exits, whatever is
 * left of its group is killed too.
 */
function spawnInGroup(
  cmd: CodexCommand,
  o: {
    cwd: string;
    stdio: [number, number, number];
    timeoutMs: number;
    graceMs: number;
    signal?: AbortSignal;
    onSpawn?: (pid: number) => void;
  },
): Promise<ChildOutcome> {
  return new Promise((resolve) => {
    let timedOut = false;
    let aborted = false;
    let settled = false;
    const timers: NodeJS.Timeout[] = [];
    const done = (r: Omit<ChildOutcome, 'timedOut' | 'aborted'>) => {
      if (settled) return;
      settled = true;
      timers.forEach(clearTimeout);
      o.signal?.removeEventListener('abort', onAbort);
      resolve({ ...r, timedOut, aborted });
    };
    if (o.signal?.aborted) {
      aborted = true;
      done({ exitCode: null, signal: null, spawnError: null });
      return;
    }
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(cmd.command, cmd.args, { cwd: o.cwd, env: { ...process.env, ...cmd.env }, stdio: o.stdio, detached: true });
    } catch (err) {
      done({ exitCode: null, signal: null, spawnError: (err as Error).message });
      return;
    }
    const stop = () => {
      const pid = child.pid;
      if (!pid || settled) return;
      signalGroup(pid, 'SIGTERM');
      timers.push(
        setTimeout(() => {
          signalGroup(pid, 'SIGKILL');
          // A leader stuck in the kernel may never report its exit: stop waiting after another grace.
          timers.push(setTimeout(() => done({ exitCode: null, signal: 'SIGKILL', spawnError: null }), o.graceMs));
        }, o.graceMs),
      );
    };
    function onAbort() {
      aborted = true;
      stop();
    }
    o.signal?.addEventListener('abort', onAbort, { once: true });
    timers.push(
      setTimeout(() => {
        timedOut = true;
        stop();
      }, o.timeoutMs),
    );
    child.once('spawn', () => child.pid && o.onSpawn?.(child.pid));
    child.once('error', (err) => done({ exitCode: null, signal: null, spawnError: err.message }));
    child.once('exit', (code, sig) => {
      const pid = child.pid;
      // Leftovers of the group are killed; killed processes stay members until reaped, so wait (bounded) for that.
      if (!pid || !signalGroup(pid, 'SIGKILL')) return done({ exitCode: code, signal: sig, spawnError: null });
      void untilGroupGone(pid, o.graceMs).then(() => done({ exitCode: code, signal: sig, spawnError: null }));
    });
  });
}

function outcomeStatus(r: ChildOutcome): AgentStatus {
  if (r.timedOut) return 'timeout';
  return r.exitCode === 0 && !r.aborted && !r.spawnError ? 'finished' : 'failed';
}

function outcomeNotes(r: ChildOutcome, cmd: CodexCommand, cwd: string, timeoutMs: number): string[] {
  if (r.spawnError)
    return [
      `could not start ${cmd.command} in ${cwd}: ${r.spawnError} (check codex.command in mminions.toml, that codex is installed and that the worktree exists)`,
    ];
  if (r.timedOut) return [`${cmd.command} did not finish within ${Math.round(timeoutMs / 1000)} s; its process group was killed`];
  if (r.aborted) return [`cancelled (the run was stopped); ${cmd.command}'s process group was killed`];
  if (r.exitCode === 0) return [];
  return [
    r.exitCode === null ? `${cmd.command} was killed by ${r.signal ?? 'a signal'}` : `${cmd.command} exited with ${r.exitCode}`,
  ];
}

/**
 * Runs the invocation to its end: prompt saved to prompts/<invocation>.txt and fed on stdin,
 * JSONL events written straight to telemetry/<invocation>.jsonl, stderr to
 * telemetry/<invocation>.stderr.txt, final message to agents/<invocation>.out.txt.
 */
export async function runAgentDirect(inv: AgentInvocation, o: RunDirectOptions): Promise<AgentResult> {
  const files = invocationFiles(o.paths, inv.invocation);
  await prepareInvocationFiles(files, inv.prompt);
  const cmd = buildCodexArgs({
    config: o.config,
    model: inv.model,
    worktree: inv.worktree,
    outputFile: files.outputPath,
    schemaFile: o.schemaFile,
    sandbox: inv.sandbox,
  });
  const started = Date.now();
  const handles: FileHandle[] = [];
  let outcome: ChildOutcome;
  try {
    // Files, not pipes: codex writes straight to disk and no inherited pipe can outlive a kill.
    handles.push(await open(files.promptPath, 'r'), await open(files.telemetryPath, 'w'), await open(files.stderrPath, 'w'));
    const [stdin, stdout, stderr] = handles.map((h) => h.fd) as [number, number, number];
    outcome = await spawnInGroup(cmd, {
      cwd: inv.worktree,
      stdio: [stdin, stdout, stderr],
      timeoutMs: o.timeoutMs,
      graceMs: o.killGraceMs ?? 2_000,
      signal: o.signal,
      onSpawn: o.onSpawn,
    });
  } finally {
    await Promise.all(handles.map((h) => h.close()));
  }
  return collectAgentResult({
    invocation: inv.invocation,
    files,
    status: outcomeStatus(outcome),
    exitCode: outcome.exitCode,
    durationMs: Date.now() - started,
    notes: outcomeNotes(outcome, cmd, inv.worktree, o.timeoutMs),
  });
}
