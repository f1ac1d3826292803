// Runs one agent invocation in its own tmux session (workers): launch script, exit-code file, collection of the result.
import { execFile } from 'node:child_process';
import { watch, type FSWatcher } from 'node:fs';
import { chmod, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Config } from '../config/config';
import type { RunPaths } from '../runs/runStore';
import type { Tmux } from '../tmux/tmux';
import {
  collectAgentResult,
  invocationCommand,
  invocationFiles,
  prepareInvocationFiles,
  type AgentInvocation,
  type AgentResult,
  type InvocationFiles,
} from './agent';
import { renderLaunchScript } from './launchScript';
import { liveGroupMembers, signalGroup, untilGroupGone } from '../process/groups';
import { shellJoin } from '../process/shellQuote';

export interface TmuxAgentOptions {
  config: Config;
  paths: RunPaths;
  tmux: Tmux;
  sessionName: string;
  /** argv of `mminions render-events` (the pane's readable view of the JSONL events). */
  renderCommand: string[];
  schemaFile?: string;
}

/** Everything needed to find the invocation again (plain data: can be stored as JSON). */
export interface TmuxAgentHandle {
  invocation: string;
  sessionName: string;
  scriptPath: string;
  exitCodeFile: string;
  telemetryPath: string;
  outputPath: string;
  promptPath: string;
  stderrPath: string;
  /** The launch script's pid, which leads the process group of everything the agent runs. */
  pidFile: string;
  /** A person's follow-up, written here, becomes the next turn (see renderLaunchScript). */
  followupFile: string;
  /** codex's pid during a turn (to interrupt it). */
  codexPidFile: string;
  /** Turn N's exit code is in `<prefix>N.exit`. */
  turnExitPrefix: string;
  /** When the session was started (ms since the epoch). */
  startedAt: number;
}

/** Writes the prompt and the launch script (scripts/<invocation>.sh, 755), then starts the detached session running it. */
export async function startTmuxAgent(inv: AgentInvocation, o: TmuxAgentOptions): Promise<TmuxAgentHandle> {
  const files = invocationFiles(o.paths, inv.invocation);
  await prepareInvocationFiles(files, inv.prompt);
  await rm(files.exitCodePath, { force: true }); // a stale one would end the wait at once
  await rm(files.pidPath, { force: true });
  await rm(files.followupPath, { force: true }); // a stale follow-up would start a turn at once
  await rm(files.codexPidPath, { force: true });
  await rm(`${files.followupPath}.fresh`, { force: true });
  const codex = invocationCommand(inv, files, o);
  const script = renderLaunchScript({
    codex,
    promptFile: files.promptPath,
    telemetryFile: files.telemetryPath,
    outputFile: files.outputPath,
    exitCodeFile: files.exitCodePath,
    pidFile: files.pidPath,
    stderrFile: files.stderrPath,
    worktree: inv.worktree,
    renderCommand: o.renderCommand,
    invocation: inv.invocation,
    followup: { file: files.followupPath, codexPidFile: files.codexPidPath, turnExitPrefix: files.turnExitPrefix },
  });
  await writeFile(files.scriptPath, script);
  await chmod(files.scriptPath, 0o755);
  const startedAt = Date.now();
  await o.tmux.newSession({ name: o.sessionName, cwd: inv.worktree, command: `exec ${shellJoin(['bash', files.scriptPath])}` });
  return handleFor(inv.invocation, o.sessionName, files, startedAt);
}

function handleFor(invocation: string, sessionName: string, f: InvocationFiles, startedAt: number): TmuxAgentHandle {
  return {
    invocation,
    sessionName,
    scriptPath: f.scriptPath,
    exitCodeFile: f.exitCodePath,
    telemetryPath: f.telemetryPath,
    outputPath: f.outputPath,
    promptPath: f.promptPath,
    stderrPath: f.stderrPath,
    pidFile: f.pidPath,
    followupFile: f.followupPath,
    codexPidFile: f.codexPidPath,
    turnExitPrefix: f.turnExitPrefix,
    startedAt,
  };
}

/** Where turn `turn`'s exit code is recorded (turn 1 is the first, follow-ups count from 2). */
export function turnExitFile(handle: Pick<TmuxAgentHandle, 'turnExitPrefix'>, turn: number): string {
  return `${handle.turnExitPrefix}${turn}.exit`;
}

/**
 * Hands a follow-up to the launch script (an atomic write of its follow-up file); with `interrupt`,
 * the running codex turn is ended by SIGINT (only a codex of this agent's own process group is
 * signalled). The script then records that turn's exit and resumes the thread — or, with `fresh`,
 * starts a new one with the prompt and the follow-up (for a first turn interrupted before it did
 * anything: codex may not have saved its prompt yet, and a resumed thread would lack it).
 */
