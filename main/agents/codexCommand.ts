// The `codex exec` command line of one agent invocation (config in, argv + env out).
import { codexConfigArgs, tomlValue, type Config, type SandboxMode } from '../config/config';
import { nativeCodex } from './codexBinary';

export interface CodexCommand {
  command: string;
  args: string[];
  /**
   * The arguments of a follow-up turn (`codex exec <the same flags> resume`), to which the thread id
   * and `-` (the follow-up on stdin) are appended: the flags go before `resume`.
   */
  resumeArgs: string[];
  /** Variables to add to the inherited environment. */
  env: Record<string, string>;
}

export interface CodexArgsOptions {
  config: Config;
  model: string;
  worktree: string;
  /** `-o`: where codex writes the final agent message. */
  outputFile: string;
  /** `--output-schema`: the JSON Schema the final message must follow. */
  schemaFile?: string;
  /** Defaults to `config.codex.sandbox`. */
  sandbox?: SandboxMode;
  /** `--json`: JSONL events on stdout (default true). */
  json?: boolean;
  /**
   * The agent's own temporary folder. With `workspace-write`, codex's sandbox lets commands write
   * their worktree and (by default) all of /tmp — other workers' and other runs' worktrees, the
   * verification worktrees, anyone's temporary files. So /tmp and $TMPDIR are taken out of its
   * writable roots, and this folder is put in as TMPDIR and a writable root instead.
   */
  tmpDir?: string;
}

/**
 * `codex exec -` reads the prompt from stdin; the caller must connect stdin to the prompt file.
 * When `codex.command` is the npm package's launcher, the native binary it would start is run
 * directly (see codexBinary.ts).
 */
export function buildCodexArgs(o: CodexArgsOptions): CodexCommand {
  const flags: string[] = [];
  if (o.json ?? true) flags.push('--json');
  flags.push('-o', o.outputFile);
  if (o.schemaFile) flags.push('--output-schema', o.schemaFile);
  flags.push('--skip-git-repo-check', '-s', o.sandbox ?? o.config.codex.sandbox, '-m', o.model, '-C', o.worktree);
  flags.push('-c', 'approval_policy="never"');
  const sandbox = o.sandbox ?? o.config.codex.sandbox;
  const env: Record<string, string> = {};
  if (sandbox === 'workspace-write') {
    flags.push(
      '-c',
      'sandbox_workspace_write.exclude_slash_tmp=true',
      '-c',
      'sandbox_workspace_write.exclude_tmpdir_env_var=true',
    );
    if (o.tmpDir) {
      flags.push('-c', `sandbox_workspace_write.writable_roots=${tomlValue([o.tmpDir])}`);
      env.TMPDIR = o.tmpDir;
    }
  }
  // The person's own [codex.config] comes last: what it sets wins.
  for (const kv of codexConfigArgs(o.config.codex.config)) flags.push('-c', kv);
  const native = nativeCodex(o.config.codex.command);
  Object.assign(env, native?.env);
  if (o.config.codex.home) env.CODEX_HOME = o.config.codex.home;
  return {
    command: native?.path ?? o.config.codex.command,
    args: ['exec', '-', ...flags],
    resumeArgs: ['exec', ...flags, 'resume'],
    env,
  };
}
