// Watching other running runs: which ones, and a refresh when one of them finishes (real server, real SSE).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIVE_RUN, writeLiveRun } from '../../../e2e/support/runFixtures';
import { appendEvent } from '../../../main/runs/events';
import { startTestServer, waitFor, type TestServer } from '../../../testkit/testServer';
import { ApiClient } from '../api/client';
import type { RunListItem } from '../api/types';
import { RunWatchers, runsToWatch } from './runWatchers';

const item = (run_id: string, run_state: RunListItem['run_state']): RunListItem => ({
  run_id,
  run_state,
  decision_status: 'running',
  issue_title: null,
  issue_url: null,
  started_at: null,
});

describe('runsToWatch', () => {
  it('picks running runs other than the open one, at most a few', () => {
    const items = [
      item('r5', 'running'),
      item('r4', 'done'),
      item('r3', 'running'),
      item('r2', 'running'),
      item('r1', 'running'),
    ];
    expect(runsToWatch(items, 'r3')).toEqual(['r5', 'r2']);
    expect(runsToWatch(items, null, 3)).toEqual(['r5', 'r3', 'r2']);
  });
});

describe('RunWatchers', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t?.cleanup());

  it('asks for a list refresh when a watched run finishes, and stops watching on sync', async () => {
    const live = await writeLiveRun(t.store, t.tmux, `${t.dir}/repo`);
    let changes = 0;
    const w = new RunWatchers(new ApiClient({ baseUrl: t.server.url, token: t.server.token }), () => changes++);
    w.sync([item(LIVE_RUN, 'running')], null);
    expect(w.watching).toEqual([LIVE_RUN]);
    // the replayed history includes run_started, which changes the list once
    await waitFor(() => changes >= 1, 'the replayed run_started');
    const before = changes;
    await appendEvent(live.paths.events, { type: 'worker_stalled', worker: 'w1', action: 'nudge', idle_sec: 5 });
    await appendEvent(live.paths.events, { type: 'run_finished', status: 'ok', rationale: 'done' });
    await waitFor(() => changes > before, 'a refresh after run_finished');
    expect(changes).toBe(before + 1);
    w.sync([item(LIVE_RUN, 'running')], LIVE_RUN);
    expect(w.watching).toEqual([]);
    w.closeAll();
  });
});
