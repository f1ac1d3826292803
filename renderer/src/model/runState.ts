// What a run's state is in the dashboard's words (running / done / needs-human / stopped / failed), and when it changed.
import type { RunListItem } from '../api/types';

export type DisplayState = 'running' | 'done' | 'needs-human' | 'stopped' | 'failed' | 'crashed' | 'unknown';

export function displayState(item: Pick<RunListItem, 'run_state' | 'decision_status'>): DisplayState {
  const d = item.decision_status;
  if (item.run_state === 'running') return 'running';
  if (item.run_state === 'crashed') return 'crashed';
  if (d === 'needs-human') return 'needs-human';
  if (d === 'failed') return 'failed';
  if (d === 'stopped' || item.run_state === 'stopped') return 'stopped';
  if (item.run_state === 'done' || d === 'ok') return 'done';
  return 'unknown';
}

export interface RunTransition {
  runId: string;
  title: string | null;
  from: DisplayState;
  to: DisplayState;
}

/** Runs that were running in `prev` and are not any more in `next` (finished, stopped, or waiting for a person). */
export function finishedTransitions(prev: RunListItem[], next: RunListItem[]): RunTransition[] {
  const before = new Map(prev.map((r) => [r.run_id, displayState(r)]));
  const out: RunTransition[] = [];
  for (const r of next) {
    const from = before.get(r.run_id);
    const to = displayState(r);
    if (from === 'running' && to !== 'running' && to !== 'unknown') out.push({ runId: r.run_id, title: r.issue_title, from, to });
  }
  return out;
}

export function notificationText(t: RunTransition): { title: string; body: string } {
  const what = t.title ? `“${t.title}”` : t.runId;
  switch (t.to) {
    case 'needs-human':
      return { title: 'A run needs you', body: `${what} stopped and needs a person to look at it.` };
    case 'failed':
      return { title: 'A run failed', body: `${what} failed; its report says why.` };
    case 'crashed':
      return { title: 'A run’s manager is gone', body: `${what} ended without a decision; stop it to clean up its workers.` };
    case 'stopped':
      return { title: 'A run was stopped', body: `${what} was stopped.` };
    default:
      return { title: 'A run finished', body: `${what} is done: a reproducer and ranked hypotheses are ready.` };
  }
}
