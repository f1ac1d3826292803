// Which parts of a run's view an event makes stale: what common/events.ts declares for its type.
import { EVENT_EFFECTS } from '../../../common/events';
import type { ArtifactName, RunEvent } from '../api/types';

export interface RefreshPlan {
  status: boolean;
  artifacts: ArtifactName[];
  runsList: boolean;
}

/** Every artifact a run view reads. */
export const ALL_ARTIFACTS: ArtifactName[] = [...(EVENT_EFFECTS.run_finished.artifacts ?? [])];

export function refreshFor(e: RunEvent): RefreshPlan {
  const effect = EVENT_EFFECTS[e.type];
  return { status: !!effect.status, artifacts: [...(effect.artifacts ?? [])], runsList: !!effect.runsList };
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
