// The scripted model server: a loopback Responses API that answers codex from a scenario (see docs/scripted-model.md).
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { parseArgs } from 'node:util';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Readable } from 'node:stream';
import {
  loadScenario,
  parseScenario,
  planReply,
  type Reply,
  type Scenario,
  type ScenarioInput,
  type ScenarioUsage,
} from './scenario';

export interface LogEntry {
  /** ISO time the request arrived. */
  time: string;
  path: string;
  role: string | null;
  worker: string | null;
  step: number;
  /** HTTP status answered. */
  status: number;
  reply: 'exec' | 'message' | 'hang' | 'error';
  /** The error message of a 4xx answer. */
  error?: string;
  /** The client went away during the reply's delay: nothing was sent (an interrupted turn), so no usage either. */
  abandoned?: true;
}

export interface ScriptedModelOptions {
  scenario: Scenario | ScenarioInput;
  host?: string;
  port?: number;
  /** One line per request on stderr. */
  verbose?: boolean;
  /** Sees every parsed request body (debugging, tests). */
  onRequest?: (body: unknown) => void;
}

export interface ScriptedModel {
  /** Base URL ending in /v1, for model_providers.<id>.base_url. */
  url: string;
  port: number;
  log: LogEntry[];
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024 * 1024;
const MAX_LOG_ENTRIES = 10_000;

// ---- SSE frames (pure) ----

function usageJson(u: ScenarioUsage) {
  return {
    input_tokens: u.input_tokens,
    input_tokens_details: { cached_tokens: u.cached_input_tokens },
    output_tokens: u.output_tokens,
    output_tokens_details: { reasoning_tokens: u.reasoning_output_tokens },
    total_tokens: u.input_tokens + u.output_tokens,
  };
}

export function sseFrame(data: { type: string } & Record<string, unknown>): string {
  return `event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`;
}

function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('hex')}`;
}

/** The output item of an exec or message reply. */
export function outputItem(reply: Extract<Reply, { kind: 'exec' | 'message' }>): Record<string, unknown> {
  if (reply.kind === 'exec') {
    return {
      type: 'function_call',
      id: newId('fc'),
      call_id: newId('call'),
      name: 'exec_command',
      arguments: JSON.stringify({ cmd: reply.command, login: false }),
      status: 'completed',
    };
  }
  return {
    type: 'message',
    id: newId('msg'),
    role: 'assistant',
    status: 'completed',
    content: [{ type: 'output_text', text: reply.text, annotations: [] }],
  };
}

function responseShell(id: string, model: string, status: string) {
  return { id, object: 'response', created_at: Math.floor(Date.now() / 1000), status, model };
}

// ---- HTTP ----

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function errorJson(status: number, message: string) {
  return { error: { message, type: status >= 500 ? 'server_error' : 'invalid_request_error', code: null, param: null } };
}

function bodyStream(req: IncomingMessage): Readable {
  const enc = String(req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (enc === 'identity' || enc === '') return req;
  const decoder =
    enc === 'gzip' ? createGunzip() : enc === 'deflate' ? createInflate() : enc === 'br' ? createBrotliDecompress() : null;
  if (!decoder) throw new Error(`unsupported content-encoding "${enc}" (send identity, gzip, deflate or br)`);
  req.once('error', (e) => decoder.destroy(e));
  req.once('close', () => req.complete || decoder.destroy(new Error('the client went away')));
  return req.pipe(decoder);
}

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of bodyStream(req)) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLarge(`request body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (ms <= 0 || signal.aborted) return resolve();
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });

