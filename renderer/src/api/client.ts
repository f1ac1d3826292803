// The status server client: typed requests with the bearer token, errors with a machine-readable kind.
import type { z } from 'zod';
import {
  ConfigResponse,
  RunsResponse,
  RunStatusResponse,
  SendResponse,
  StartRunResponse,
  StopResponse,
} from '../../../common/api';
import { ARTIFACT_SCHEMAS, describeZodError } from './artifactSchemas';
import type { Connection } from './connection';
import type { ArtifactName, Artifacts, NewRunRequest } from './types';

export type ApiErrorKind =
  | 'bad-input'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'method'
  | 'too-large'
  | 'server'
  | 'network'
  | 'invalid-response';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly kind: ApiErrorKind,
    readonly status: number,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function errorKind(status: number): ApiErrorKind {
  switch (status) {
    case 400:
      return 'bad-input';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not-found';
    case 405:
      return 'method';
    case 413:
      return 'too-large';
    default:
      return 'server';
  }
}

export function describeError(err: unknown): string {
  if (err instanceof ApiError && err.kind === 'unauthorized')
    return `${err.message} — the access token was refused; reopen the dashboard from the URL \`mminions server\` printed.`;
  if (err instanceof ApiError && err.kind === 'network') return `${err.message} — is the status server still running?`;
  return err instanceof Error ? err.message : String(err);
}

type FetchFn = typeof fetch;

export type TerminalMode = 'rw' | 'ro';

export class ApiClient {
  private readonly fetchFn: FetchFn;

  constructor(
    readonly connection: Connection,
    fetchFn?: FetchFn,
  ) {
    // `fetch` must be called unbound from window, so keep a wrapper rather than the bare reference.
    this.fetchFn = fetchFn ?? ((input, init) => fetch(input, init));
  }

  url(path: string, query: Record<string, string | number | undefined> = {}): string {
    const u = new URL(path, `${this.connection.baseUrl}/`);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) u.searchParams.set(k, String(v));
    return u.toString();
  }

  /** A raw authorized request (the event stream uses it for its long-lived response). */
  async request(
    path: string,
    init: RequestInit = {},
    query: Record<string, string | number | undefined> = {},
  ): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('Authorization', `Bearer ${this.connection.token}`);
    let res: Response;
    try {
      res = await this.fetchFn(this.url(path, query), { ...init, headers });
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      throw new ApiError(`Cannot reach the status server at ${this.connection.baseUrl}`, 'network', 0);
    }
    if (!res.ok) throw await toApiError(res);
    return res;
  }

  /** A JSON request whose answer is checked against its schema. */
  private async json<S extends z.ZodType>(
    schema: S,
    path: string,
    init: RequestInit = {},
    query: Record<string, string | number | undefined> = {},
  ): Promise<z.infer<S>> {
    const res = await this.request(
      path,
      { ...init, headers: { Accept: 'application/json', ...(init.body ? { 'Content-Type': 'application/json' } : {}) } },
      query,
    );
    let raw: unknown;
    try {
      raw = await res.json();
    } catch {
      throw new ApiError(`The server sent something that is not JSON for ${path}`, 'invalid-response', res.status);
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success)
      throw new ApiError(`Unexpected answer from ${path}: ${describeZodError(parsed.error)}`, 'invalid-response', res.status);
    return parsed.data;
  }

  config() {
    return this.json(ConfigResponse, '/api/config');
  }

  runs() {
    return this.json(RunsResponse, '/api/runs');
  }

  status(runId: string, lines = 10, signal?: AbortSignal) {
    return this.json(RunStatusResponse, `/api/runs/${encodeURIComponent(runId)}/status`, { signal }, { lines });
  }

  startRun(req: NewRunRequest) {
    return this.json(StartRunResponse, '/api/runs', { method: 'POST', body: JSON.stringify(req) });
  }

  stopRun(runId: string) {
    return this.json(StopResponse, `/api/runs/${encodeURIComponent(runId)}/stop`, { method: 'POST', body: '{}' });
  }

  send(runId: string, worker: string, text: string) {
    return this.json(SendResponse, `/api/runs/${encodeURIComponent(runId)}/send`, {
      method: 'POST',
      body: JSON.stringify({ worker, text }),
    });
  }

  /** An artifact, validated against its schema; null while it does not exist yet (404). */
  async artifact<N extends ArtifactName>(runId: string, name: N, signal?: AbortSignal): Promise<Artifacts[N] | null> {
    let res: Response;
    try {
      res = await this.request(`/api/runs/${encodeURIComponent(runId)}/artifacts/${name}`, { signal });
    } catch (err) {
      if (err instanceof ApiError && err.kind === 'not-found') return null;
      throw err;
    }
    if (name === 'final') return (await res.text()) as Artifacts[N];
    let raw: unknown;
    try {
      raw = await res.json();
    } catch {
      throw new ApiError(`${name}: the server sent something that is not JSON`, 'invalid-response', res.status);
    }
    const parsed = ARTIFACT_SCHEMAS[name as Exclude<ArtifactName, 'final'>].safeParse(raw);
    if (!parsed.success)
      throw new ApiError(
        `${name} does not have the expected shape: ${describeZodError(parsed.error)}`,
        'invalid-response',
        res.status,
      );
    return parsed.data as Artifacts[N];
  }

  /** The WebSocket URL of a worker's (or the manager's) terminal. */
  terminalUrl(runId: string, worker: string, mode: TerminalMode, cols: number, rows: number): string {
    const u = new URL(
      this.url(`/api/runs/${encodeURIComponent(runId)}/terminal/${encodeURIComponent(worker)}`, {
        mode,
        token: this.connection.token,
        cols,
        rows,
      }),
    );
    u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
    return u.toString();
  }
}

async function toApiError(res: Response): Promise<ApiError> {
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = await res.json();
    if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>;
  } catch {
    // not JSON: keep the status line
  }
  const { error, ...details } = body;
  const message = typeof error === 'string' && error ? error : `${res.status} ${res.statusText || 'error'}`;
  return new ApiError(message, errorKind(res.status), res.status, details);
}
