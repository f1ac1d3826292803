// Which parts of a run's view an event makes stale: the status, artifacts, the runs list.
import type { ArtifactName, RunEvent } from '../api/types';

export interface RefreshPlan {
  status: boolean;
  artifacts: ArtifactName[];
  runsList: boolean;
}

export const ALL_ARTIFACTS: ArtifactName[] = [
  'issue',
  'candidates',
  'selected_candidate',
  'minimal_repro',
  'hypotheses',
  'decision',
  'run_done',
  'final',
  'telemetry',
];

export function refreshFor(e: RunEvent): RefreshPlan {
  const plan: RefreshPlan = { status: false, artifacts: [], runsList: false };
  switch (e.type) {
    case 'run_started':
      return { status: true, artifacts: [], runsList: true };
    case 'phase_started':
      return { status: true, artifacts: [], runsList: false };
    case 'phase_finished':
      plan.status = true;
      if (e.phase === 'issue') {
        plan.artifacts.push('issue');
        plan.runsList = true;
      } else if (e.phase === 'repro') plan.artifacts.push('telemetry');
      else if (e.phase === 'validation') plan.artifacts.push('candidates', 'selected_candidate');
      else if (e.phase === 'minimize') plan.artifacts.push('minimal_repro', 'telemetry');
      else if (e.phase === 'triage') plan.artifacts.push('hypotheses', 'telemetry');
      return plan;
    case 'worker_status':
      plan.status = true;
      if (e.status !== 'running' && e.status !== 'pending') plan.artifacts.push('telemetry');
      return plan;
    case 'worker_stalled':
      return { status: true, artifacts: [], runsList: false };
    case 'candidate_rejected':
    case 'candidate_validated':
    case 'candidate_chosen':
      return { status: false, artifacts: ['candidates', 'selected_candidate'], runsList: false };
    case 'reduction_step':
      return { status: false, artifacts: ['minimal_repro'], runsList: false };
    case 'hypothesis_ranked':
    case 'hypotheses_rejected':
      return { status: false, artifacts: ['hypotheses'], runsList: false };
    case 'run_finished':
      return { status: true, artifacts: ALL_ARTIFACTS, runsList: true };
    default:
      return plan;
  }
}

/** The union of the plans of several events. */
export function mergePlans(events: readonly RunEvent[]): RefreshPlan {
  const out: RefreshPlan = { status: false, artifacts: [], runsList: false };
  const names = new Set<ArtifactName>();
  for (const e of events) {
    const p = refreshFor(e);
    out.status ||= p.status;
    out.runsList ||= p.runsList;
    for (const a of p.artifacts) names.add(a);
  }
  out.artifacts = [...names];
  return out;
}
