// The open-run store against the real server: artifacts, live events over SSE, refetch on events, send, errors.
import { appendFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DONE_RUN, LIVE_RUN, writeDoneRun, writeLiveRun, type LiveRun } from '../../../e2e/support/runFixtures';
import { SessionsFile } from '../../../common/artifacts';
import { Steering } from '../../../main/manager/steering';
import { serveControl } from '../../../main/runs/controlChannel';
import { appendEvent } from '../../../main/runs/events';
import { RunLock } from '../../../main/runs/runLock';
import { readJson, writeJsonAtomic } from '../../../main/runs/runStore';
import { startTestServer, waitFor, type TestServer } from '../../../testkit/testServer';
import { ApiClient } from '../api/client';
import { createRunStore } from './runStore';

let t: TestServer;
let live: LiveRun;
let client: ApiClient;

beforeAll(async () => {
  t = await startTestServer();
  await writeDoneRun(t.store);
  live = await writeLiveRun(t.store, t.tmux, `${t.dir}/repo`);
  client = new ApiClient({ baseUrl: t.server.url, token: t.server.token });
});
afterAll(() => t?.cleanup());

describe('run store', () => {
  it('loads a finished run: status, every artifact and the whole event log', async () => {
    const store = createRunStore({ client });
    store.getState().open(DONE_RUN);
    await waitFor(() => store.getState().events.some((e) => e.type === 'run_finished'), 'the run_finished event');
    await waitFor(
      () => store.getState().artifactsLoaded.final && store.getState().artifactsLoaded.telemetry && store.getState().status,
      'artifacts',
    );
    const s = store.getState();
    expect(s.stream).toBe('open');
    expect(s.status?.run_state).toBe('done');
    expect(s.artifacts.decision?.status).toBe('ok');
    expect(s.artifacts.hypotheses?.ranked).toHaveLength(2);
    expect(s.artifacts.minimal_repro?.script).toContain('statsmini.median([])');
    expect(s.artifacts.selected_candidate?.candidate_id).toBe('median-empty');
    expect(s.artifacts.final).toContain('## Minimal repro');
    expect(s.artifactErrors).toEqual({});
    store.getState().close();
    expect(store.getState()).toMatchObject({ runId: null, events: [], status: null, stream: 'idle' });
  });

  it('follows a live run: new events arrive and the status is refetched', async () => {
    const seen: string[] = [];
    const store = createRunStore({
      client,
      debounceMs: 20,
      onEvents: (_id, _plan, events) => seen.push(...events.map((e) => e.type)),
    });
    store.getState().open(LIVE_RUN);
    await waitFor(() => store.getState().status?.workers.find((w) => w.worker_id === 'w1')?.status === 'running', 'w1 running');
    await waitFor(() => store.getState().events.length >= 7, 'the first events');
    const count = store.getState().events.length;

    // The manager marks w1 finished: sessions.json, then the event.
    const sessions = (await readJson(live.paths.sessions, SessionsFile))!;
    sessions.workers[0]!.status = 'finished';
    await writeJsonAtomic(live.paths.sessions, sessions);
    await appendEvent(live.paths.events, {
      type: 'worker_status',
      worker: 'w1',
      role: 'REPRO_BUILDER',
      phase: 'repro',
      status: 'finished',
      detail: null,
      invocation: 'repro-w1',
    });
    await waitFor(
      () => store.getState().status?.workers.find((w) => w.worker_id === 'w1')?.status === 'finished',
      'the refetched status',
    );
    expect(store.getState().events.length).toBe(count + 1);
    expect(seen.at(-1)).toBe('worker_status');

    // A candidate that does not fit its schema is reported, not shown half-read.
    await writeFile(live.paths.candidate('w1'), JSON.stringify({ worker_id: 'w1', score: 'high' }));
    await appendEvent(live.paths.events, {
      type: 'candidate_validated',
      worker: 'w1',
      candidate_id: 'c',
      matches: 0,
      total_runs: 3,
      passed: false,
    });
    await waitFor(() => store.getState().artifactErrors.candidates, 'the candidates error');
    expect(store.getState().artifactErrors.candidates).toMatch(/does not have the expected shape/);

    // A line that is not JSON in events.jsonl is skipped by the server; the stream goes on.
    await appendFile(live.paths.events, 'garbage\n');
    await appendEvent(live.paths.events, { type: 'phase_finished', phase: 'repro', seconds: 30 });
    await waitFor(() => store.getState().events.at(-1)?.type === 'phase_finished', 'the event after a bad line');
    store.getState().close();
  });

  it("sends to the run's manager and reports refusals", async () => {
    const store = createRunStore({ client });
    store.getState().open(LIVE_RUN);
    // Without its manager, the run takes nothing.
    await expect(store.getState().send('w1', 'try again')).rejects.toMatchObject({ status: 409 });
    // This process plays the manager: it holds the run's lock and serves its control folder.
    const lock = await RunLock.acquire(live.paths.dir, LIVE_RUN);
    const steering = new Steering(
      async () => undefined,
      () => undefined,
    );
    steering.current = 'repro';
    const stop = serveControl(live.paths.dir, (req) => steering.handle(req));
    try {
      await expect(store.getState().send('manager', 'status')).resolves.toBe('Done: status.');
      await expect(store.getState().send('w2', 'hello')).rejects.toMatchObject({ status: 409 });
      await expect(store.getState().send('manager', 'jump')).rejects.toMatchObject({ status: 400 });
      await expect(store.getState().send('w1', 'bad\u0007bell')).rejects.toMatchObject({ kind: 'bad-input' });
    } finally {
      stop();
      await lock.release();
    }
    store.getState().close();
  });

  it('drops answers for a run that is no longer open', async () => {
    const store = createRunStore({ client });
    store.getState().open(DONE_RUN);
    store.getState().open(LIVE_RUN);
    await waitFor(() => store.getState().status, 'the status');
    await new Promise((r) => setTimeout(r, 300));
    expect(store.getState().status?.run_id).toBe(LIVE_RUN);
    expect(store.getState().artifacts.decision).toBeUndefined();
    store.getState().close();
  });
});
