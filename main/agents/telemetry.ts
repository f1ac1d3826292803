// Sums a codex `--json` event stream (telemetry/<invocation>.jsonl): token usage, commands, errors, liveness.
import { open, stat } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import type { Usage } from '../../common/artifacts';
import { clip } from '../../common/text';

export const ZERO_USAGE: Usage = Object.freeze({ input_tokens: 0, cached_input_tokens: 0, output_tokens: 0, turns: 0 });

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    input_tokens: a.input_tokens + b.input_tokens,
    cached_input_tokens: a.cached_input_tokens + b.cached_input_tokens,
    output_tokens: a.output_tokens + b.output_tokens,
    turns: a.turns + b.turns,
  };
}

export interface TelemetrySummary {
  /**
   * Every turn's tokens; `turns` counts `turn.completed` events. Codex reports a thread's running
   * total at each turn (a resumed thread, a follow-up, reports its earlier turns again), so a
   * turn counts what its thread's total grew by.
   */
  usage: Usage;
  thread_id: string | null;
  /** The last total each thread reported (to count a resumed thread's turns once). */
  thread_totals: Record<string, Usage>;
  /** Completed `command_execution` items. */
  commands_run: number;
  /** ms epoch when the last event line was seen (the file's mtime when read from a file). */
  last_event_at: number | null;
  /** Messages of `error` and `turn.failed` events, deduplicated, at most MAX_ERRORS. */
  errors: string[];
  /** Event lines read (JSON objects with a type). */
  events: number;
}

export const MAX_ERRORS = 20;
const MAX_ERROR_CHARS = 500;

export function emptySummary(): TelemetrySummary {
  return {
    usage: { ...ZERO_USAGE },
    thread_id: null,
    thread_totals: {},
    commands_run: 0,
    last_event_at: null,
    errors: [],
    events: 0,
  };
}

const tokens = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : 0);

function addError(s: TelemetrySummary, message: unknown): void {
  if (typeof message !== 'string' || !message) return;
  const m = clip(message, MAX_ERROR_CHARS);
  if (s.errors.length < MAX_ERRORS && !s.errors.includes(m)) s.errors.push(m);
}

/**
 * What one turn adds: its thread's total minus the total the thread reported before. A total that
 * did not grow in every field is not a running total (another codex, a thread started over): all of it.
 */
function turnDelta(before: Usage | undefined, total: Usage): Usage {
  if (
    !before ||
    total.input_tokens < before.input_tokens ||
    total.cached_input_tokens < before.cached_input_tokens ||
    total.output_tokens < before.output_tokens
  )
    return total;
  return {
    input_tokens: total.input_tokens - before.input_tokens,
    cached_input_tokens: total.cached_input_tokens - before.cached_input_tokens,
    output_tokens: total.output_tokens - before.output_tokens,
    turns: 1,
  };
}

/** Folds one JSONL line into the summary (mutates it); non-events are ignored. Returns whether it was an event. */
export function applyEventLine(s: TelemetrySummary, line: string): boolean {
  const t = line.trim();
  if (!t.startsWith('{')) return false;
  let ev: Record<string, unknown>;
  try {
    ev = JSON.parse(t) as Record<string, unknown>;
  } catch {
    return false;
  }
  if (!ev || typeof ev !== 'object' || typeof ev.type !== 'string') return false;
  s.events += 1;
  const item = (ev.item ?? {}) as Record<string, unknown>;
  switch (ev.type) {
    case 'thread.started':
      if (typeof ev.thread_id === 'string') s.thread_id = ev.thread_id;
      break;
    case 'turn.completed': {
      const u = (ev.usage ?? {}) as Record<string, unknown>;
      const total: Usage = {
        input_tokens: tokens(u.input_tokens),
        cached_input_tokens: tokens(u.cached_input_tokens),
        output_tokens: tokens(u.output_tokens),
        turns: 1,
      };
      s.usage = addUsage(s.usage, turnDelta(s.thread_id ? s.thread_totals[s.thread_id] : undefined, total));
      if (s.thread_id) s.thread_totals[s.thread_id] = total;
      break;
    }
    case 'turn.failed':
      addError(s, ((ev.error ?? {}) as Record<string, unknown>).message);
      break;
    case 'error':
      addError(s, ev.message);
      break;
    case 'item.completed':
      if (item.type === 'command_execution') s.commands_run += 1;
      break;
  }
  return true;
}

/** Summary of a whole JSONL text; `now` is recorded as last_event_at when it holds any event. */
export function summarizeTelemetry(jsonl: string, now: number = Date.now()): TelemetrySummary {
  const s = emptySummary();
  for (const line of jsonl.split('\n')) applyEventLine(s, line);
  if (s.events > 0) s.last_event_at = now;
  return s;
}

const CHUNK = 256 * 1024;

/** Reads a growing telemetry file incrementally; a partial last line waits for the next read. */
export class TelemetryReader {
  private offset = 0;
  private pending = '';
  private decoder = new StringDecoder('utf8');
  private summary = emptySummary();
  private queue: Promise<unknown> = Promise.resolve();
  private ino: number | null = null;

  constructor(readonly path: string) {}

  /**
   * Reads what was appended since the last call and returns the summary so far (a copy).
   * `final`: the writer has finished, so an unterminated last line counts too.
   */
  read(final = false): Promise<TelemetrySummary> {
    const next = this.queue.then(() => this.readNow(final)); // one read at a time: they share the offset
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async readNow(final: boolean): Promise<TelemetrySummary> {
    let info;
    try {
      info = await stat(this.path);
    } catch {
      return this.snapshot(); // not written yet
    }
    if (info.size < this.offset || (this.ino !== null && info.ino !== this.ino)) this.reset(); // truncated or replaced: start over
    this.ino = info.ino;
    let events = 0;
    if (info.size > this.offset) {
      const fh = await open(this.path, 'r');
      try {
        const buf = Buffer.alloc(Math.min(CHUNK, info.size - this.offset));
        while (this.offset < info.size) {
          const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, info.size - this.offset), this.offset);
          if (bytesRead === 0) break;
          this.offset += bytesRead;
          const lines = (this.pending + this.decoder.write(buf.subarray(0, bytesRead))).split('\n');
          this.pending = lines.pop() ?? '';
          for (const line of lines) if (applyEventLine(this.summary, line)) events += 1;
        }
      } finally {
        await fh.close();
      }
    }
    if (final && this.pending) {
      if (applyEventLine(this.summary, this.pending)) events += 1;
      this.pending = '';
    }
    if (events > 0) this.summary.last_event_at = info.mtimeMs;
    return this.snapshot();
  }

  private reset(): void {
    this.offset = 0;
    this.pending = '';
    this.decoder = new StringDecoder('utf8');
    this.summary = emptySummary();
  }

  private snapshot(): TelemetrySummary {
    const s = this.summary;
    return { ...s, usage: { ...s.usage }, thread_totals: { ...s.thread_totals }, errors: [...s.errors] };
  }
}
