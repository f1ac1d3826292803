// Run events for tests: complete events of each type (common/events.ts), with the fields a test cares about set.
import type { EventData, RunEvent, RunEventType } from '../common/events';

const DEFAULTS: { [T in RunEventType]: EventData<T> } = {
  run_started: { run_id: 'run-1', repo_path: '/repo', workers: 2 },
  sandbox: { kind: 'bwrap', mode: 'auto', summary: 'bubblewrap' },
  phase_started: { phase: 'preflight' },
  phase_finished: { phase: 'preflight', seconds: 1 },
  issue_read: { title: 'an issue' },
  worker_status: { worker: 'w1', role: 'REPRO_BUILDER', phase: 'repro', status: 'running', detail: null, invocation: 'repro-w1' },
  worker_stalled: { worker: 'w1', action: 'nudge', idle_sec: 120 },
  followup: { worker: 'w1', text: 'look again', delivered: 'followup' },
  candidate_rejected: { worker: 'w1', reason: 'not JSON' },
  candidate_validated: { worker: 'w1', candidate_id: 'c1', matches: 2, total_runs: 2, passed: true },
  candidate_chosen: { worker: 'w1', candidate_id: 'c1', score: 0.9 },
  reduction_step: { step: 'llm', status: 'started' },
  repro_minimized: { path: '/runs/run-1/repro/minimal_repro.py', lines: 2 },
  hypotheses_rejected: { worker: 'w3', reason: 'not JSON' },
  hypothesis_ranked: { rank: 1, worker: 'w3', hypothesis_id: 'h1', score: 0.8, score_parts: {} },
  fix_proposed: { worker: 'w5', fix_id: 'f1', hypothesis_id: 'h1', files: 1 },
  fix_verified: { worker: 'w5', fix_id: 'f1', verdict: 'verified', reason: 'the repro passes' },
  run_finished: { status: 'ok', rationale: 'why' },
  event_skipped: { bytes: 5_000_000, reason: 'too large' },
};

/** A complete event of `type` with `data` over its defaults. */
export function ev<T extends RunEventType>(
  type: T,
  data: Partial<EventData<T>> = {},
  ts = '2025-01-01T00:00:00.000Z',
): Extract<RunEvent, { type: T }> {
  return { ts, type, ...DEFAULTS[type], ...data } as unknown as Extract<RunEvent, { type: T }>;
}
