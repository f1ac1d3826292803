// The `codex exec` command line of one agent invocation (config in, argv + env out).
import { codexConfigArgs, type Config, type SandboxMode } from '../config/config';
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
  for (const kv of codexConfigArgs(o.config.codex.config)) flags.push('-c', kv);
  const native = nativeCodex(o.config.codex.command);
  const env: Record<string, string> = { ...native?.env };
  if (o.config.codex.home) env.CODEX_HOME = o.config.codex.home;
  return {
    command: native?.path ?? o.config.codex.command,
    args: ['exec', '-', ...flags],
    resumeArgs: ['exec', ...flags, 'resume'],
    env,
  };
}
