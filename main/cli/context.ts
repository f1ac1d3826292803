// What the run-control commands share: configuration, the run store and the tmux client.
import { loadConfig, type Config } from '../config/config';
import { RunStore } from '../runs/runStore';
import { Tmux } from '../tmux/tmux';
import { UsageError } from './args';

export const CONTROL_FLAGS = {
  'run-id': { type: 'string' },
  worker: { type: 'string' },
  text: { type: 'string' },
  'runs-root': { type: 'string' },
  config: { type: 'string' },
  'tmux-socket': { type: 'string' },
  lines: { type: 'string' },
  format: { type: 'string' },
  'read-only': { type: 'boolean' },
} as const;

export interface ControlContext {
  config: Config;
  store: RunStore;
  tmux: Tmux;
  runId: string;
}

export function controlContext(values: Record<string, unknown>, usage: string): ControlContext {
  const runId = values['run-id'];
  if (typeof runId !== 'string' || !runId) throw new UsageError(`--run-id is required\n\n${usage}`);
  const config = loadConfig({
    configFile: values.config as string | undefined,
    overrides: { runs_root: values['runs-root'] as string | undefined, tmux_socket: values['tmux-socket'] as string | undefined },
  });
  return { config, store: new RunStore(config.manager.runs_root), tmux: new Tmux(config.tmux.socket), runId };
}
