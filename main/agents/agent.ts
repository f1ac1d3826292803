// The agent interface: one invocation of a CLI coding agent in, one result out, and the files it leaves in the run.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AgentRole } from '../../common/agentAnswers';
import type { Usage } from '../../common/artifacts';
import type { Config, SandboxMode } from '../config/config';
import { buildCodexArgs, type CodexCommand } from './codexCommand';
import type { RunPaths } from '../runs/runStore';
import { stderrFileFor } from './launchScript';
import { summarizeTelemetry, type TelemetrySummary } from './telemetry';

export interface AgentInvocation {
  /** File-name-safe id of this invocation, e.g. repro-w1, repro-w1-r2, triage-w2, reducer. */
  invocation: string;
  /** An answer-producing role, or FIXER: the bug-fix eval's agent, whose result is the worktree diff, not an answer. */
  role: AgentRole | 'FIXER';
  workerId: string;
  prompt: string;
  worktree: string;
  model: string;
  /** Defaults to the configured sandbox. */
  sandbox?: SandboxMode;
}

export type AgentStatus = 'finished' | 'failed' | 'timeout';

export interface AgentResult {
  invocation: string;
  status: AgentStatus;
  exitCode: number | null;
  /** The agent's final message ('' when it left none). */
  rawOutput: string;
  /** agents/<invocation>.out.txt */
  outputPath: string;
  /** telemetry/<invocation>.jsonl */
  telemetryPath: string;
  usage: Usage;
  threadId: string | null;
  /** What explains a failure: our own notes, the agent's error events (e.g. the model server's error text), its stderr tail. */
  diagnostics: string[];
  durationMs: number;
}

/** Where one invocation's files live in the run directory. */
export interface InvocationFiles {
  promptPath: string;
  outputPath: string;
  telemetryPath: string;
  stderrPath: string;
  scriptPath: string;
  exitCodePath: string;
  pidPath: string;
  /** Follow-ups (tmux workers): the file a follow-up is written to, codex's pid, each turn's exit code. */
  followupPath: string;
  codexPidPath: string;
  turnExitPrefix: string;
  /** The agent's TMPDIR: a workspace-write agent's commands may write here and in its worktree, not in /tmp. */
  tmpDir: string;
}

const INVOCATION_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function invocationFiles(paths: RunPaths, invocation: string): InvocationFiles {
  if (!INVOCATION_NAME.test(invocation)) {
    throw new Error(
      `invalid agent invocation name ${JSON.stringify(invocation)}: use letters, digits, ".", "_" and "-" (e.g. repro-w1)`,
    );
  }
  const telemetryPath = join(paths.telemetryDir, `${invocation}.jsonl`);
  return {
    promptPath: join(paths.promptsDir, `${invocation}.txt`),
    outputPath: join(paths.agentsDir, `${invocation}.out.txt`),
    telemetryPath,
    stderrPath: stderrFileFor(telemetryPath),
    scriptPath: join(paths.scriptsDir, `${invocation}.sh`),
    exitCodePath: join(paths.scriptsDir, `${invocation}.exit`),
    pidPath: join(paths.scriptsDir, `${invocation}.pid`),
    followupPath: join(paths.scriptsDir, `${invocation}.followup`),
    codexPidPath: join(paths.scriptsDir, `${invocation}.codex.pid`),
    turnExitPrefix: join(paths.scriptsDir, `${invocation}.turn`),
    tmpDir: join(paths.scratchDir, invocation),
  };
}

/** Saves the prompt and starts the output file empty, so both exist whatever happens next. */
export async function prepareInvocationFiles(files: InvocationFiles, prompt: string): Promise<void> {
  await writeFile(files.promptPath, prompt);
  await writeFile(files.outputPath, '');
  await mkdir(files.tmpDir, { recursive: true });
}

async function readOr(path: string, fallback: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
    throw err;
  }
}

/** The last lines of a text, bounded in lines and characters. */
export function tailLines(text: string, maxLines = 20, maxChars = 2_000): string {
  const t = text.replace(/\s+$/, '');
  const tail = t.split('\n').slice(-maxLines).join('\n');
  return tail.length > maxChars ? `…${tail.slice(-maxChars)}` : tail;
}

/**
 * Builds the result from what the invocation left on disk (final message, telemetry, stderr):
 * `notes` are the runner's own diagnostics, put first.
 */
export async function collectAgentResult(o: {
  invocation: string;
  files: Pick<InvocationFiles, 'outputPath' | 'telemetryPath' | 'stderrPath'>;
  status: AgentStatus;
  exitCode: number | null;
  durationMs: number;
  notes: string[];
}): Promise<AgentResult> {
  const [rawOutput, jsonl, stderr] = await Promise.all([
    readOr(o.files.outputPath, ''),
    readOr(o.files.telemetryPath, ''),
    readOr(o.files.stderrPath, ''),
  ]);
  const summary: TelemetrySummary = summarizeTelemetry(jsonl);
  const diagnostics = [...o.notes, ...summary.errors.map((e) => `agent error: ${e}`)];
  const stderrTail = tailLines(stderr);
  if (stderrTail && o.status !== 'finished') diagnostics.push(`agent stderr (last lines):\n${stderrTail}`);
  return {
    invocation: o.invocation,
    status: o.status,
    exitCode: o.exitCode,
    rawOutput,
    outputPath: o.files.outputPath,
    telemetryPath: o.files.telemetryPath,
    usage: summary.usage,
    threadId: summary.thread_id,
    diagnostics,
    durationMs: o.durationMs,
  };
}

/** The codex command of one invocation: its model, worktree, sandbox, and where its final message and schema are. */
export function invocationCommand(
  inv: AgentInvocation,
  files: InvocationFiles,
  o: { config: Config; schemaFile?: string },
): CodexCommand {
  return buildCodexArgs({
    config: o.config,
    model: inv.model,
    worktree: inv.worktree,
    outputFile: files.outputPath,
    schemaFile: o.schemaFile,
    sandbox: inv.sandbox,
    tmpDir: files.tmpDir,
  });
}
