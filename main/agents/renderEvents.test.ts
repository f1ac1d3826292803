import { PassThrough } from 'node:stream';
import { expect, test } from 'vitest';
import { renderEvent, renderEventStream } from './renderEvents';

const line = (o: object) => JSON.stringify(o);

test('renders each kind of event as one line', () => {
  expect(renderEvent(line({ type: 'thread.started', thread_id: 'abc' }))).toBe('thread abc');
  expect(renderEvent(line({ type: 'turn.started' }))).toBe('turn started');
  expect(
    renderEvent(
      line({
        type: 'item.completed',
        item: { type: 'command_execution', command: "bash -lc 'ls'", exit_code: 2, status: 'failed' },
      }),
    ),
  ).toBe("$ bash -lc 'ls' → exit 2");
  expect(
    renderEvent(
      line({
        type: 'item.completed',
        item: {
          type: 'file_change',
          changes: [
            { path: 'a.py', kind: 'update' },
            { path: 'b.py', kind: 'add' },
          ],
        },
      }),
    ),
  ).toBe('files: update a.py, add b.py');
  expect(
    renderEvent(line({ type: 'turn.completed', usage: { input_tokens: 10, cached_input_tokens: 4, output_tokens: 3 } })),
  ).toBe('turn completed: 10 input tokens (4 cached), 3 output');
  expect(renderEvent(line({ type: 'turn.failed', error: { message: 'boom\nbad' } }))).toBe('turn failed: boom bad');
  expect(renderEvent(line({ type: 'error', message: 'Reconnecting... 2/5 (stream disconnected before completion)' }))).toBe(
    'error: Reconnecting... 2/5 (stream disconnected before completion)',
  );
});

test('shortens long messages to one line', () => {
  const msg = renderEvent(
    line({ type: 'item.completed', item: { type: 'agent_message', text: `first\n\nsecond ${'x'.repeat(500)}` } }),
  );
  expect(msg).toMatch(/^agent: first second x+…$/);
  expect(msg!.length).toBeLessThanOrEqual('agent: '.length + 200);
  const thought = renderEvent(line({ type: 'item.completed', item: { type: 'reasoning', text: 'y'.repeat(1000) } }));
  expect(thought!.length).toBeLessThan(140);
  expect(thought).toMatch(/^thinking: y+…$/);
});

test('drops noise and passes non-JSON through untouched', () => {
  expect(renderEvent(line({ type: 'item.started', item: { type: 'command_execution' } }))).toBeNull();
  expect(renderEvent(line({ type: 'item.updated', item: { type: 'todo_list' } }))).toBeNull();
  expect(renderEvent('Reading additional input from stdin...')).toBe('Reading additional input from stdin...');
  expect(renderEvent('{broken json')).toBe('{broken json');
});

test('renderEventStream buffers partial lines', async () => {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (d) => (text += d));
  const done = renderEventStream(input, output);
  const started = line({ type: 'thread.started', thread_id: 't1' });
  input.write(started.slice(0, 10));
  input.write(`${started.slice(10)}\n${line({ type: 'item.started' })}\nplain te`);
  input.end('xt');
  await done;
  expect(text).toBe('thread t1\nplain text\n');
});
