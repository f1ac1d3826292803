// A timeline of the run from its events: phase bands and, per worker, when it ran and how each attempt ended.
import type { RunEvent } from '../api/types';

export interface Segment {
  start: number;
  end: number;
  /** running (still open), finished, failed, timeout, stopped */
  status: string;
}

export interface WorkerLane {
  worker: string;
  role: string | null;
  phase: string | null;
  segments: Segment[];
  stalls: number[];
}

export interface PhaseBand {
  phase: string;
  start: number;
  end: number;
  open: boolean;
}

export interface Timeline {
  start: number;
  end: number;
  phases: PhaseBand[];
  workers: WorkerLane[];
}

const ms = (iso: string) => {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
};

export function deriveTimeline(events: readonly RunEvent[], now: number): Timeline | null {
  const times = events.map((e) => ms(e.ts)).filter((t): t is number => t !== null);
  if (times.length === 0) return null;
  const start = Math.min(...times);
  const finished = events.find((e) => e.type === 'run_finished');
  const end = finished ? (ms(finished.ts) ?? Math.max(...times)) : Math.max(now, ...times);

  const phases: PhaseBand[] = [];
  const openPhases = new Map<string, number>();
  const lanes = new Map<string, WorkerLane>();
  const openRuns = new Map<string, number>();

  for (const e of events) {
    const t = ms(e.ts);
    if (t === null) continue;
    if (e.type === 'phase_started' && typeof e.phase === 'string') openPhases.set(e.phase, t);
    else if (e.type === 'phase_finished' && typeof e.phase === 'string') {
      const s = openPhases.get(e.phase) ?? t;
      openPhases.delete(e.phase);
      phases.push({ phase: e.phase, start: s, end: Math.max(t, s), open: false });
    } else if ((e.type === 'worker_status' || e.type === 'worker_stalled') && typeof e.worker === 'string') {
      let lane = lanes.get(e.worker);
      if (!lane) {
        lane = { worker: e.worker, role: null, phase: null, segments: [], stalls: [] };
        lanes.set(e.worker, lane);
      }
      if (e.type === 'worker_stalled') {
        lane.stalls.push(t);
        continue;
      }
      if (typeof e.role === 'string') lane.role = e.role;
      if (typeof e.phase === 'string') lane.phase = e.phase;
      const status = typeof e.status === 'string' ? e.status : 'unknown';
      if (status === 'running') {
        if (!openRuns.has(e.worker)) openRuns.set(e.worker, t);
      } else if (status !== 'pending') {
        const s = openRuns.get(e.worker) ?? t;
        openRuns.delete(e.worker);
        lane.segments.push({ start: s, end: Math.max(t, s), status });
      }
    }
  }
  for (const [phase, s] of openPhases) phases.push({ phase, start: s, end, open: true });
  for (const [worker, s] of openRuns)
    lanes.get(worker)!.segments.push({ start: s, end, status: finished ? 'stopped' : 'running' });
  phases.sort((a, b) => a.start - b.start);
  const workers = [...lanes.values()].sort((a, b) => workerOrder(a.worker) - workerOrder(b.worker));
  return { start, end: Math.max(end, start + 1), phases, workers };
}

function workerOrder(id: string): number {
  const m = /^w(\d+)$/.exec(id);
  return m ? Number(m[1]) : 1000;
}