/** Starts the server; resolves once it listens. */
export async function startScriptedModel(opts: ScriptedModelOptions): Promise<ScriptedModel> {
  const scenario = parseScenario(opts.scenario, 'scripted model scenario');
  const host = opts.host ?? '127.0.0.1';
  const log: LogEntry[] = [];
  const sockets = new Set<Socket>();
  const closing = new AbortController();

  const record = (e: LogEntry) => {
    log.push(e);
    if (log.length > MAX_LOG_ENTRIES) log.splice(0, log.length - MAX_LOG_ENTRIES);
    if (opts.verbose) {
      const who = `role=${e.role ?? '?'} worker=${e.worker ?? '?'} step=${e.step}`;
      process.stderr.write(`scripted model: ${e.path} ${who} -> ${e.status} ${e.reply}${e.error ? ` (${e.error})` : ''}\n`);
    }
  };

  async function handleResponses(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const time = new Date().toISOString();
    const fail = (status: number, message: string, extra: Partial<LogEntry> = {}) => {
      record({ time, path, role: null, worker: null, step: 0, status, reply: 'error', error: message, ...extra });
      sendJson(res, status, errorJson(status, message));
    };
    let text: string;
    try {
      text = await readBody(req);
    } catch (e) {
      return fail(e instanceof BodyTooLarge ? 413 : 400, `scripted model: cannot read the request body: ${(e as Error).message}`);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (e) {
      return fail(400, `scripted model: the request body is not valid JSON (${(e as Error).message})`);
    }
    opts.onRequest?.(body);
    const plan = planReply(scenario, body);
    const who = { role: plan.role, worker: plan.worker, step: plan.step };
    const { reply } = plan;
    if (reply.kind === 'error') return fail(reply.status, reply.message, who);

    const entry: LogEntry = { time, path, ...who, status: 200, reply: reply.kind };
    record(entry);
    const gone = new AbortController();
    const onGone = () => gone.abort();
    closing.signal.addEventListener('abort', onGone, { once: true });
    res.on('close', () => {
      onGone();
      closing.signal.removeEventListener('abort', onGone);
    });
    await sleep(reply.delayMs, gone.signal);
    if (gone.signal.aborted) {
      entry.abandoned = true;
      return;
    }

    const model = typeof (body as { model?: unknown }).model === 'string' ? (body as { model: string }).model : 'scripted';
    const id = newId('resp');
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.write(
      sseFrame({
        type: 'response.created',
        sequence_number: 0,
        response: { ...responseShell(id, model, 'in_progress'), output: [] },
      }),
    );
    if (reply.kind === 'hang') return; // left open until the client goes away or close() destroys the socket
    const item = outputItem(reply);
    res.write(sseFrame({ type: 'response.output_item.done', sequence_number: 1, output_index: 0, item }));
    res.end(
      sseFrame({
        type: 'response.completed',
        sequence_number: 2,
        response: { ...responseShell(id, model, 'completed'), output: [item], usage: usageJson(reply.usage) },
      }),
    );
  }

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const route = path.replace(/\/+$/, '');
    const done = (p: Promise<void> | void) =>
      Promise.resolve(p).catch((e: unknown) =>
        sendJson(res, 500, errorJson(500, `scripted model: internal error: ${(e as Error).message}`)),
      );
    if (req.method === 'POST' && (route === '/v1/responses' || route === '/responses'))
      return done(handleResponses(req, res, route));
    req.resume();
    if (req.method === 'GET' && (route === '/v1/models' || route === '/models'))
      return sendJson(res, 200, { object: 'list', data: [], models: [] });
    if (req.method === 'GET' && route === '/scripted/log') return sendJson(res, 200, log);
    if (req.method === 'GET' && (route === '' || route === '/health'))
      return sendJson(res, 200, { ok: true, scripted_model: true });
    sendJson(
      res,
      404,
      errorJson(
        404,
        `scripted model: no route ${req.method} ${path} (it serves POST /v1/responses, GET /v1/models, GET /scripted/log)`,
      ),
    );
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('clientError', (_e, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closed: Promise<void> | null = null;
  return {
    url: `http://${urlHost}:${port}/v1`,
    port,
    log,
    close() {
      closed ??= new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => resolve());
        for (const s of sockets) s.destroy(); // hung streams and idle keep-alive connections
      });
      return closed;
    },
  };
}

// ---- `mminions scripted-model` ----

export const SCRIPTED_MODEL_USAGE = 'usage: mminions scripted-model --scenario FILE [--host 127.0.0.1] [--port 0] [--verbose]';

export interface CliIo {
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  /** Stops the server like SIGINT/SIGTERM do (tests). */
  signal?: AbortSignal;
}

/** Runs the server until SIGINT/SIGTERM (or `io.signal`); resolves to the exit code. */
export async function runScriptedModelCli(args: string[], io: CliIo = {}): Promise<number> {
  const out = io.stdout ?? process.stdout;
  const err = io.stderr ?? process.stderr;
  let values: { scenario?: string; host?: string; port?: string; verbose?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        scenario: { type: 'string' },
        host: { type: 'string' },
        port: { type: 'string' },
        verbose: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    err.write(`scripted-model: ${(e as Error).message}\n${SCRIPTED_MODEL_USAGE}\n`);
    return 2;
  }
  if (values.help) {
    out.write(`${SCRIPTED_MODEL_USAGE}\n`);
    return 0;
  }
  if (!values.scenario) {
    err.write(`scripted-model: --scenario FILE is required\n${SCRIPTED_MODEL_USAGE}\n`);
    return 2;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    err.write(`scripted-model: --port must be a whole number 0..65535 (0 picks a free port), got "${values.port}"\n`);
    return 2;
  }
  const host = values.host ?? '127.0.0.1';
  let model: ScriptedModel;
  try {
    const scenario = await loadScenario(values.scenario);
    model = await startScriptedModel({ scenario, host, port, verbose: values.verbose ?? false });
  } catch (e) {
    err.write(`scripted-model: ${(e as Error).message}\n`);
    return 1;
  }
  if (!isLoopback(host)) err.write(`scripted-model: warning: listening on ${host}, which is not a loopback address\n`);
  out.write(`scripted model listening on ${model.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      io.signal?.removeEventListener('abort', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (io.signal?.aborted) stop();
    else io.signal?.addEventListener('abort', stop, { once: true });
  });
  await model.close();
  return 0;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}
