// Runs one command an agent proposed (setup, oracle, probe, check): in the sandbox when there is one, always bounded and with an allow-listed environment.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type ProcessResult, runProcess } from './run';
import { bwrapArgv, type Sandbox, untrustedEnv } from './sandbox';

export interface UntrustedOptions {
  sandbox: Sandbox;
  /** The command's worktree: where it starts and what it may write. */
  cwd: string;
  /** More writable folders (an eval's env folder). */
  writable?: string[];
  /** May it reach the network (setup commands, when configured)? */
  network: boolean;
  /** The command's own variables (PYTHONPATH, NODE_PATH, ...), over the allow-listed ones; undefined removes. */
  env?: Record<string, string | undefined>;
  /** Interpreters it runs (exposed read-only when they live in a hidden place). */
  interpreters?: string[];
  /** Files it reads though they live in a hidden place (an eval's oracle script). */
  readable?: string[];
  /** Its HOME on this machine (default `<cwd>/.mminions/home`), kept between a candidate's setup and oracle runs. */
  home?: string;
  timeoutMs: number;
  maxOutputBytes?: number;
  killGraceMs?: number;
  signal?: AbortSignal;
  /** Called with the runner's pid (its process group) once it runs, and when it is gone. */
  onSpawn?: (pid: number) => void;
  onExit?: (pid: number) => void;
}

/**
 * `sh -c command` with stdout and stderr interleaved, contained: in bubblewrap when the sandbox has
 * it (nothing it starts outlives it: own PID namespace, --die-with-parent), else on the host in its
 * own process group. Either way the environment is allow-listed and holds no secret.
 */
export async function runUntrusted(command: string, o: UntrustedOptions): Promise<ProcessResult> {
  const contained = o.sandbox.kind === 'bwrap';
  const home = o.home ?? join(o.cwd, '.mminions', 'home');
  if (contained) await mkdir(home, { recursive: true });
  const env = untrustedEnv({
    own: o.env,
    extra: o.sandbox.settings.env,
    network: o.network,
    // Unsandboxed, HOME stays the user's: toolchains found through it keep working.
    home: contained ? o.sandbox.home : (process.env.HOME ?? o.sandbox.home),
  });
  const sh = ['sh', '-c', `exec 2>&1\n${command}`];
  const argv = contained
    ? bwrapArgv(
        o.sandbox,
        {
          cwd: o.cwd,
          writable: [o.cwd, ...(o.writable ?? [])],
          home,
          network: o.network,
          interpreters: o.interpreters,
          readable: o.readable,
          env,
        },
        sh,
      )
    : sh;
  const tracked = o.sandbox.tracker?.hooks(`untrusted: ${command.slice(0, 200)}`);
  return runProcess(argv, {
    cwd: o.cwd,
    env,
    timeoutMs: o.timeoutMs,
    maxOutputBytes: o.maxOutputBytes,
    killGraceMs: o.killGraceMs,
    signal: o.signal,
    onSpawn: (pid) => {
      tracked?.onSpawn(pid);
      o.onSpawn?.(pid);
    },
    onExit: (pid) => {
      tracked?.onExit(pid);
      o.onExit?.(pid);
    },
  });
}
