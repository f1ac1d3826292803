import { describe, expect, it } from 'vitest';
import { ALL_ARTIFACTS, mergePlans, refreshFor } from './refreshPlan';

const e = (type: string, extra: Record<string, unknown> = {}) => ({ ts: '2025-01-01T00:00:00Z', type, ...extra });

describe('refreshFor', () => {
  it('refetches the status on worker changes and telemetry when a worker ends', () => {
    expect(refreshFor(e('worker_status', { status: 'running' }))).toEqual({ status: true, artifacts: [], runsList: false });
    expect(refreshFor(e('worker_status', { status: 'finished' })).artifacts).toEqual(['telemetry']);
  });

  it('names the artifacts each step writes', () => {
    expect(refreshFor(e('candidate_validated')).artifacts).toContain('candidates');
    expect(refreshFor(e('reduction_step')).artifacts).toEqual(['minimal_repro']);
    expect(refreshFor(e('hypothesis_ranked')).artifacts).toEqual(['hypotheses']);
    expect(refreshFor(e('phase_finished', { phase: 'issue' }))).toMatchObject({ artifacts: ['issue'], runsList: true });
    expect(refreshFor(e('run_finished'))).toEqual({ status: true, artifacts: ALL_ARTIFACTS, runsList: true });
    expect(refreshFor(e('something_new'))).toEqual({ status: false, artifacts: [], runsList: false });
  });

  it('merges a batch without duplicates', () => {
    const p = mergePlans([e('candidate_validated'), e('candidate_chosen'), e('worker_status', { status: 'failed' })]);
    expect(p.status).toBe(true);
    expect(p.artifacts.sort()).toEqual(['candidates', 'selected_candidate', 'telemetry']);
  });
});