export async function deliverFollowUp(
  handle: TmuxAgentHandle,
  text: string,
  o: { interrupt: boolean; fresh?: boolean },
): Promise<void> {
  // A fresh turn: the thread is not resumed but started again, with the prompt and the follow-up.
  if (o.fresh) await writeFile(`${handle.followupFile}.fresh`, '');
  const tmp = `${handle.followupFile}.tmp.${process.pid}`;
  await writeFile(tmp, text.endsWith('\n') ? text : `${text}\n`);
  await rename(tmp, handle.followupFile);
  if (!o.interrupt) return;
  const leader = await readPid(handle.pidFile);
  const codex = await readPid(handle.codexPidFile);
  if (leader === null || codex === null) return;
  if (!(await liveGroupMembers(leader)).includes(codex)) return;
  try {
    process.kill(codex, 'SIGINT');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/** The exit code recorded in `path`; undefined while the file does not exist. */
export async function readExitFile(path: string): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  if (!/^\d{1,3}\s*$/.test(text))
    throw new Error(
      `exit-code file ${path} holds ${JSON.stringify(text.slice(0, 40))}, not an exit code (it is written by the launch script only)`,
    );
  return Number(text.trim());
}

export interface WaitOptions {
  signal?: AbortSignal;
  /** Give up after this long (resolves null). Default: wait until aborted. */
  timeoutMs?: number;
  /** The slow poll behind the folder watch (default 2 s). */
  pollMs?: number;
}

/**
 * Resolves with the exit code once `path` exists; null on timeout or abort. Watches the folder
 * (the file appears by a rename, noticed as it happens) with a slow poll as a fallback for
 * file systems where watching misses events.
 */
export function waitForExitFile(path: string, o: WaitOptions = {}): Promise<number | null> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let checking = false;
    let again = false;
    let watcher: FSWatcher | null = null;
    let poll: NodeJS.Timeout | undefined;
    const timers: NodeJS.Timeout[] = [];
    const finish = (v: number | null, err?: Error) => {
      if (settled) return;
      settled = true;
      timers.forEach((t) => clearTimeout(t));
      clearInterval(poll);
      watcher?.close();
      o.signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve(v);
    };
    const check = async () => {
      if (settled) return;
      if (checking) {
        again = true;
        return;
      }
      checking = true;
      try {
        do {
          again = false;
          const code = await readExitFile(path);
          if (code !== undefined) return finish(code);
        } while (again && !settled);
      } catch (err) {
        finish(null, err as Error);
      } finally {
        checking = false;
      }
    };
    function onAbort() {
      finish(null);
    }
    if (o.signal?.aborted) return finish(null);
    o.signal?.addEventListener('abort', onAbort, { once: true });
    const name = basename(path);
    try {
      watcher = watch(dirname(path), (_event, file) => {
        if (!file || file.toString() === name) void check();
      });
      watcher.on('error', () => {
        watcher?.close();
        watcher = null; // the poll carries on
      });
    } catch {
      watcher = null; // e.g. the folder does not exist yet: the poll carries on
    }
    poll = setInterval(() => void check(), o.pollMs ?? 2_000);
    if (o.timeoutMs !== undefined) timers.push(setTimeout(() => finish(null), o.timeoutMs));
    void check(); // it may already be there
  });
}

export interface CollectOptions {
  /** The caller gave up waiting (its own bound): a missing exit code then means `timeout`. */
  timedOut?: boolean;
}

/** The result of a tmux invocation from its files: exit code, final message, telemetry, stderr. */
export async function collectTmuxAgent(handle: TmuxAgentHandle, o: CollectOptions = {}): Promise<AgentResult> {
  const exitCode = (await readExitFile(handle.exitCodeFile)) ?? null;
  let ended = Date.now();
  if (exitCode !== null) ended = (await stat(handle.exitCodeFile)).mtimeMs;
  const notes: string[] = [];
  let status: AgentResult['status'];
  if (exitCode === 0) status = 'finished';
  else if (exitCode !== null) {
    status = 'failed';
    notes.push(`codex exited with ${exitCode} (session ${handle.sessionName})`);
  } else if (o.timedOut) {
    status = 'timeout';
    notes.push(`codex did not finish in time (session ${handle.sessionName}; no exit code in ${handle.exitCodeFile})`);
  } else {
    status = 'failed';
    notes.push(
      `no exit code in ${handle.exitCodeFile}: the launch script did not finish (was session ${handle.sessionName} killed?)`,
    );
  }
  return collectAgentResult({
    invocation: handle.invocation,
    files: { outputPath: handle.outputPath, telemetryPath: handle.telemetryPath, stderrPath: handle.stderrPath },
    status,
    exitCode,
    durationMs: Math.max(0, Math.round(ended - handle.startedAt)),
    notes,
  });
}

/** The command line of process `pid`, or null when there is none. */
function processArgs(pid: number): Promise<string | null> {
  return new Promise((resolve) => {
    execFile('ps', ['-o', 'args=', '-p', String(pid)], { timeout: 5_000 }, (err, stdout) => resolve(err ? null : stdout.trim()));
  });
}

async function readPid(path: string): Promise<number | null> {
  try {
    const t = (await readFile(path, 'utf8')).trim();
    return /^[1-9]\d{0,9}$/.test(t) ? Number(t) : null;
  } catch {
    return null;
  }
}

/**
 * Stops the agent whatever state it is in: SIGTERM to the launch script's process group (codex,
 * its commands, tee, the renderer), SIGKILL after `graceMs`, then the session is ended. Ending the
 * session alone is not enough: a pane's hangup does not reliably reach every process of the group.
 * The group is only signalled when it is ours: its leader runs our script, or the leader is gone
 * (a pid is not reused while its process group lives). Returns whether no live process of the group is left.
 */
export async function stopTmuxAgent(handle: TmuxAgentHandle, tmux: Tmux, o: { graceMs?: number } = {}): Promise<boolean> {
  const pid = await readPid(handle.pidFile);
  let gone = true;
  if (pid !== null && (await liveGroupMembers(pid)).length > 0) {
    const args = await processArgs(pid);
    if (args === null || args.includes(handle.scriptPath)) {
      const graceMs = o.graceMs ?? 2_000;
      signalGroup(pid, 'SIGTERM');
      gone = await untilGroupGone(pid, graceMs);
      if (!gone) {
        signalGroup(pid, 'SIGKILL');
        gone = await untilGroupGone(pid, graceMs);
      }
    }
  }
  await tmux.killSession(handle.sessionName);
  return gone;
}
