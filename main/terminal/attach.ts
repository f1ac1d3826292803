// The tmux attach command a terminal runs: argv and environment (pure).
import type { TerminalMode } from '../../common/api';

/**
 * `tmux [-L socket] attach-session [-f read-only,ignore-size] -t =<session>`; `=` makes tmux match the
 * name exactly. A read-only viewer also ignores its size: watching must not resize the shared window.
 */
export function attachArgs(tmuxBase: readonly string[], session: string, mode: TerminalMode): string[] {
  return [...tmuxBase, 'attach-session', ...(mode === 'ro' ? ['-f', 'read-only,ignore-size'] : []), '-t', `=${session}`];
}

/** The caller's environment without TMUX (never nest into the caller's tmux client), as an xterm. */
export function attachEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && k !== 'TMUX' && k !== 'TMUX_PANE') out[k] = v;
  out.TERM = 'xterm-256color';
  out.COLORTERM = 'truecolor';
  return out;
}
