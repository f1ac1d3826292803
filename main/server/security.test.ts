import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../common/api';
import { SessionsLog } from '../manager/workers/sessionsLog';
import { sessionName } from '../tmux/tmux';
import { readEvents } from '../runs/events';
import { MAX_CONNECTIONS, startStatusServer } from './server';
import { openTerminal, rawRequest, startTestServer, type TestServer } from '../../testkit/testServer';

let t: TestServer;
const RUN = 'run-20260301000000';
let outside: string;

beforeAll(async () => {
  t = await startTestServer({ dashboard: true });
  await t.store.create(RUN);
  // A folder beside the runs root that looks like a run: nothing may reach it.
  outside = join(t.dir, 'outside');
  await mkdir(join(outside, 'meta'), { recursive: true });
  await writeFile(join(outside, 'issue.json'), JSON.stringify({ title: 'SECRET-OUTSIDE' }));
  await writeFile(join(outside, 'events.jsonl'), '{"ts":"x","type":"SECRET-OUTSIDE"}\n');
  await writeFile(join(outside, 'sessions.json'), JSON.stringify({ workers: [], manager: {} }));
});

afterAll(async () => {
  await t?.cleanup();
});

describe('the token', () => {
  it('is required on /api routes: none or a wrong one is 401', async () => {
    const none = await t.req('/api/runs');
    expect(none.status).toBe(401);
    expect(none.json().error).toMatch(/missing token/);
    const wrong = await t.req('/api/runs', { headers: { authorization: 'Bearer not-the-token-at-all' } });
    expect(wrong.status).toBe(401);
    expect(wrong.json().error).toMatch(/wrong token/);
    const prefix = await t.req('/api/runs', { headers: { authorization: `Bearer ${t.server.token.slice(0, -1)}` } });
    expect(prefix.status).toBe(401);
    const wrongQuery = await t.req('/api/runs?token=nope');
    expect(wrongQuery.status).toBe(401);
    expect((await t.req(`/api/runs/${RUN}/status`)).status).toBe(401);
    expect((await t.req('/api/nothing-here')).status).toBe(401);
  });

  it('is accepted as a Bearer header or as ?token=', async () => {
    expect((await t.req('/api/runs', { headers: { authorization: `Bearer ${t.server.token}` } })).status).toBe(200);
    expect((await t.req(`/api/runs?token=${encodeURIComponent(t.server.token)}`)).status).toBe(200);
  });

  it('is required on terminal WebSockets too', async () => {
    await expect(openTerminal(t.server.port, `/api/runs/${RUN}/terminal/manager`)).rejects.toThrow(/401/);
    await expect(openTerminal(t.server.port, `/api/runs/${RUN}/terminal/manager?token=wrong-token-value`)).rejects.toThrow(/401/);
  });

  it('is stored in <runs_root>/.mminions/token with mode 0600 and reused by the next server', async () => {
    const path = join(t.root, '.mminions', 'token');
    expect(t.server.tokenPath).toBe(path);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(t.root, '.mminions'))).mode & 0o077).toBe(0);
    expect((await readFile(path, 'utf8')).trim()).toBe(t.server.token);
    expect(t.server.token.length).toBeGreaterThanOrEqual(32);
    const again = await startStatusServer({ config: t.config, port: 0, quiet: true });
    try {
      expect(again.token).toBe(t.server.token);
    } finally {
      await again.close();
    }
    const explicit = await startStatusServer({ config: t.config, port: 0, quiet: true, token: 'my-own-token-1234567' });
    try {
      expect(explicit.token).toBe('my-own-token-1234567');
      expect(explicit.tokenPath).toBeNull();
      expect(
        (await rawRequest(explicit.port, '/api/runs', { headers: { authorization: 'Bearer my-own-token-1234567' } })).status,
      ).toBe(200);
      expect(
        (await rawRequest(explicit.port, '/api/runs', { headers: { authorization: `Bearer ${t.server.token}` } })).status,
      ).toBe(401);
    } finally {
      await explicit.close();
    }
    expect((await readFile(path, 'utf8')).trim()).toBe(t.server.token); // --token is not stored
  });

  it('refuses a --token that is too short', async () => {
    await expect(startStatusServer({ config: t.config, port: 0, quiet: true, token: 'short' })).rejects.toThrow(
      /16 to 256 characters/,
    );
  });
});

