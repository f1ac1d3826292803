// The status server: HTTP API + SSE + terminal WebSockets + the dashboard, behind host, origin and token checks.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { networkInterfaces, hostname } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { MAX_BODY_BYTES } from '../../common/api';
import { selfCommand as defaultSelfCommand, packageRoot } from '../cli/self';
import { loadConfig, type Config } from '../config/config';
import { RunControlError } from '../manager/control';
import { RunStore, RunStoreError } from '../runs/runStore';
import { clampLines, RunStatusReader } from '../runs/status';
import { TerminalHub } from '../terminal/hub';
import { Tmux } from '../tmux/tmux';
import { ArtifactReader } from './artifacts';
import { allowedHosts, checkHost, checkOrigin, checkToken, hostWithPort, isWildcardHost, type Guard } from './auth';
import type { RequestContext, Services } from './context';
import { HttpError, matchRoute, parseTarget, sendHttpError, setBaseHeaders, type Route } from './http';
import { checkBind, DEFAULT_HOST, DEFAULT_PORT, type StatusServerOptions } from './options';
import { artifactsRoutes } from './routes/artifacts';
import { configRoutes } from './routes/config';
import { controlRoutes } from './routes/control';
import { eventsRoutes } from './routes/events';
import { healthRoutes } from './routes/health';
import { runsRoutes } from './routes/runs';
import { statusRoutes } from './routes/status';
import { upgradeTerminal } from './routes/terminal';
import { EventFeeds, type EventStream } from './sse';
import { StaticFiles } from './static';
import { loadOrCreateToken } from './token';

export type { StatusServerOptions } from './options';

export interface StatusServer {
  /** Base URL, e.g. http://127.0.0.1:8088 (no token). */
  url: string;
  /** The dashboard's address with the token: what to open in a browser. */
  pageUrl: string;
  host: string;
  port: number;
  token: string;
  /** Where the token is kept (null with an explicit token). */
  tokenPath: string | null;
  services: Services;
  /** Ends every terminal (never the sessions), event stream and connection, then stops listening. */
  close(): Promise<void>;
}

const ROUTES: Route<RequestContext>[] = [
  ...healthRoutes,
  ...configRoutes,
  ...runsRoutes,
  ...statusRoutes,
  ...controlRoutes,
  ...eventsRoutes,
  ...artifactsRoutes,
];

/** Errors from the domain modules, as HTTP errors. */
export function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (err instanceof RunControlError) {
    const status = { 'no-session': 409, refused: 409, 'bad-request': 400, 'no-answer': 503, 'not-found': 404, 'bad-worker': 404 }[
      err.kind
    ];
    return new HttpError(status, err.message);
  }
  if (err instanceof RunStoreError) {
    // A damaged artifact is a fact about the run, not a server failure: 422 says what is wrong with it.
    const status = { 'bad-id': 400, 'not-found': 404, exists: 409, 'invalid-artifact': 422 }[err.kind];
    return new HttpError(status, err.message);
  }
  return new HttpError(500, `internal error: ${(err as Error)?.message ?? String(err)} (the server log has details)`);
}

/** Open connections at once (browsers keep about 6 per origin; terminals and event streams add a few each). */
export const MAX_CONNECTIONS = 256;

function interfaceNames(): string[] {
  const out = [hostname()];
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) out.push(a.address);
  return out;
}

