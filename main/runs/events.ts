// events.jsonl: the append-only log of what the manager does, read incrementally by byte offset.
import { appendFile, type FileHandle, open } from 'node:fs/promises';
import type { RunEvent } from '../../common/artifacts';

export type EventInput = { type: string } & Record<string, unknown>;

/** Appends one event (a single write of one line, so concurrent readers never see half of it). */
export async function appendEvent(path: string, event: EventInput, now: Date = new Date()): Promise<RunEvent> {
  const full = { ts: now.toISOString(), ...event } as RunEvent;
  await appendFile(path, `${JSON.stringify(full)}\n`);
  return full;
}

export interface ReadEvent {
  /** Byte offset just after this event's line: resume from here (the SSE event id). */
  offset: number;
  event: RunEvent;
}

/** The offset of the first newline at or after `from` (read in chunks), or null before `size`. */
async function findNewline(fh: FileHandle, from: number, size: number): Promise<number | null> {
  const chunk = Buffer.alloc(1024 * 1024);
  for (let pos = from; pos < size; pos += chunk.length) {
    const { bytesRead } = await fh.read(chunk, 0, Math.min(chunk.length, size - pos), pos);
    const i = chunk.subarray(0, bytesRead).indexOf(0x0a);
    if (i >= 0) return pos + i;
    if (bytesRead === 0) break;
  }
  return null;
}

/**
 * Reads complete lines from `fromOffset` on. A partial last line (still being written) is left for
 * the next read; a line that is not JSON is skipped.
 */
export async function readEvents(
  path: string,
  fromOffset = 0,
  maxBytes = 4 * 1024 * 1024,
): Promise<{ events: ReadEvent[]; nextOffset: number }> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { events: [], nextOffset: fromOffset };
    throw err;
  }
  try {
    const { size } = await fh.stat();
    if (fromOffset >= size) return { events: [], nextOffset: Math.min(fromOffset, size) };
    const len = Math.min(size - fromOffset, maxBytes);
    const buf = Buffer.alloc(len);
    const { bytesRead } = await fh.read(buf, 0, len, fromOffset);
    const events: ReadEvent[] = [];
    let start = 0;
    let offset = fromOffset;
    for (let i = 0; i < bytesRead; i++) {
      if (buf[i] !== 0x0a) continue;
      const line = buf.subarray(start, i).toString('utf8');
      offset = fromOffset + i + 1;
      start = i + 1;
      if (!line.trim()) continue;
      try {
        const ev = JSON.parse(line) as RunEvent;
        if (ev && typeof ev === 'object' && typeof ev.type === 'string') events.push({ offset, event: ev });
      } catch {
        // A corrupt line must not stop the log: skip it.
      }
    }
    // A window without a single line end in a file that goes on past it: one line is larger than the
    // window. Skip it (it cannot be shown) and say so, or the stream would wait on it forever.
    if (offset === fromOffset && bytesRead === maxBytes && size > fromOffset + maxBytes) {
      const end = await findNewline(fh, fromOffset + bytesRead, size);
      if (end !== null) {
        const skipped: RunEvent = {
          ts: new Date().toISOString(),
          type: 'event_skipped',
          bytes: end - fromOffset,
          reason: `an events.jsonl line of ${end - fromOffset} bytes is over the ${maxBytes}-byte read window`,
        };
        return { events: [{ offset: end + 1, event: skipped }], nextOffset: end + 1 };
      }
    }
    return { events, nextOffset: offset };
  } finally {
    await fh.close();
  }
}