describe('Host and Origin', () => {
  it('refuses a Host that does not name this server (DNS rebinding) with 403, even on /health and /', async () => {
    for (const host of ['evil.example', `evil.example:${t.server.port}`, '127.0.0.1:1', `127.0.0.2:${t.server.port}`, '']) {
      const r = await t.req('/health', { headers: { host } });
      expect(r.status, host).toBe(403);
      expect(r.json().error).toMatch(/Host header/);
    }
    expect((await t.req('/', { headers: { host: 'attacker.test' } })).status).toBe(403);
    expect((await t.req(`/api/runs?token=${t.server.token}`, { headers: { host: 'attacker.test' } })).status).toBe(403);
    await expect(
      openTerminal(t.server.port, `/api/runs/${RUN}/terminal/manager?token=${t.server.token}`, { host: 'attacker.test' }),
    ).rejects.toThrow(/403/);
  });

  it('accepts the loopback names of this port', async () => {
    for (const host of [
      `127.0.0.1:${t.server.port}`,
      `localhost:${t.server.port}`,
      `[::1]:${t.server.port}`,
      `LOCALHOST:${t.server.port}`,
    ]) {
      expect((await t.req('/health', { headers: { host } })).status, host).toBe(200);
    }
  });

  it('refuses a foreign Origin with 403 and accepts the same origin', async () => {
    const auth = { authorization: `Bearer ${t.server.token}` };
    for (const origin of [
      'http://evil.example',
      'null',
      `http://localhost:${t.server.port}`,
      `https://127.0.0.1:${t.server.port}`,
      `http://127.0.0.1:${t.server.port + 1}`,
    ]) {
      const r = await t.req('/api/runs', { headers: { ...auth, origin } });
      expect(r.status, origin).toBe(403);
      expect(r.json().error).toMatch(/not allowed/);
    }
    const post = await t.req(`/api/runs/${RUN}/send`, {
      method: 'POST',
      headers: { ...auth, origin: 'http://evil.example', 'content-type': 'text/plain' },
      body: '{"worker":"w1","text":"x"}',
    });
    expect(post.status).toBe(403);
    expect((await t.req('/api/runs', { headers: { ...auth, origin: `http://127.0.0.1:${t.server.port}` } })).status).toBe(200);
    expect(
      (
        await t.req('/api/runs', {
          headers: { ...auth, origin: `http://localhost:${t.server.port}`, host: `localhost:${t.server.port}` },
        })
      ).status,
    ).toBe(200);
    await expect(
      openTerminal(t.server.port, `/api/runs/${RUN}/terminal/manager?token=${t.server.token}`, { origin: 'http://evil.example' }),
    ).rejects.toThrow(/403/);
  });

  it('never sends CORS headers', async () => {
    const responses = [
      await t.api('/api/runs', { headers: { origin: `http://127.0.0.1:${t.server.port}` } }),
      await t.api('/api/runs', { headers: { origin: 'http://evil.example' } }),
      await t.req('/api/runs', {
        method: 'OPTIONS',
        headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' },
      }),
      await t.req('/health'),
    ];
    for (const r of responses) expect(Object.keys(r.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });
});

describe('ids that try to leave the runs root', () => {
  const traversals = [
    '..%2Foutside',
    '..',
    '%2e%2e',
    '..%2F..%2F..%2Fetc',
    '%2E%2E%2Foutside',
    '.mminions',
    'outside%00',
    '..%5Coutside',
  ];

  it('are refused (400/404) on every run route without reading or writing outside', async () => {
    for (const id of traversals) {
      for (const [method, path] of [
        ['GET', `/api/runs/${id}/status`],
        ['GET', `/api/runs/${id}/artifacts/issue`],
        ['GET', `/api/runs/${id}/events`],
        ['POST', `/api/runs/${id}/stop`],
        ['POST', `/api/runs/${id}/send`],
      ] as const) {
        const r = await t.api(path, { method, ...(method === 'POST' ? { body: '{"worker":"manager","text":"hi"}' } : {}) });
        expect([400, 404], `${method} ${path}`).toContain(r.status);
        expect(r.text).not.toContain('SECRET-OUTSIDE');
      }
    }
    expect(existsSync(join(outside, 'meta', 'stop_requested'))).toBe(false);
    expect(existsSync(join(outside, 'run_done.json'))).toBe(false);
    expect(existsSync(join(t.dir, 'meta'))).toBe(false);
  });

  it('raw dot segments are not normalized into another route', async () => {
    const r = await t.api(`/api/runs/../runs/${RUN}/status`);
    expect([400, 404]).toContain(r.status);
    const r2 = await t.api(`/api/runs/${RUN}/artifacts/../../outside/issue.json`);
    expect([400, 404]).toContain(r2.status);
    expect(r2.text).not.toContain('SECRET-OUTSIDE');
  });

  it('worker ids are validated: send and terminal refuse anything but manager and wN', async () => {
    for (const w of ['../../outside', 'w1/../../x', 'w0', 'W1', 'manager ', '']) {
      const r = await t.api(`/api/runs/${RUN}/send`, { method: 'POST', body: JSON.stringify({ worker: w, text: 'hi' }) });
      expect(r.status, w).toBe(400);
      expect(r.json().error).toMatch(/worker/);
    }
    for (const w of ['..%2F..%2Foutside', '..', 'w0', 'x']) {
      await expect(openTerminal(t.server.port, `/api/runs/${RUN}/terminal/${w}?token=${t.server.token}`), w).rejects.toThrow(
        /400|404/,
      );
    }
  });

  it('static paths cannot leave the dashboard folder', async () => {
    for (const p of [
      '/..%2F..%2Foutside%2Fissue.json',
      '/%2e%2e/outside/issue.json',
      '/assets/..%2F..%2F..%2Fetc%2Fpasswd',
      '/.mminions/token',
    ]) {
      const r = await t.req(p);
      expect([400, 404], p).toContain(r.status);
      expect(r.text).not.toContain('SECRET-OUTSIDE');
      expect(r.text).not.toContain(t.server.token);
    }
  });
});

describe('bodies and routes', () => {
  it('refuses bodies over 1 MB with 413, declared or streamed', async () => {
    const big = JSON.stringify({ worker: 'manager', text: 'x'.repeat(MAX_BODY_BYTES) });
    const declared = await t.api(`/api/runs/${RUN}/send`, { method: 'POST', body: big });
    expect(declared.status).toBe(413);
    expect(declared.json().error).toMatch(/1 MB/);
    const streamed = await t.api(`/api/runs/${RUN}/send`, { method: 'POST', body: big, chunked: true });
    expect(streamed.status).toBe(413);
    const start = await t.api('/api/runs', {
      method: 'POST',
      body: JSON.stringify({ issue_text: 'y'.repeat(MAX_BODY_BYTES + 10), repo_path: '/tmp' }),
    });
    expect(start.status).toBe(413);
    expect((await t.req('/health')).status).toBe(200); // the server is fine afterwards
  });

  it('refuses invalid JSON and wrong field types with 400', async () => {
    const notJson = await t.api(`/api/runs/${RUN}/send`, { method: 'POST', body: '{"worker": "w1", text: ' });
    expect(notJson.status).toBe(400);
    expect(notJson.json().error).toMatch(/not valid JSON/);
    const empty = await t.api(`/api/runs/${RUN}/send`, { method: 'POST', body: '' });
    expect(empty.status).toBe(400);
    for (const body of [
      { worker: 1, text: 'x' },
      { worker: 'w1', text: 5 },
      { worker: 'w1' },
      [],
      'w1',
      null,
      { worker: 'w1', text: 'a\nb' },
      { worker: 'w1', text: 'x', extra: 1 },
    ]) {
      const r = await t.api(`/api/runs/${RUN}/send`, { method: 'POST', body: JSON.stringify(body) });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.json().error).toMatch(/^invalid body: /);
    }
    const types = await t.api('/api/runs', {
      method: 'POST',
      body: JSON.stringify({ issue_text: 'x', repo_path: '/tmp', workers: '2' }),
    });
    expect(types.status).toBe(400);
    expect(types.json().error).toMatch(/workers/);
  });

  it('answers 404 for unknown routes and runs, 405 (with Allow) for wrong methods', async () => {
    expect((await t.api('/api/nothing')).status).toBe(404);
    expect((await t.api(`/api/runs/${RUN}/status/extra`)).status).toBe(404);
    expect((await t.api('/api/runs/run-20990101000000/status')).status).toBe(404);
    const get = await t.api(`/api/runs/${RUN}/stop`);
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
    const del = await t.api('/api/runs', { method: 'DELETE' });
    expect(del.status).toBe(405);
    expect(del.headers.allow).toBe('GET, POST');
    expect((await t.req('/health', { method: 'POST', body: '{}' })).status).toBe(405);
    expect((await t.req('/', { method: 'POST', body: '{}' })).status).toBe(405);
  });

  it('answers 409 when typing into a session that has ended, 404 for an unknown worker', async () => {
    const p = t.store.paths(RUN);
    const log = new SessionsLog(p.sessions, {
      runId: RUN,
      socket: t.tmux.socket,
      managerSession: sessionName(RUN, 'manager'),
      issueUrl: null,
      pid: null,
    });
    await log.flush();
    const unknown = await t.api(`/api/runs/${RUN}/send`, { method: 'POST', body: JSON.stringify({ worker: 'w3', text: 'hi' }) });
    expect(unknown.status).toBe(404);
    const ended = await t.api(`/api/runs/${RUN}/send`, {
      method: 'POST',
      body: JSON.stringify({ worker: 'manager', text: 'hi' }),
    });
    expect(ended.status).toBe(409);
    expect(ended.json().error).toMatch(/not running/);
    await rm(p.sessions);
  });
});

describe('binding', () => {
  it('refuses a non-loopback host without --allow-remote', async () => {
    await expect(startStatusServer({ config: t.config, host: '0.0.0.0', port: 0, quiet: true })).rejects.toThrow(
      /--allow-remote/,
    );
  });

  it('binds a non-loopback host with --allow-remote and prints a warning', async () => {
    const lines: string[] = [];
    const s = await startStatusServer({
      config: t.config,
      host: '0.0.0.0',
      port: 0,
      allowRemote: true,
      log: (l) => lines.push(l),
    });
    try {
      expect(lines.join('\n')).toMatch(/warning: serving on 0\.0\.0\.0, which is not loopback/);
      expect(s.url).toBe(`http://127.0.0.1:${s.port}`);
      expect((await rawRequest(s.port, '/health')).status).toBe(200);
      expect((await rawRequest(s.port, '/health', { headers: { host: 'rebind.attacker.test' } })).status).toBe(403);
    } finally {
      await s.close();
    }
  });
});

describe('what a run folder holds is untrusted', () => {
  it('serves no artifact through a symlink, and no events log that is one', async () => {
    const run = 'run-20260301000001';
    const p = (await t.store.create(run)).paths;
    const secret = join(t.dir, 'secret.json');
    await writeFile(secret, JSON.stringify({ title: 'SECRET-BY-LINK' }));
    await symlink(secret, p.issue);
    await symlink(secret, join(p.candidatesDir, 'w1.json'));
    await symlink(secret, p.finalReport);
    const issue = await t.api(`/api/runs/${run}/artifacts/issue`);
    expect(issue.status).toBe(404);
    expect(issue.text).not.toContain('SECRET-BY-LINK');
    const cands = await t.api(`/api/runs/${run}/artifacts/candidates`);
    expect(cands.json()).toEqual({ candidates: [] });
    expect((await t.api(`/api/runs/${run}/artifacts/final`)).text).not.toContain('SECRET-BY-LINK');
    await rm(p.events);
    await writeFile(join(t.dir, 'other.jsonl'), '{"ts":"x","type":"SECRET-EVENT"}\n');
    await symlink(join(t.dir, 'other.jsonl'), p.events);
    const ev = await t.api(`/api/runs/${run}/events`);
    expect(ev.status).toBe(422);
    expect(ev.text).not.toContain('SECRET-EVENT');
  });

  it('a 100k-deep decision.json answers a clear 422, and the server stays up', async () => {
    const run = 'run-20260301000002';
    const p = (await t.store.create(run)).paths;
    await writeFile(p.decision, `${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    const r = await t.api(`/api/runs/${run}/artifacts/decision`);
    expect(r.status).toBe(422);
    expect(r.json().error).toMatch(/nested deeper than 256 levels/);
    const status = await t.api(`/api/runs/${run}/status`);
    expect(status.status).toBe(200); // a damaged artifact never hides the run
    expect((await t.req('/health')).status).toBe(200);
  });

  it('a 5 MB line in events.jsonl is skipped with an event that says so; the stream goes on', async () => {
    const run = 'run-20260301000003';
    const p = (await t.store.create(run)).paths;
    const huge = JSON.stringify({ ts: 'x', type: 'huge', blob: 'z'.repeat(5 * 1024 * 1024) });
    await writeFile(p.events, `{"ts":"a","type":"first"}\n${huge}\n{"ts":"b","type":"after"}\n`);
    const events = await readEvents(p.events, 0);
    expect(events.events.map((e) => e.event.type)).toEqual(['first']);
    const next = await readEvents(p.events, events.nextOffset);
    expect(next.events[0]?.event).toMatchObject({ type: 'event_skipped', bytes: huge.length });
    const rest = await readEvents(p.events, next.nextOffset);
    expect(rest.events.map((e) => e.event.type)).toEqual(['after']);
  });
});

describe('requests that hold the server', () => {
  it('a body that trickles in is cut off with 408', async () => {
    const r = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port: t.server.port,
          path: `/api/runs/${RUN}/send`,
          method: 'POST',
          headers: {
            host: `127.0.0.1:${t.server.port}`,
            authorization: `Bearer ${t.server.token}`,
            'content-type': 'application/json',
            'content-length': '1000',
          },
        },
        (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.write('{"worker": "manager", ');
    });
    expect(r.status).toBe(408);
    expect(JSON.parse(r.text).error).toMatch(/did not arrive within 10 s/);
  }, 30_000);

  it('caps open connections: one over the cap is closed at once, and the server serves again when they go', async () => {
    expect(MAX_CONNECTIONS).toBeGreaterThan(50);
    const small = await startTestServer({ maxConnections: 5 });
    const sockets: Socket[] = [];
    try {
      const open = () =>
        new Promise<Socket>((resolve) => {
          const s = connect(small.server.port, '127.0.0.1', () => resolve(s));
          sockets.push(s);
        });
      for (let i = 0; i < 5; i++) await open();
      const extra = await open();
      const closedAt = await new Promise<number>((r) => {
        extra.on('close', () => r(Date.now()));
        extra.on('error', () => undefined);
      });
      expect(closedAt).toBeGreaterThan(0);
      for (const s of sockets) s.destroy();
      await new Promise((r) => setTimeout(r, 200));
      expect((await small.req('/health')).status).toBe(200);
    } finally {
      for (const s of sockets) s.destroy();
      await small.cleanup();
    }
  });

  it('POST /api/runs with a folder that is not a git work tree answers 400 at once, and no run is made', async () => {
    const plain = join(t.dir, 'plain-folder');
    await mkdir(plain, { recursive: true });
    const before = await t.store.list();
    const r = await t.api('/api/runs', {
      method: 'POST',
      body: JSON.stringify({ issue_text: 'TypeError: x', repo_path: plain }),
    });
    expect(r.status).toBe(400);
    expect(r.json().error).toMatch(/^repo_path: not a git work tree/);
    expect(await t.store.list()).toEqual(before);
  });

  it('send refuses C1 control characters as it refuses C0', async () => {
    const r = await t.api(`/api/runs/${RUN}/send`, {
      method: 'POST',
      body: JSON.stringify({ worker: 'w1', text: 'a\u009b2Jb' }),
    });
    expect(r.status).toBe(400);
    expect(r.json().error).toMatch(/C1 controls/);
  });
});
