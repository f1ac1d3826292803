import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../common/events';

/** Events as a run might have written them, loosely (these derivations tolerate missing fields). */
const loose = (xs: object[]) => xs as RunEvent[];
import { deriveTimeline } from './timeline';

const t = (s: number) => new Date(Date.UTC(2025, 0, 1) + s * 1000).toISOString();

describe('deriveTimeline', () => {
  it('builds phase bands and worker segments, closing open ones at the run end', () => {
    const tl = deriveTimeline(
      loose([
        { ts: t(0), type: 'phase_started', phase: 'repro' },
        { ts: t(1), type: 'worker_status', worker: 'w2', role: 'REPRO_BUILDER', phase: 'repro', status: 'running' },
        { ts: t(1), type: 'worker_status', worker: 'w1', role: 'REPRO_BUILDER', phase: 'repro', status: 'running' },
        { ts: t(5), type: 'worker_stalled', worker: 'w2', action: 'nudge', idle_sec: 4 },
        { ts: t(9), type: 'worker_status', worker: 'w1', status: 'finished' },
        { ts: t(10), type: 'phase_finished', phase: 'repro', seconds: 10 },
        { ts: t(12), type: 'run_finished', status: 'stopped' },
      ]),
      Date.UTC(2030, 0, 1),
    )!;
    expect(tl.end - tl.start).toBe(12_000);
    expect(tl.phases).toEqual([{ phase: 'repro', start: tl.start, end: tl.start + 10_000, open: false }]);
    expect(tl.workers.map((w) => w.worker)).toEqual(['w1', 'w2']);
    expect(tl.workers[0]!.segments).toEqual([{ start: tl.start + 1000, end: tl.start + 9000, status: 'finished' }]);
    // w2 never finished: its segment ends with the run, as stopped
    expect(tl.workers[1]!.segments).toEqual([{ start: tl.start + 1000, end: tl.start + 12_000, status: 'stopped' }]);
    expect(tl.workers[1]!.stalls).toEqual([tl.start + 5000]);
  });

  it('extends a live run to now and has nothing without events', () => {
    expect(deriveTimeline([], 0)).toBeNull();
    const now = Date.UTC(2025, 0, 1) + 60_000;
    const tl = deriveTimeline([{ ts: t(0), type: 'phase_started', phase: 'preflight' }], now)!;
    expect(tl.end).toBe(now);
    expect(tl.phases[0]).toMatchObject({ phase: 'preflight', open: true, end: now });
  });
});
