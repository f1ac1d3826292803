import { appendFile, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { addUsage, MAX_ERRORS, summarizeTelemetry, TelemetryReader, ZERO_USAGE } from './telemetry';

const ev = (o: object) => `${JSON.stringify(o)}\n`;
const turnCompleted = (i: number, c: number, o: number) =>
  ev({
    type: 'turn.completed',
    usage: { input_tokens: i, cached_input_tokens: c, cache_write_input_tokens: 0, output_tokens: o, reasoning_output_tokens: 0 },
  });
const command = ev({
  type: 'item.completed',
  item: { id: 'i1', type: 'command_execution', command: 'ls', aggregated_output: '', exit_code: 0, status: 'completed' },
});

test('summarizeTelemetry sums turns, counts commands, collects errors', () => {
  const jsonl = [
    ev({ type: 'thread.started', thread_id: 'th-1' }),
    ev({ type: 'turn.started' }),
    ev({ type: 'item.started', item: { type: 'command_execution' } }),
    command,
    command,
    ev({ type: 'error', message: 'Reconnecting... 1/5' }),
    ev({ type: 'error', message: 'Reconnecting... 1/5' }),
    turnCompleted(100, 10, 20),
    turnCompleted(50, 0, 5),
    ev({ type: 'turn.failed', error: { message: 'stream disconnected' } }),
    'not json at all\n',
    '{"no_type": 1}\n',
  ].join('');
  const s = summarizeTelemetry(jsonl, 1234);
  expect(s).toEqual({
    usage: { input_tokens: 150, cached_input_tokens: 10, output_tokens: 25, turns: 2 },
    thread_id: 'th-1',
    thread_totals: { 'th-1': { input_tokens: 50, cached_input_tokens: 0, output_tokens: 5, turns: 1 } },
    commands_run: 2,
    last_event_at: 1234,
    errors: ['Reconnecting... 1/5', 'stream disconnected'],
    events: 10,
  });
  expect(summarizeTelemetry('', 99)).toMatchObject({ events: 0, last_event_at: null, usage: ZERO_USAGE });
});

test("a resumed thread's turns count what its running total grew by; a new thread counts in full", () => {
  // As codex 0.169 writes it: `exec resume` starts the same thread again and reports its total.
  const jsonl = [
    ev({ type: 'thread.started', thread_id: 'th-1' }),
    turnCompleted(3000, 600, 800),
    ev({ type: 'thread.started', thread_id: 'th-1' }),
    turnCompleted(4500, 900, 1200),
    // A turn interrupted before it ended reports nothing; the next one's total holds it too.
    ev({ type: 'thread.started', thread_id: 'th-1' }),
    ev({ type: 'thread.started', thread_id: 'th-1' }),
    turnCompleted(7000, 900, 1500),
    // A thread started over (a restart): its own total, in full.
    ev({ type: 'thread.started', thread_id: 'th-2' }),
    turnCompleted(1000, 0, 100),
  ].join('');
  expect(summarizeTelemetry(jsonl).usage).toEqual({
    input_tokens: 8000,
    cached_input_tokens: 900,
    output_tokens: 1600,
    turns: 4,
  });
});

test('errors are capped', () => {
  const jsonl = Array.from({ length: MAX_ERRORS + 5 }, (_, i) => ev({ type: 'error', message: `e${i}` })).join('');
  expect(summarizeTelemetry(jsonl).errors).toHaveLength(MAX_ERRORS);
});

test('addUsage adds field by field', () => {
  const a = { input_tokens: 1, cached_input_tokens: 2, output_tokens: 3, turns: 1 };
  expect(addUsage(a, a)).toEqual({ input_tokens: 2, cached_input_tokens: 4, output_tokens: 6, turns: 2 });
  expect(addUsage(ZERO_USAGE, a)).toEqual(a);
});

describe('TelemetryReader', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mm-telemetry-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('reads a growing file, holding back a partial last line', async () => {
    const file = join(dir, 'w1.jsonl');
    const r = new TelemetryReader(file);
    expect((await r.read()).events).toBe(0); // not there yet

    const started = ev({ type: 'thread.started', thread_id: 'th-9' });
    const done = turnCompleted(100, 0, 10);
    await writeFile(file, started + command + done.slice(0, 20));
    let s = await r.read();
    expect(s).toMatchObject({ thread_id: 'th-9', commands_run: 1, events: 2, usage: { turns: 0 } });
    expect(s.last_event_at).toBe((await stat(file)).mtimeMs);

    await appendFile(file, done.slice(20));
    s = await r.read();
    expect(s).toMatchObject({ events: 3, usage: { input_tokens: 100, output_tokens: 10, turns: 1 } });

    expect((await r.read()).events).toBe(3); // nothing new

    await appendFile(file, ev({ type: 'turn.started' }).trimEnd());
    expect((await r.read()).events).toBe(3);
    expect((await r.read(true)).events).toBe(4); // the writer is done: the unterminated line counts
  });

  test('splits multi-byte characters across reads safely and starts over when the file is replaced', async () => {
    const file = join(dir, 'w2.jsonl');
    const r = new TelemetryReader(file);
    const line = Buffer.from(ev({ type: 'error', message: 'naïve — ✓' }));
    await writeFile(file, line.subarray(0, 22)); // cuts inside a multi-byte character
    await r.read();
    await appendFile(file, line.subarray(22));
    expect((await r.read()).errors).toEqual(['naïve — ✓']);

    await writeFile(file, ev({ type: 'turn.started' })); // truncated and rewritten, shorter
    expect(await r.read()).toMatchObject({ errors: [], events: 1 });

    const other = join(dir, 'other.jsonl');
    await writeFile(other, ev({ type: 'thread.started', thread_id: 'new-file' }));
    await rename(other, file); // replaced by another file, longer
    expect(await r.read()).toMatchObject({ thread_id: 'new-file', errors: [], events: 1 });
  });
});
