// The runs list store against the real server: loads, reports runs that finished, coalesces refreshes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DONE_RUN, writeDoneRun, writeLiveRun, LIVE_RUN } from '../../../e2e/support/runFixtures';
import { emptyDecision, writeDecision } from '../../../main/manager/decision';
import { startTestServer, waitFor, type TestServer } from '../../../testkit/testServer';
import { ApiClient } from '../api/client';
import type { RunTransition } from '../model/runState';
import { createRunsStore } from './runsStore';

let t: TestServer;
const requests: string[] = [];

beforeAll(async () => {
  t = await startTestServer({ quiet: false, log: (l) => requests.push(l) });
  await writeDoneRun(t.store);
});
afterAll(() => t?.cleanup());

describe('runs store', () => {
  it('lists runs newest first and reports a run that stops running', async () => {
    const transitions: RunTransition[] = [];
    const store = createRunsStore({
      client: new ApiClient({ baseUrl: t.server.url, token: t.server.token }),
      onTransitions: (x) => transitions.push(...x),
    });
    await store.getState().refresh();
    expect(store.getState().items.map((r) => r.run_id)).toEqual([DONE_RUN]);

    const live = await writeLiveRun(t.store, t.tmux, `${t.dir}/repo`);
    await store.getState().refresh();
    expect(store.getState().items.map((r) => [r.run_id, r.run_state])).toEqual([
      [LIVE_RUN, 'running'],
      [DONE_RUN, 'done'],
    ]);
    expect(transitions).toEqual([]);

    await writeDecision(
      LIVE_RUN,
      live.paths,
      emptyDecision('needs-human', 'no signal', { worker_model: 'm', manager_model: 'm' }),
      null,
    );
    await t.tmux.killSession(live.managerSession);
    await store.getState().refresh();
    expect(transitions).toEqual([
      { runId: LIVE_RUN, title: 'convolve() drops the last sample', from: 'running', to: 'needs-human' },
    ]);
  });

  it('coalesces a burst of refresh requests into one', async () => {
    const store = createRunsStore({ client: new ApiClient({ baseUrl: t.server.url, token: t.server.token }), debounceMs: 50 });
    const before = requests.filter((l) => l.startsWith('GET /api/runs ')).length;
    for (let i = 0; i < 10; i++) store.getState().scheduleRefresh();
    await waitFor(() => store.getState().loaded, 'the list');
    await new Promise((r) => setTimeout(r, 150));
    expect(requests.filter((l) => l.startsWith('GET /api/runs ')).length - before).toBe(1);
  });

  it('keeps the error when the server refuses', async () => {
    const store = createRunsStore({ client: new ApiClient({ baseUrl: t.server.url, token: 'nope' }) });
    await store.getState().refresh();
    expect(store.getState().error).toMatch(/wrong token/);
    expect(store.getState().items).toEqual([]);
  });
});
