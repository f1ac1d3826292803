import { describe, expect, it } from 'vitest';
import type { RunListItem } from '../api/types';
import { displayState, finishedTransitions, notificationText } from './runState';

const item = (run_id: string, run_state: RunListItem['run_state'], decision_status: string): RunListItem => ({
  run_id,
  run_state,
  decision_status,
  issue_title: `T ${run_id}`,
  issue_url: null,
  started_at: null,
});

describe('run state', () => {
  it('names the state a person cares about', () => {
    expect(displayState(item('a', 'running', 'running'))).toBe('running');
    expect(displayState(item('a', 'done', 'ok'))).toBe('done');
    expect(displayState(item('a', 'done', 'needs-human'))).toBe('needs-human');
    expect(displayState(item('a', 'done', 'failed'))).toBe('failed');
    expect(displayState(item('a', 'stopped', 'stopped'))).toBe('stopped');
    expect(displayState(item('a', 'unknown', 'running'))).toBe('unknown');
  });

  it('reports runs that stopped running, with a notification text', () => {
    const prev = [item('a', 'running', 'running'), item('b', 'running', 'running'), item('c', 'done', 'ok')];
    const next = [
      item('a', 'done', 'needs-human'),
      item('b', 'running', 'running'),
      item('c', 'done', 'ok'),
      item('d', 'done', 'ok'),
    ];
    const t = finishedTransitions(prev, next);
    expect(t).toEqual([{ runId: 'a', title: 'T a', from: 'running', to: 'needs-human' }]);
    expect(notificationText(t[0]!).title).toBe('A run needs you');
    expect(notificationText({ ...t[0]!, to: 'done' }).body).toMatch(/T a/);
  });
});
