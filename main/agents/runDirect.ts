// Runs one agent invocation as a direct child of the manager (the reducer): bounded, cancellable, whole process group killed.
import { open, type FileHandle } from 'node:fs/promises';
import type { Config } from '../config/config';
import type { RunPaths } from '../runs/runStore';
import {
  collectAgentResult,
  invocationCommand,
  invocationFiles,
  prepareInvocationFiles,
  type AgentInvocation,
  type AgentResult,
  type AgentStatus,
} from './agent';
import { type ProcessResult, runProcess } from '../process/run';
import type { CodexCommand } from './codexCommand';

export interface RunDirectOptions {
  config: Config;
  paths: RunPaths;
  timeoutMs: number;
  schemaFile?: string;
  /** Cancels the invocation (e.g. the run is stopped): the process group is killed, status `failed`. */
  signal?: AbortSignal;
  /** Between SIGTERM and SIGKILL of the group (default 2 s). */
  killGraceMs?: number;
  /** Called with the agent's pid (also its process group id) once it is started, and once it is gone. */
  onSpawn?: (pid: number) => void;
  onExit?: (pid: number) => void;
}

function outcomeStatus(r: ProcessResult): AgentStatus {
  if (r.timedOut) return 'timeout';
  return r.exitCode === 0 && !r.aborted && !r.spawnError ? 'finished' : 'failed';
}

function outcomeNotes(r: ProcessResult, cmd: CodexCommand, cwd: string, timeoutMs: number): string[] {
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
  const cmd = invocationCommand(inv, files, o);
  const started = Date.now();
  const handles: FileHandle[] = [];
  let outcome: ProcessResult;
  try {
    // Files, not pipes: codex writes straight to disk and no inherited pipe can outlive a kill.
    handles.push(await open(files.promptPath, 'r'), await open(files.telemetryPath, 'w'), await open(files.stderrPath, 'w'));
    const [stdin, stdout, stderr] = handles.map((h) => h.fd) as [number, number, number];
    outcome = await runProcess([cmd.command, ...cmd.args], {
      cwd: inv.worktree,
      env: { ...process.env, ...cmd.env },
      stdio: [stdin, stdout, stderr],
      timeoutMs: o.timeoutMs,
      killGraceMs: o.killGraceMs ?? 2_000,
      signal: o.signal,
      onSpawn: o.onSpawn,
      onExit: o.onExit,
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
