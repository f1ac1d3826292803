// Fixtures for the server's tests: a real server on 127.0.0.1:0, a private tmux server, raw HTTP and WebSocket clients.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { privateTmux } from './tmux';
import { buildConfig, type Config } from '../main/config/config';
import { RunStore } from '../main/runs/runStore';
import type { Tmux } from '../main/tmux/tmux';
import { startStatusServer, type StatusServer, type StatusServerOptions } from '../main/server/server';

export interface TestServer {
  server: StatusServer;
  tmux: Tmux;
  /** Temp folder holding the runs root (root/runs) and anything else a test needs. */
  dir: string;
  root: string;
  store: RunStore;
  config: Config;
  req: (path: string, o?: RawRequest) => Promise<RawResponse>;
  /** An authorized JSON request. */
  api: (path: string, o?: RawRequest) => Promise<RawResponse>;
  cleanup: () => Promise<void>;
}

export interface RawRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Send the body in chunks without Content-Length. */
  chunked?: boolean;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: () => any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export function rawRequest(port: number, path: string, o: RawRequest = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: `127.0.0.1:${port}`, ...o.headers };
    if (o.body !== undefined && !o.chunked) headers['content-length'] = String(Buffer.byteLength(o.body));
    const r = httpRequest({ host: '127.0.0.1', port, path, method: o.method ?? 'GET', headers, setHost: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
      });
      res.on('error', reject);
    });
    r.on('error', reject);
    if (o.body !== undefined && o.chunked) {
      const buf = Buffer.from(o.body);
      const step = 64 * 1024;
      for (let i = 0; i < buf.length; i += step) r.write(buf.subarray(i, i + step));
    } else if (o.body !== undefined) r.write(o.body);
    r.end();
  });
}

/** A stand-in for the built dashboard (out/renderer): a page with the renderer's CSP and one asset. */
export async function fakeDashboard(dir: string): Promise<string> {
  await mkdir(join(dir, 'assets'), { recursive: true });
  await writeFile(
    join(dir, 'index.html'),
    `<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self'; connect-src 'self' ws://127.0.0.1:*" /></head><body><div id="root">DASHBOARD-PAGE</div><script type="module" src="/assets/app-1234.js"></script></body></html>`,
  );
  await writeFile(join(dir, 'assets', 'app-1234.js'), 'console.log("DASHBOARD-SCRIPT");\n');
  return dir;
}

export async function startTestServer(opts: Partial<StatusServerOptions> & { dashboard?: boolean } = {}): Promise<TestServer> {
  const dir = await mkdtemp(join(tmpdir(), 'mm-server-'));
  const { dashboard, ...serverOpts } = opts;
  const staticDir = dashboard ? await fakeDashboard(join(dir, 'dashboard')) : join(dir, 'no-dashboard');
  const root = join(dir, 'runs');
  const tmux = privateTmux('mms');
  const config = buildConfig({}, { file: null, env: {}, cwd: dir, overrides: { runs_root: root, tmux_socket: tmux.socket } });
  const server = await startStatusServer({ config, port: 0, quiet: true, staticDir, ...serverOpts });
  const req = (path: string, o: RawRequest = {}) => rawRequest(server.port, path, o);
  const api = (path: string, o: RawRequest = {}) =>
    req(path, {
      ...o,
      headers: {
        authorization: `Bearer ${server.token}`,
        ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...o.headers,
      },
    });
  return {
    server,
    tmux,
    dir,
    root,
    store: new RunStore(root),
    config,
    req,
    api,
    cleanup: async () => {
      await server.close();
      await tmux.killServer();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function waitFor<T>(check: () => T | Promise<T>, what: string, ms = 10_000): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A terminal WebSocket client that keeps every byte of output and every control message. */
export interface TermClient {
  ws: WebSocket;
  output: () => string;
  bytes: () => number;
  messages: Array<{ type: string; [k: string]: unknown }>;
  closed: Promise<number>;
  send: (msg: unknown) => void;
}

export function openTerminal(port: number, path: string, headers: Record<string, string> = {}): Promise<TermClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, { headers });
    const chunks: Buffer[] = [];
    let size = 0;
    const messages: TermClient['messages'] = [];
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        const b = data as Buffer;
        chunks.push(b);
        size += b.length;
      } else messages.push(JSON.parse(String(data)));
    });
    ws.on('open', () =>
      resolve({
        ws,
        output: () => Buffer.concat(chunks).toString('utf8'),
        bytes: () => size,
        messages,
        closed,
        send: (m) => ws.send(JSON.stringify(m)),
      }),
    );
    ws.on('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.on('error', reject);
  });
}
