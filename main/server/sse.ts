// Server-sent events from events.jsonl: one watcher per run (fs.watch + a slow poll) shared by every subscriber.
import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { ServerResponse } from 'node:http';
import { SSE_EVENT_NAME } from '../../common/api';
import { readEvents } from '../runs/events';

export const POLL_MS = 2_000;
export const HEARTBEAT_MS = 15_000;

/** One SSE message; `data` must be a single line (a JSON text is). */
export function formatSse(id: number, event: string, data: string): string {
  return `id: ${id}\nevent: ${event}\ndata: ${data.replace(/[\r\n]+/g, ' ')}\n\n`;
}

interface Feed {
  watcher: FSWatcher | null;
  poll: NodeJS.Timeout;
  listeners: Set<() => void>;
  lastSize: number;
  lastMtime: number;
}

/** Change notifications for events.jsonl files, one watcher per file however many listen. */
export class EventFeeds {
  private readonly feeds = new Map<string, Feed>();

  constructor(private readonly pollMs = POLL_MS) {}

  /** Calls `onChange` when `path` may have grown; returns the unsubscribe function. */
  subscribe(path: string, onChange: () => void): () => void {
    let feed = this.feeds.get(path);
    if (!feed) {
      const f: Feed = {
        watcher: null,
        poll: setInterval(() => void this.pollOnce(path, f), this.pollMs),
        listeners: new Set(),
        lastSize: -1,
        lastMtime: -1,
      };
      f.poll.unref();
      try {
        // Watch the folder: it works before the file exists and across a replaced file.
        f.watcher = watch(dirname(path), { persistent: false }, (_e, name) => {
          if (name === null || name === basename(path)) this.notify(f);
        });
        f.watcher.on('error', () => {
          f.watcher?.close();
          f.watcher = null; // the slow poll carries on
        });
      } catch {
        f.watcher = null;
      }
      this.feeds.set(path, f);
      feed = f;
    }
    feed.listeners.add(onChange);
    return () => {
      const f = this.feeds.get(path);
      if (!f) return;
      f.listeners.delete(onChange);
      if (f.listeners.size === 0) this.stop(path, f);
    };
  }

  /** Files watched now (one per run with subscribers). */
  get watched(): string[] {
    return [...this.feeds.keys()];
  }

  listenerCount(path: string): number {
    return this.feeds.get(path)?.listeners.size ?? 0;
  }

  closeAll(): void {
    for (const [path, f] of this.feeds) this.stop(path, f);
  }

  private stop(path: string, f: Feed): void {
    clearInterval(f.poll);
    f.watcher?.close();
    this.feeds.delete(path);
  }

  private notify(f: Feed): void {
    for (const l of [...f.listeners]) l();
  }

  private async pollOnce(path: string, f: Feed): Promise<void> {
    try {
      const st = await stat(path);
      if (st.size === f.lastSize && st.mtimeMs === f.lastMtime) return;
      f.lastSize = st.size;
      f.lastMtime = st.mtimeMs;
      this.notify(f);
    } catch {
      // Not there (yet).
    }
  }
}

/**
 * Streams one run's events to one client from `offset` on: a catch-up read, then a read on every
 * change notification, honouring the socket's back-pressure; a comment line every 15 s keeps
 * proxies and browsers from timing out.
 */
export class EventStream {
  private offset: number;
  private reading = false;
  private again = false;
  private closed = false;
  private readonly unsubscribe: () => void;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly res: ServerResponse,
    private readonly path: string,
    feeds: EventFeeds,
    offset: number,
    heartbeatMs = HEARTBEAT_MS,
    private readonly onClose: () => void = () => undefined,
  ) {
    this.offset = offset;
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 3000\n: connected\n\n');
    this.unsubscribe = feeds.subscribe(path, () => void this.pump());
    this.heartbeat = setInterval(() => this.res.write(': ping\n\n'), heartbeatMs);
    res.on('close', () => this.close());
    res.on('error', () => this.close());
    void this.pump();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    this.unsubscribe();
    if (!this.res.writableEnded) this.res.end();
    this.onClose();
  }

  private async pump(): Promise<void> {
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = true;
    try {
      do {
        this.again = false;
        for (;;) {
          if (this.closed) return;
          const { events, nextOffset } = await readEvents(this.path, this.offset);
          if (nextOffset === this.offset) break;
          this.offset = nextOffset;
          let ok = true;
          for (const e of events) ok = this.res.write(formatSse(e.offset, SSE_EVENT_NAME, JSON.stringify(e.event))) && ok;
          if (!ok) await new Promise<void>((r) => this.res.once('drain', r).once('close', r));
        }
      } while (this.again);
    } catch {
      // A read error (the run folder removed): the client reconnects and gets a 404 then.
      this.close();
    } finally {
      this.reading = false;
    }
  }
}
