// Every git command mminions runs goes through here: bounded, never prompting, and with nothing a repository could plant able to run.
import { execa } from 'execa';

/**
 * Settings on every call. A worktree has held what agents proposed, and a repository's hooks or an
 * fsmonitor command would run inside our own git calls: hooks point nowhere, fsmonitor is off,
 * nothing asks for credentials. (Diffs also pass --no-ext-diff --no-textconv.)
 */
export const SAFE_GIT_CONFIG = [
  '-c',
  'core.hooksPath=/dev/null',
  '-c',
  'core.fsmonitor=false',
  '-c',
  'core.askPass=',
  '-c',
  'credential.helper=',
  '-c',
  'protocol.ext.allow=never',
];

/** Variables that would redirect git away from the folder it is pointed at (e.g. set by a git hook that started us). */
const REDIRECTING_ENV = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_COMMON_DIR', 'GIT_OBJECT_DIRECTORY', 'GIT_CONFIG'];

export function gitEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' };
  for (const k of REDIRECTING_ENV) delete env[k];
  return env;
}

export interface GitResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** The output hit maxBuffer (stdout holds what came before). */
  truncated: boolean;
}

export interface GitOptions {
  timeoutMs?: number;
  maxBuffer?: number;
  /** Environment additions (dates of a commit, ...). */
  env?: Record<string, string>;
  /** Keep a trailing newline (file contents). */
  keepFinalNewline?: boolean;
  /** Where to run (default: the first argument's folder is given with -C by the caller). */
  cwd?: string;
}

/** `git <safe settings> ...args`; never throws for a failing command (see exitCode). */
export async function runGit(args: string[], o: GitOptions = {}): Promise<GitResult> {
  const res = await execa('git', [...SAFE_GIT_CONFIG, ...args], {
    reject: false,
    timeout: o.timeoutMs ?? 60_000,
    maxBuffer: o.maxBuffer ?? 64 * 1024 * 1024,
    stripFinalNewline: !o.keepFinalNewline,
    stdin: 'ignore',
    cwd: o.cwd,
    env: gitEnv({ ...process.env, ...o.env }),
    extendEnv: false,
  });
  return {
    exitCode: res.exitCode ?? null,
    stdout: typeof res.stdout === 'string' ? res.stdout : '',
    stderr: typeof res.stderr === 'string' ? res.stderr : '',
    timedOut: !!res.timedOut,
    truncated: !!res.isMaxBuffer,
  };
}
