import { describe, expect, it } from 'vitest';
import { parseInvocation, tokensByPhase, tokensByWorker, workerUsage } from './tokens';

const inv = (invocation: string, input: number, cached: number, output: number) => ({
  invocation,
  usage: { input_tokens: input, cached_input_tokens: cached, output_tokens: output, turns: 1 },
  thread_id: null,
  commands_run: 0,
  last_event_at: null,
  errors: [],
});

describe('tokens', () => {
  it('maps invocations to workers and phases (restarts count for the same worker)', () => {
    expect(parseInvocation('repro-w1')).toEqual({ worker: 'w1', phase: 'repro' });
    expect(parseInvocation('repro-w1-r2')).toEqual({ worker: 'w1', phase: 'repro' });
    expect(parseInvocation('triage-w12')).toEqual({ worker: 'w12', phase: 'triage' });
    expect(parseInvocation('fix-w5-r2')).toEqual({ worker: 'w5', phase: 'fix' });
    expect(parseInvocation('reducer')).toEqual({ worker: 'manager', phase: 'minimize' });
    expect(parseInvocation('odd')).toEqual({ worker: 'odd', phase: 'other' });
  });

  it('splits input into cached and not cached, and orders rows', () => {
    const t = {
      invocations: [
        inv('triage-w10', 10, 0, 1),
        inv('repro-w2', 100, 40, 5),
        inv('repro-w2-r2', 50, 10, 5),
        inv('reducer', 7, 9, 1),
      ],
    };
    const rows = tokensByWorker(t);
    expect(rows.map((r) => r.key)).toEqual(['manager', 'w2', 'w10']);
    expect(rows[1]).toMatchObject({ uncached: 100, cached: 50, output: 10, total: 160, turns: 2 });
    // cached can never exceed input
    expect(rows[0]).toMatchObject({ uncached: 0, cached: 7 });
    expect(tokensByPhase(t).map((r) => r.key)).toEqual(['repro', 'minimize', 'triage']);
    expect(workerUsage(t, 'w3')).toBeNull();
    expect(tokensByWorker(null)).toEqual([]);
  });
});
