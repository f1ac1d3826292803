import { describe, expect, it } from 'vitest';
import { attachArgs, attachEnv } from './attach';

describe('attachArgs / attachEnv', () => {
  it('attaches exactly to the named session on the configured socket, -r when read-only', () => {
    expect(attachArgs(['-L', 'sock'], 'codorch-run-1-w1', 'rw')).toEqual([
      '-L',
      'sock',
      'attach-session',
      '-t',
      '=codorch-run-1-w1',
    ]);
    expect(attachArgs([], 'codorch-run-1-w1', 'ro')).toEqual([
      'attach-session',
      '-f',
      'read-only,ignore-size',
      '-t',
      '=codorch-run-1-w1',
    ]);
  });

  it('drops TMUX from the environment and sets TERM', () => {
    const env = attachEnv({ TMUX: '/tmp/tmux-0/default,1,0', TMUX_PANE: '%1', PATH: '/bin', TERM: 'dumb', HOME: '/h' });
    expect(env).toEqual({ PATH: '/bin', TERM: 'xterm-256color', COLORTERM: 'truecolor', HOME: '/h' });
  });
});
