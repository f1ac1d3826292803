import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEvent } from '../runs/events';
import { formatSse } from './sse';
import { startTestServer, waitFor, type TestServer } from '../../testkit/testServer';

interface SseEvent {
  id: number;
  event: string;
  data: { type: string; [k: string]: unknown };
}

interface SseClient {
  status: number;
  headers: Record<string, unknown>;
  events: SseEvent[];
  raw: () => string;
  close: () => void;
}

function subscribe(t: TestServer, path: string, headers: Record<string, string> = {}): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: t.server.port,
        path,
        headers: { authorization: `Bearer ${t.server.token}`, accept: 'text/event-stream', ...headers },
      },
      (res) => {
        let buf = '';
        let all = '';
        const events: SseEvent[] = [];
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buf += chunk;
          all += chunk;
          let i: number;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            const f: Record<string, string> = {};
            for (const line of block.split('\n')) {
              const m = /^([a-z]+): ?(.*)$/.exec(line);
              if (m) f[m[1]!] = m[2]!;
            }
            if (f.data !== undefined) events.push({ id: Number(f.id), event: f.event ?? 'message', data: JSON.parse(f.data) });
          }
        });
        res.on('error', () => undefined);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, events, raw: () => all, close: () => req.destroy() });
      },
    );
    req.on('error', (e) => (e.message.includes('socket hang up') ? undefined : reject(e)));
    req.end();
  });
}

let t: TestServer;
const RUN = 'run-20260401000000';

beforeAll(async () => {
  t = await startTestServer();
  await t.store.create(RUN);
});
afterAll(async () => {
  await t?.cleanup();
});

describe('formatSse', () => {
  it('writes id, event and a single data line', () => {
    expect(formatSse(42, 'run-event', '{"a":1}')).toBe('id: 42\nevent: run-event\ndata: {"a":1}\n\n');
    expect(formatSse(1, 'x', 'a\nb')).toBe('id: 1\nevent: x\ndata: a b\n\n');
  });
});

describe('GET /api/runs/<id>/events', () => {
  it('sends what is there, then pushes appended events live, with byte offsets as ids', async () => {
    const events = t.store.paths(RUN).events;
    await appendEvent(events, { type: 'run_started' });
    await appendEvent(events, { type: 'phase_started', phase: 'preflight' });
    const c = await subscribe(t, `/api/runs/${RUN}/events`);
    expect(c.status).toBe(200);
    expect(c.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(c.headers['cache-control']).toBe('no-store');
    await waitFor(() => c.events.length === 2, 'the first two events');
    expect(c.events.map((e) => e.data.type)).toEqual(['run_started', 'phase_started']);
    expect(c.events.every((e) => e.event === 'run-event')).toBe(true);
    expect(c.events[1]!.data).toMatchObject({ type: 'phase_started', phase: 'preflight', ts: expect.any(String) });
    // Live: appended after subscribing.
    await appendEvent(events, { type: 'phase_finished', phase: 'preflight', seconds: 1.5 });
    await appendEvent(events, {
      type: 'worker_status',
      worker: 'w1',
      role: 'REPRO_BUILDER',
      phase: 'repro',
      status: 'running',
      detail: null,
      invocation: 'repro-w1',
    });
    await waitFor(() => c.events.length === 4, 'two live events');
    expect(c.events.map((e) => e.data.type)).toEqual(['run_started', 'phase_started', 'phase_finished', 'worker_status']);
    const { size } = await import('node:fs/promises').then((fs) => fs.stat(events));
    expect(c.events[3]!.id).toBe(size);
    const ids = c.events.map((e) => e.id);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    // A line being written (no newline yet) waits for its end.
    const { appendFile } = await import('node:fs/promises');
    await appendFile(events, '{"ts":"2026-01-01T00:00:00Z","type":"candidate_chosen","wor');
    await new Promise((r) => setTimeout(r, 150));
    await appendFile(events, 'ker":"w1","candidate_id":"c1","score":0.9}\n');
    await waitFor(() => c.events.length === 5, 'the completed line');
    expect(c.events[4]!.data).toMatchObject({ type: 'candidate_chosen', worker: 'w1', score: 0.9 });
    c.close();
  });

  it('resumes after Last-Event-ID (or ?after=) with only the later events', async () => {
    const first = await subscribe(t, `/api/runs/${RUN}/events`);
    await waitFor(() => first.events.length === 5, 'the backlog');
    first.close();
    const second = first.events[1]!.id;
    const resumed = await subscribe(t, `/api/runs/${RUN}/events`, { 'last-event-id': String(second) });
    await waitFor(() => resumed.events.length === 3, 'events after the second');
    expect(resumed.events.map((e) => e.data.type)).toEqual(['phase_finished', 'worker_status', 'candidate_chosen']);
    expect(resumed.events[0]!.id).toBe(first.events[2]!.id);
    const viaQuery = await subscribe(t, `/api/runs/${RUN}/events?after=${first.events[3]!.id}`);
    await waitFor(() => viaQuery.events.length === 1, 'the last event');
    expect(viaQuery.events[0]!.data.type).toBe('candidate_chosen');
    // Nothing more arrives until something is appended.
    await appendEvent(t.store.paths(RUN).events, { type: 'run_finished', status: 'needs-human', rationale: 'r' });
    await waitFor(() => resumed.events.length === 4 && viaQuery.events.length === 2, 'run_finished on both');
    expect(resumed.events.map((e) => e.data.type).slice(-1)).toEqual(['run_finished']);
    resumed.close();
    viaQuery.close();
  });

  it('shares one watcher per run among its subscribers and drops it when they leave', async () => {
    const path = t.store.paths(RUN).events;
    const a = await subscribe(t, `/api/runs/${RUN}/events`);
    const b = await subscribe(t, `/api/runs/${RUN}/events`);
    await waitFor(() => t.server.services.feeds.listenerCount(path) === 2, 'two listeners');
    expect(t.server.services.feeds.watched).toEqual([path]);
    a.close();
    b.close();
    await waitFor(() => t.server.services.feeds.watched.length === 0, 'the watcher to close');
  });

  it('refuses a bad Last-Event-ID and an unknown run', async () => {
    const bad = await t.api(`/api/runs/${RUN}/events`, { headers: { 'last-event-id': 'abc' } });
    expect(bad.status).toBe(400);
    expect(bad.json().error).toMatch(/Last-Event-ID/);
    expect((await t.api(`/api/runs/${RUN}/events?after=-1`)).status).toBe(400);
    expect((await t.api('/api/runs/run-20990101000000/events')).status).toBe(404);
  });
});
