// The bash launch script a worker's tmux pane runs: codex with its prompt, events teed to telemetry and rendered, exit code recorded.
import { isAbsolute } from 'node:path';
import type { CodexCommand } from './codexCommand';
import { shellJoin, shellQuote } from '../process/shellQuote';

export interface LaunchScriptOptions {
  codex: CodexCommand;
  promptFile: string;
  telemetryFile: string;
  outputFile: string;
  exitCodeFile: string;
  /** Receives the script's pid (with `exec bash script` it leads the pane's process group), so the agent can be stopped. */
  pidFile?: string;
  /** Where codex's stderr goes (its tail is printed when codex fails); default `<telemetryFile>.stderr.txt`. */
  stderrFile?: string;
  worktree: string;
  /** argv of the event renderer (reads codex JSONL on stdin, prints readable lines), e.g. `mminions render-events`. */
  renderCommand: string[];
  /** Shown in the pane's first line. */
  invocation?: string;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export class LaunchScriptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LaunchScriptError';
  }
}

/** The default stderr file beside the telemetry file. */
export function stderrFileFor(telemetryFile: string): string {
  return `${telemetryFile.replace(/\.jsonl$/, '')}.stderr.txt`;
}

/**
 * A bash script that runs codex in the worktree with stdin from the prompt file, tees its JSONL
 * stdout into the telemetry file and through the renderer (a renderer that stops early is drained,
 * so codex never dies of a broken pipe), and records CODEX's exit code (PIPESTATUS[0]) in the
 * exit-code file atomically (temp file, then mv). The script itself never reads stdin. Every
 * untrusted value is shell-quoted.
 */
export function renderLaunchScript(o: LaunchScriptOptions): string {
  for (const name of Object.keys(o.codex.env)) {
    if (!ENV_NAME.test(name))
      throw new LaunchScriptError(`invalid environment variable name for the codex launch script: ${JSON.stringify(name)}`);
  }
  for (const [what, path] of Object.entries({
    promptFile: o.promptFile,
    telemetryFile: o.telemetryFile,
    outputFile: o.outputFile,
    exitCodeFile: o.exitCodeFile,
    worktree: o.worktree,
  })) {
    if (!isAbsolute(path))
      throw new LaunchScriptError(`${what} must be an absolute path for the launch script (got ${JSON.stringify(path)})`);
  }
  const q = shellQuote;
  const render = o.renderCommand.length > 0 ? shellJoin(o.renderCommand) : 'cat';
  const exports = Object.entries(o.codex.env).map(([k, v]) => `export ${k}=${q(v)}`);
  const lines = [
    '#!/usr/bin/env bash',
    `# mminions launch script${o.invocation ? ` for ${o.invocation.replace(/[^A-Za-z0-9._-]/g, '_')}` : ''}: runs codex once and records its exit code (generated).`,
    'set -u',
    'exec </dev/null  # never wait on the terminal',
    "trap 'true' INT TERM  # let codex end, then still record its exit code (a hangup ends the whole pane)",
    '',
    `worktree=${q(o.worktree)}`,
    `prompt_file=${q(o.promptFile)}`,
    `telemetry_file=${q(o.telemetryFile)}`,
    `output_file=${q(o.outputFile)}`,
    `stderr_file=${q(o.stderrFile ?? stderrFileFor(o.telemetryFile))}`,
    `exit_code_file=${q(o.exitCodeFile)}`,
    '',
    ...(o.pidFile ? [`printf '%s\\n' "$$" > ${q(o.pidFile)}`] : []),
    'finish() {',
    '  local status=$1',
    '  if [ "$status" -ne 0 ] && [ -s "$stderr_file" ]; then',
    '    echo "[mminions] codex stderr (last lines):"',
    '    tail -n 20 -- "$stderr_file"',
    '  fi',
    '  [ -s "$output_file" ] && echo "[mminions] final message saved to $output_file"',
    '  echo "[mminions] codex exited with $status"',
    '  local tmp="$exit_code_file.tmp.$$"',
    '  printf \'%s\\n\' "$status" > "$tmp" && mv -f -- "$tmp" "$exit_code_file"',
    '  exit "$status"',
    '}',
    '',
    'rm -f -- "$exit_code_file"',
    ': > "$telemetry_file"',
    ': > "$stderr_file"',
    'cd -- "$worktree" || { echo "[mminions] cannot enter the worktree $worktree" >> "$stderr_file"; finish 126; }',
    ...exports,
    `echo ${q(`[mminions] ${o.invocation ?? 'agent'}: starting codex in ${o.worktree}`)}`,
    `${shellJoin([o.codex.command, ...o.codex.args])} < "$prompt_file" 2>> "$stderr_file" \\`,
    `  | tee -- "$telemetry_file" \\`,
    `  | { ${render}; cat > /dev/null; }`,
    'finish "${PIPESTATUS[0]}"',
    '',
  ];
  return lines.join('\n');
}
