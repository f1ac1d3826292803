import { describe, expect, it } from 'vitest';
import { ev } from '../../../testkit/events';
import { ALL_ARTIFACTS, mergePlans, refreshFor } from './refreshPlan';

const e = ev;

describe('refreshFor', () => {
  it('refetches the status on worker changes and telemetry when a worker ends', () => {
    expect(refreshFor(e('worker_status', { status: 'running' }))).toEqual({
      status: true,
      artifacts: ['telemetry'],
      runsList: false,
    });
    expect(refreshFor(e('worker_stalled'))).toEqual({ status: true, artifacts: [], runsList: false });
  });

  it('names the artifacts each step writes', () => {
    expect(refreshFor(e('candidate_validated')).artifacts).toContain('candidates');
    // The chosen candidate shows as soon as it is chosen; the minimal repro and the reduction when written.
    expect(refreshFor(e('candidate_chosen')).artifacts).toEqual(['candidates', 'selected_candidate']);
    expect(refreshFor(e('repro_minimized')).artifacts).toEqual(['minimal_repro', 'selected_candidate', 'telemetry']);
    expect(refreshFor(e('hypothesis_ranked')).artifacts).toEqual(['hypotheses']);
    expect(refreshFor(e('issue_read'))).toMatchObject({ artifacts: ['issue'], runsList: true });
    expect(refreshFor(e('run_finished'))).toEqual({ status: true, artifacts: ALL_ARTIFACTS, runsList: true });
    expect(ALL_ARTIFACTS).toContain('fixes');
  });

  it('merges a batch without duplicates', () => {
    const p = mergePlans([e('candidate_validated'), e('candidate_chosen'), e('worker_status', { status: 'failed' })]);
    expect(p.status).toBe(true);
    expect(p.artifacts.sort()).toEqual(['candidates', 'selected_candidate', 'telemetry']);
  });
});
