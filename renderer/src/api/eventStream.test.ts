import { describe, expect, it } from 'vitest';
import { parseSse, toRunEvent } from './eventStream';

describe('parseSse', () => {
  it('parses complete messages and keeps the partial tail', () => {
    const { messages, rest } = parseSse(
      ': heartbeat\n\nid: 42\nevent: run-event\ndata: {"ts":"t","type":"a"}\n\nid: 80\nevent: run-ev',
    );
    expect(messages).toEqual([{ id: '42', event: 'run-event', data: '{"ts":"t","type":"a"}' }]);
    expect(rest).toBe('id: 80\nevent: run-ev');
    const next = parseSse(`${rest}ent\r\ndata: {"ts":"t",\r\ndata: "type":"b"}\r\n\r\n`);
    expect(next.messages).toEqual([{ id: '80', event: 'run-event', data: '{"ts":"t",\n"type":"b"}' }]);
    expect(next.rest).toBe('');
  });

  it('turns run-event messages into events with their offsets', () => {
    expect(toRunEvent({ id: '42', event: 'run-event', data: '{"ts":"t","type":"phase_started","phase":"repro"}' })).toEqual({
      offset: 42,
      event: { ts: 't', type: 'phase_started', phase: 'repro' },
    });
    // A type or shape this dashboard does not know (a newer manager) is skipped.
    expect(toRunEvent({ id: '43', event: 'run-event', data: '{"ts":"t","type":"something_new","x":1}' })).toBeNull();
    expect(toRunEvent({ id: '44', event: 'run-event', data: '{"ts":"t","type":"phase_started"}' })).toBeNull();
    expect(toRunEvent({ id: null, event: 'message', data: '{}' })).toBeNull();
    expect(toRunEvent({ id: '1', event: 'run-event', data: 'not json' })).toBeNull();
    expect(toRunEvent({ id: '1', event: 'run-event', data: '{"ts":"t"}' })).toBeNull();
  });
});
