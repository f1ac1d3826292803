// A private tmux server per test file, so tests never touch a user's sessions.
import { randomBytes } from 'node:crypto';
import { Tmux } from '../main/tmux/tmux';

export function privateTmux(prefix = 'mmt'): Tmux {
  return new Tmux(`${prefix}-${process.pid}-${randomBytes(4).toString('hex')}`);
}
