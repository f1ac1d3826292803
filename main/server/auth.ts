// Who may talk to the server (pure checks): the token, the Host header (DNS rebinding) and the Origin (other sites).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpError } from './http';

/** Constant-time comparison (hashing first makes the lengths equal too). */
export function tokensEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}

/** The token of a request: `Authorization: Bearer <t>`, else `?token=<t>`. */
export function requestToken(authorization: string | undefined, query: URLSearchParams): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (m) return m[1]!;
  return query.get('token');
}

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || /^::ffff:127(\.\d{1,3}){3}$/.test(h);
}

export function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

/** `host:port` as it appears in a Host header (IPv6 in brackets). */
export function hostWithPort(host: string, port: number): string {
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `${h}:${port}`.toLowerCase();
}

/** The Host header values that name this server: loopback names, the bound host and any extra names. */
export function allowedHosts(boundHost: string, port: number, extraHosts: readonly string[] = []): Set<string> {
  const names = ['127.0.0.1', 'localhost', '::1', ...extraHosts];
  if (!isWildcardHost(boundHost)) names.push(boundHost);
  const out = new Set(names.map((n) => hostWithPort(n, port)));
  if (port === 80) for (const n of names) out.add(hostWithPort(n, port).replace(/:80$/, ''));
  return out;
}

export interface Guard {
  hosts: Set<string>;
  token: string;
}

/** 403 unless the Host header names this server (a rebinding DNS name does not). */
export function checkHost(req: IncomingMessage, guard: Guard): string {
  const host = (req.headers.host ?? '').toLowerCase();
  if (!guard.hosts.has(host)) {
    throw new HttpError(
      403,
      `refused: the Host header ${JSON.stringify(host.slice(0, 100))} does not name this server; open it as http://${[...guard.hosts][0]}/`,
    );
  }
  return host;
}

/** 403 when a browser sends an Origin other than this server's own (another site's page). */
export function checkOrigin(req: IncomingMessage, host: string): void {
  const origin = req.headers.origin;
  if (origin === undefined) return; // not a cross-site browser request (curl, scripts, same-origin GET)
  if (origin.toLowerCase() !== `http://${host}`) {
    throw new HttpError(
      403,
      `refused: requests from ${JSON.stringify(origin.slice(0, 100))} are not allowed; only the dashboard served by this server may call the API`,
    );
  }
}

/** 401 unless the request carries the token. */
export function checkToken(req: IncomingMessage, query: URLSearchParams, guard: Guard): void {
  const given = requestToken(req.headers.authorization, query);
  if (given === null) {
    throw new HttpError(
      401,
      'missing token: send "Authorization: Bearer <token>" (or ?token=<token>); `mminions server` prints it, and it is kept in <runs_root>/.mminions/token',
      {},
      { 'WWW-Authenticate': 'Bearer' },
    );
  }
  if (!tokensEqual(given, guard.token)) {
    throw new HttpError(
      401,
      'wrong token: use the one `mminions server` printed (kept in <runs_root>/.mminions/token)',
      {},
      { 'WWW-Authenticate': 'Bearer' },
    );
  }
}
