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
  /**
   * Follow-ups: when given, the script stays after codex's turn and waits for this file (a person's
   * follow-up, written by the manager); each one resumes the thread as a new turn. Without it, the
   * script ends after the first turn.
   */
  followup?: {
    file: string;
    /** Receives codex's pid at each turn, so the manager can interrupt a running turn (SIGINT). */
    codexPidFile: string;
    /** Each turn's exit code goes to `<prefix><turn>.exit` (and to exitCodeFile, the latest). */
    turnExitPrefix: string;
  };
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
 * untrusted value is shell-quoted. With `followup`, each follow-up file that appears afterwards is
 * a new turn: `codex exec <flags> resume <thread_id> -` with the follow-up on stdin, its events
 * appended to the same telemetry, its exit code recorded per turn.
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
    ...(o.followup
      ? { followupFile: o.followup.file, codexPidFile: o.followup.codexPidFile, turnExitPrefix: o.followup.turnExitPrefix }
      : {}),
  })) {
    if (!isAbsolute(path))
      throw new LaunchScriptError(`${what} must be an absolute path for the launch script (got ${JSON.stringify(path)})`);
  }
  const q = shellQuote;
  const render = o.renderCommand.length > 0 ? shellJoin(o.renderCommand) : 'cat';
  const exports = Object.entries(o.codex.env).map(([k, v]) => `export ${k}=${q(v)}`);
  const f = o.followup;
  // With follow-ups, codex's own pid goes to a file (to interrupt it): the subshell becomes codex
  // (exec), so its BASHPID is codex's.
  const lines = [
    '#!/usr/bin/env bash',
    `# mminions launch script${o.invocation ? ` for ${o.invocation.replace(/[^A-Za-z0-9._-]/g, '_')}` : ''}: runs codex${f ? ', then each follow-up as a new turn,' : ' once'} and records its exit code (generated).`,
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
    ...(f
      ? [`followup_file=${q(f.file)}`, `codex_pid_file=${q(f.codexPidFile)}`, `turn_exit_prefix=${q(f.turnExitPrefix)}`]
      : []),
    'turn=1',
    '',
    ...(o.pidFile ? [`printf '%s\\n' "$$" > ${q(o.pidFile)}`] : []),
    "# Records a turn's exit code: the latest in $exit_code_file, each turn in its own file (atomic: temp file, then mv).",
    'record() {',
    '  local status=$1',
    '  if [ "$status" -ne 0 ] && [ -s "$stderr_file" ]; then',
    '    echo "[mminions] codex stderr (last lines):"',
    '    tail -n 20 -- "$stderr_file"',
    '  fi',
    '  [ -s "$output_file" ] && echo "[mminions] final message saved to $output_file"',
    '  echo "[mminions] codex exited with $status"',
    '  local tmp="$exit_code_file.tmp.$$"',
    '  printf \'%s\\n\' "$status" > "$tmp" && mv -f -- "$tmp" "$exit_code_file"',
    // The turn's own file last: whoever waits for it finds the latest one written too.
    ...(f
      ? [
          '  local tmp_turn="$turn_exit_prefix$turn.exit.tmp.$$"',
          '  printf \'%s\\n\' "$status" > "$tmp_turn" && mv -f -- "$tmp_turn" "$turn_exit_prefix$turn.exit"',
        ]
      : []),
    '}',
    '',
    '# One codex turn: stdin from the file $1, the rest is its argv; events appended to the telemetry and rendered.',
    'codex_turn() {',
    '  local input=$1',
    '  shift',
    `  ${f ? '( printf \'%s\\n\' "$BASHPID" > "$codex_pid_file"; exec "$@" )' : '"$@"'} < "$input" 2>> "$stderr_file" \\`,
    '    | tee -a -- "$telemetry_file" \\',
    `    | { ${render}; cat > /dev/null; }`,
    '  return "${PIPESTATUS[0]}"',
    '}',
    '',
    'rm -f -- "$exit_code_file"',
    ': > "$telemetry_file"',
    ': > "$stderr_file"',
    'cd -- "$worktree" || { echo "[mminions] cannot enter the worktree $worktree" >> "$stderr_file"; record 126; exit 126; }',
    ...exports,
    `echo ${q(`[mminions] ${o.invocation ?? 'agent'}: starting codex in ${o.worktree}`)}`,
    `codex_turn "$prompt_file" ${shellJoin([o.codex.command, ...o.codex.args])}`,
    'status=$?',
    'record "$status"',
  ];
  if (!f) {
    lines.push('exit "$status"', '');
    return lines.join('\n');
  }
  lines.push(
    '',
    '# Follow-ups: each one the manager writes resumes the thread as a new turn; the session stays until the manager ends it.',
    'echo "[mminions] waiting for a follow-up (mminions send, or the dashboard\'s box)"',
    'while :; do',
    '  if [ -e "$followup_file" ]; then',
    '    turn=$((turn + 1))',
    '    input="$followup_file.turn$turn.txt"',
    '    mv -f -- "$followup_file" "$input" || { sleep 0.25; continue; }',
    '    rm -f -- "$exit_code_file"',
    '    echo "[mminions] follow-up (turn $turn): $(head -c 300 -- "$input" | tr \'\\n\' \' \')"',
    '    if [ -e "$followup_file.fresh" ]; then',
    '      # A first turn stopped before it did anything: start again, with the prompt and the follow-up.',
    '      rm -f -- "$followup_file.fresh"',
    '      cat -- "$prompt_file" "$input" > "$input.full"',
    `      codex_turn "$input.full" ${shellJoin([o.codex.command, ...o.codex.args])}`,
    '      record $?',
    '      echo "[mminions] waiting for a follow-up"',
    '      continue',
    '    fi',
    '    thread_id=$(grep -o \'"thread_id":"[0-9A-Za-z-]*"\' "$telemetry_file" | tail -n 1 | cut -d\'"\' -f4)',
    '    if [ -z "$thread_id" ]; then',
    '      echo "[mminions] no thread to resume: the first turn never started" >> "$stderr_file"',
    '      record 1',
    '      continue',
    '    fi',
    `    codex_turn "$input" ${shellJoin([o.codex.command, ...o.codex.resumeArgs])} "$thread_id" -`,
    '    record $?',
    '    echo "[mminions] waiting for a follow-up"',
    '  fi',
    '  sleep 0.25',
    'done',
    '',
  );
  return lines.join('\n');
}