function rejectUpgrade(socket: Duplex, err: HttpError): void {
  const body = JSON.stringify({ error: err.message, ...err.details });
  const reason =
    { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict' }[
      err.status
    ] ?? 'Error';
  socket.end(
    `HTTP/1.1 ${err.status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  socket.destroy();
}

export async function startStatusServer(o: StatusServerOptions = {}): Promise<StatusServer> {
  const log = o.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const host = o.host ?? DEFAULT_HOST;
  const warning = checkBind(host, o.port ?? DEFAULT_PORT, o.allowRemote ?? false);
  const base: Config = o.config ?? loadConfig({ configFile: o.configFile });
  const config: Config = {
    ...base,
    manager: { ...base.manager, ...(o.runsRoot ? { runs_root: join(o.runsRoot) } : {}) },
    tmux: { socket: o.tmux?.socket ?? o.tmuxSocket ?? base.tmux.socket },
  };
  const store = new RunStore(config.manager.runs_root);
  config.manager.runs_root = store.root;
  const { token, path: tokenPath } = await loadOrCreateToken(store.root, o.token, o.tokenFrom);
  const tmux = o.tmux ?? new Tmux(config.tmux.socket);
  const status = new RunStatusReader(store, tmux);
  const services: Services = {
    config,
    store,
    tmux,
    status,
    artifacts: new ArtifactReader(),
    feeds: new EventFeeds(),
    streams: new Set<EventStream>(),
    terminals: new TerminalHub(),
    captureLines: clampLines(o.captureLines ?? 120),
    selfCommand: o.selfCommand ? () => o.selfCommand! : defaultSelfCommand,
  };
  const files = new StaticFiles(o.staticDir ?? join(packageRoot(), 'out', 'renderer'));
  const guard: Guard = { hosts: new Set(), token };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const started = Date.now();
    let path = '?';
    res.on('finish', () => {
      if (!o.quiet) log(`${req.method} ${path.slice(0, 200)} ${res.statusCode} ${Date.now() - started}ms`);
    });
    try {
      setBaseHeaders(res);
      const target = parseTarget(req.url);
      path = target.path; // never the query: it may hold the token
      const hostHeader = checkHost(req, guard);
      checkOrigin(req, hostHeader);
      const method = req.method ?? 'GET';
      if (target.segments[0] === 'api') {
        checkToken(req, target.query, guard);
        const match = matchRoute(ROUTES, method, target.segments);
        await match.route.handler({ req, res, target, services }, match);
      } else if (target.segments.length === 1 && target.segments[0] === 'health') {
        const match = matchRoute(ROUTES, method, target.segments);
        await match.route.handler({ req, res, target, services }, match);
      } else {
        await files.serve(req, res, target.segments);
      }
    } catch (err) {
      const e = toHttpError(err);
      if (e.status >= 500) log(`error: ${req.method} ${path}: ${(err as Error)?.stack ?? String(err)}`);
      if (res.headersSent) res.destroy();
      else sendHttpError(res, e);
    }
  };

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY_BYTES, perMessageDeflate: false });
  const server = createServer((req, res) => void handle(req, res));
  // Bounds on what one client can hold: connections, and time to send headers and a whole request.
  server.maxConnections = o.maxConnections ?? MAX_CONNECTIONS;
  server.headersTimeout = 15_000;
  server.requestTimeout = 30_000;
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const started = Date.now();
    let path = '?';
    void (async () => {
      try {
        const target = parseTarget(req.url);
        path = target.path;
        const hostHeader = checkHost(req, guard);
        checkOrigin(req, hostHeader);
        checkToken(req, target.query, guard);
        if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket')
          throw new HttpError(400, 'only WebSocket upgrades are served');
        await upgradeTerminal(services, wss, req, socket, head, target);
        if (!o.quiet) log(`WS ${path.slice(0, 200)} 101 ${Date.now() - started}ms`);
      } catch (err) {
        const e = toHttpError(err);
        if (!o.quiet) log(`WS ${path.slice(0, 200)} ${e.status} ${Date.now() - started}ms`);
        rejectUpgrade(socket, e);
      }
    })();
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      const why =
        err.code === 'EADDRINUSE'
          ? `port ${o.port ?? DEFAULT_PORT} on ${host} is in use (another mminions server?): choose another with --port, or --port 0 for a free one`
          : err.code === 'EADDRNOTAVAIL'
            ? `${host} is not an address of this machine: use 127.0.0.1`
            : err.message;
      reject(new Error(`could not listen: ${why}`));
    };
    server.once('error', onError);
    server.listen(o.port ?? DEFAULT_PORT, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : (o.port ?? DEFAULT_PORT);
  for (const h of allowedHosts(host, port, isWildcardHost(host) ? interfaceNames() : [])) guard.hosts.add(h);
  if (warning) log(warning);

  const urlHost = isWildcardHost(host) ? hostWithPort('127.0.0.1', port) : hostWithPort(host, port);
  const url = `http://${urlHost}`;
  let closing: Promise<void> | null = null;
  return {
    url,
    pageUrl: `${url}/?token=${encodeURIComponent(token)}`,
    host,
    port,
    token,
    tokenPath,
    services,
    close: () =>
      (closing ??= (async () => {
        const stopped = new Promise<void>((r) => server.close(() => r()));
        for (const s of [...services.streams]) s.close();
        services.feeds.closeAll();
        await services.terminals.closeAll();
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.closeAllConnections();
        await stopped;
      })()),
  };
}
