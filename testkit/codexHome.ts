// A private CODEX_HOME for tests, and a bounded way to run the real codex CLI in it.
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { makeOfflineCodexHome } from '../main/agents/offline';

/** The codex binary the project pins (node_modules/.bin/codex). */
export const CODEX_BIN = fileURLToPath(new URL('../node_modules/.bin/codex', import.meta.url));

export { OFFLINE_CODEX_CONFIG } from '../main/agents/offline';

export interface CodexHome {
  dir: string;
  /** process.env plus CODEX_HOME=dir (no OPENAI_API_KEY / CODEX_API_KEY from the caller). */
  env: NodeJS.ProcessEnv;
  cleanup(): Promise<void>;
}

export async function makeCodexHome(): Promise<CodexHome> {
  const dir = await makeOfflineCodexHome();
  const env: NodeJS.ProcessEnv = { ...process.env, CODEX_HOME: dir };
  delete env.OPENAI_API_KEY;
  delete env.CODEX_API_KEY;
  return { dir, env, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export interface CodexRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

export interface CodexRunOptions {
  args: string[];
  /** Written to stdin, which is then closed. */
  stdin: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** Called once the process is spawned (e.g. to kill it early). */
  onSpawn?: (pid: number) => void;
}

/** Runs codex in its own process group; on timeout the whole group is killed. */
export function runCodex(o: CodexRunOptions): Promise<CodexRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(CODEX_BIN, o.args, { cwd: o.cwd, env: o.env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.on('error', () => {}); // codex may exit before reading it all
    child.stdin.end(o.stdin);
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, o.timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${CODEX_BIN}: ${e.message} (run npm install)`));
    });
    child.once('spawn', () => child.pid && o.onSpawn?.(child.pid));
    child.once('close', (exitCode, signal) => {
      clearTimeout(timer);
      killGroup(child.pid); // leftovers of the group, if any
      resolve({ exitCode, signal, timedOut, stdout, stderr });
    });
  });
}

export function killGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
