// A run's live event stream (SSE over fetch, so the token travels in a header), resuming by byte offset.
import { parseRunEvent } from '../../../common/events';
import { ApiError, type ApiClient } from './client';
import type { StreamedEvent } from './types';

export interface SseMessage {
  id: string | null;
  event: string;
  data: string;
}

/**
 * Parses complete SSE messages out of `buffer` (text received so far); the incomplete tail is
 * returned as `rest` for the next chunk. Comments (heartbeats) are dropped.
 */
export function parseSse(buffer: string): { messages: SseMessage[]; rest: string } {
  const messages: SseMessage[] = [];
  const normalized = buffer.replace(/\r\n?/g, '\n');
  const blocks = normalized.split('\n\n');
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    let id: string | null = null;
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (!line || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'id') id = value;
      else if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length > 0 || id !== null) messages.push({ id, event, data: data.join('\n') });
  }
  return { messages, rest };
}

/** A `run-event` message as a StreamedEvent, or null when it is not one. */
export function toRunEvent(msg: SseMessage): StreamedEvent | null {
  if (msg.event !== 'run-event' || !msg.data) return null;
  try {
    // An event of a type or shape this dashboard does not know (a newer manager) is skipped.
    const event = parseRunEvent(JSON.parse(msg.data));
    if (!event) return null;
    const offset = msg.id !== null && /^\d+$/.test(msg.id) ? Number(msg.id) : -1;
    return { offset, event };
  } catch {
    return null;
  }
}

export type StreamState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface RunEventStreamHandlers {
  onEvents(events: StreamedEvent[]): void;
  onState?(state: StreamState, detail: string | null): void;
}

const BACKOFF_MS = [500, 1000, 2000, 5000, 10000, 15000];

/** Follows one run's events until closed; reconnects with Last-Event-ID after a dropped connection. */
export class RunEventStream {
  private abort: AbortController | null = null;
  private lastId: string | null = null;
  private closed = false;
  private failures = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly client: ApiClient,
    readonly runId: string,
    private readonly handlers: RunEventStreamHandlers,
  ) {}

  start(): this {
    void this.connect();
    return this;
  }

  close(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.abort?.abort();
    this.handlers.onState?.('closed', null);
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    this.abort = new AbortController();
    this.handlers.onState?.(this.failures ? 'reconnecting' : 'connecting', null);
    const headers: Record<string, string> = { Accept: 'text/event-stream' };
    if (this.lastId !== null) headers['Last-Event-ID'] = this.lastId;
    let detail: string | null = null;
    try {
      const res = await this.client.request(`/api/runs/${encodeURIComponent(this.runId)}/events`, {
        headers,
        signal: this.abort.signal,
      });
      if (!res.body) throw new Error('the event stream has no body');
      this.handlers.onState?.('open', null);
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        this.failures = 0;
        const parsed = parseSse(buffer + value);
        buffer = parsed.rest;
        const events: StreamedEvent[] = [];
        for (const msg of parsed.messages) {
          if (msg.id !== null) this.lastId = msg.id;
          const ev = toRunEvent(msg);
          if (ev) events.push(ev);
        }
        if (events.length) this.handlers.onEvents(events);
      }
      detail = 'the server closed the event stream';
    } catch (err) {
      if (this.closed) return;
      if (err instanceof ApiError && (err.kind === 'not-found' || err.kind === 'unauthorized' || err.kind === 'forbidden')) {
        this.closed = true;
        this.handlers.onState?.('closed', err.message);
        return;
      }
      detail = err instanceof Error ? err.message : String(err);
    }
    if (this.closed) return;
    const delay = BACKOFF_MS[Math.min(this.failures, BACKOFF_MS.length - 1)]!;
    this.failures++;
    this.handlers.onState?.('reconnecting', detail);
    this.retryTimer = setTimeout(() => void this.connect(), delay);
  }
}
