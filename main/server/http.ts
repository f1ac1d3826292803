// The router and response helpers: request targets split by hand, routes matched by segment, JSON errors.
import type { IncomingMessage, ServerResponse } from 'node:http';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export interface Target {
  /** The raw path (before the query), never normalized: "a/../b" stays as written. */
  path: string;
  /** Decoded path segments (without the leading empty one). */
  segments: string[];
  query: URLSearchParams;
}

/**
 * Splits a request target into decoded segments and the query. Splitting by hand (instead of
 * `new URL`) keeps "//host/x" from being read as another host and dot segments from being
 * normalized away before ids are validated.
 */
export function parseTarget(url: string | undefined): Target {
  const raw = url ?? '/';
  if (!raw.startsWith('/'))
    throw new HttpError(400, `bad request target ${JSON.stringify(raw.slice(0, 100))}: expected a path starting with "/"`);
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
  const segments = path
    .slice(1)
    .split('/')
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        throw new HttpError(400, `bad percent-encoding in the path segment ${JSON.stringify(s.slice(0, 100))}`);
      }
    });
  return { path, segments, query };
}

export type Method = 'GET' | 'POST';

export interface RouteMatch<C> {
  route: Route<C>;
  params: Record<string, string>;
}

export interface Route<C> {
  method: Method;
  /** e.g. "/api/runs/:run/status"; ":name" matches one whole segment. */
  pattern: string;
  handler: (ctx: C, match: RouteMatch<C>) => Promise<void> | void;
}

/** The route for this method and path; 404 when no pattern matches, 405 (with Allow) when only other methods do. */
export function matchRoute<C>(routes: readonly Route<C>[], method: string, segments: readonly string[]): RouteMatch<C> {
  const allowed: string[] = [];
  for (const route of routes) {
    const parts = route.pattern.slice(1).split('/');
    if (parts.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < parts.length && ok; i++) {
      const p = parts[i]!;
      const s = segments[i]!;
      if (p.startsWith(':')) {
        if (s === '') ok = false;
        else params[p.slice(1)] = s;
      } else if (p !== s) ok = false;
    }
    if (!ok) continue;
    if (route.method === method) return { route, params };
    allowed.push(route.method);
  }
  const shown = `/${segments.join('/')}`.slice(0, 200);
  if (allowed.length)
    throw new HttpError(
      405,
      `${method} is not allowed on ${shown}; use ${allowed.join(' or ')}`,
      { allow: allowed },
      { Allow: allowed.join(', ') },
    );
  throw new HttpError(404, `no such route: ${method} ${shown} (see docs/api.md)`);
}

/** Headers on every response: no sniffing, no referrer (tokens travel in URLs), never framed. No CORS headers, ever. */
export function setBaseHeaders(res: ServerResponse): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store',
    'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
    ...headers,
  });
  res.end(text);
}

export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  contentType: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

export function sendHttpError(res: ServerResponse, err: HttpError): void {
  sendJson(res, err.status, { error: err.message, ...err.details }, err.headers);
}

export function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
