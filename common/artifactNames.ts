// The names of a run's artifacts (what the API serves and events announce): a module of its own, imported by artifacts.ts and events.ts.

/** Artifacts the API serves (GET /api/runs/<id>/artifacts/<name>) and events announce (common/events.ts). */
export const ARTIFACT_NAMES = [
  'issue',
  'sessions',
  'candidates',
  'minimal_repro',
  'selected_candidate',
  'hypotheses',
  'fixes',
  'decision',
  'run_done',
  'final',
  'telemetry',
] as const;
export type ArtifactName = (typeof ARTIFACT_NAMES)[number];
