// A small coloured label for a run's or a worker's state.
import type { DisplayState } from '../model/runState';

const LABELS: Record<string, string> = {
  running: 'running',
  done: 'done',
  'needs-human': 'needs a person',
  stopped: 'stopped',
  failed: 'failed',
  crashed: 'crashed',
  unknown: 'unknown',
  ok: 'ok',
  pending: 'pending',
  finished: 'finished',
  timeout: 'timed out',
};

export function StateBadge({ state, title }: { state: DisplayState | string; title?: string }) {
  return (
    <span className={`badge badge-${state}`} title={title}>
      {state === 'running' || state === 'pending' ? <span className="pulse" aria-hidden="true" /> : null}
      {LABELS[state] ?? state}
    </span>
  );
}
