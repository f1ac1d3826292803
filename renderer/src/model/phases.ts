// The run's phase progress (preflight → issue → repro → validation → minimize → triage → fix → decision) from its events.
import type { RunEvent } from '../api/types';

export const PHASES = ['preflight', 'issue', 'repro', 'validation', 'minimize', 'triage', 'fix', 'decision'] as const;
export type PhaseName = (typeof PHASES)[number];

export type PhaseState = 'pending' | 'active' | 'done' | 'interrupted' | 'skipped';

export interface PhaseProgress {
  phase: PhaseName;
  state: PhaseState;
  startedAt: string | null;
  seconds: number | null;
  /** Only for the decision step: ok / needs-human / stopped / failed. */
  outcome: string | null;
}

export const PHASE_LABELS: Record<PhaseName, string> = {
  preflight: 'Preflight',
  issue: 'Issue',
  repro: 'Repro',
  validation: 'Validation',
  minimize: 'Minimize',
  triage: 'Triage',
  fix: 'Fix',
  decision: 'Decision',
};

function isPhase(p: unknown): p is PhaseName {
  return typeof p === 'string' && (PHASES as readonly string[]).includes(p);
}

export function derivePhases(events: readonly RunEvent[]): PhaseProgress[] {
  const byName = new Map<PhaseName, PhaseProgress>(
    PHASES.map((phase) => [phase, { phase, state: 'pending', startedAt: null, seconds: null, outcome: null }]),
  );
  let finished: RunEvent | null = null;
  for (const e of events) {
    if (e.type === 'phase_started' && isPhase(e.phase)) {
      const p = byName.get(e.phase)!;
      p.state = 'active';
      p.startedAt = e.ts;
      p.seconds = null;
    } else if (e.type === 'phase_finished' && isPhase(e.phase)) {
      const p = byName.get(e.phase)!;
      p.state = 'done';
      p.seconds = typeof e.seconds === 'number' ? e.seconds : null;
      p.startedAt ??= e.ts;
    } else if (e.type === 'run_finished') {
      finished = e;
    }
  }
  const decision = byName.get('decision')!;
  if (finished) {
    decision.state = 'done';
    decision.startedAt = finished.ts;
    decision.outcome = typeof finished.status === 'string' ? finished.status : null;
    const ok = decision.outcome === 'ok';
    for (const p of byName.values()) {
      if (p.phase === 'decision') continue;
      if (p.state === 'active') p.state = ok ? 'done' : 'interrupted';
      else if (p.state === 'pending') p.state = 'skipped';
    }
  } else {
    // After triage comes the fix phase (when it runs), then the decision.
    const fix = byName.get('fix')!.state;
    if (fix === 'done' || (fix === 'pending' && byName.get('triage')!.state === 'done')) decision.state = 'active';
  }
  return PHASES.map((p) => byName.get(p)!);
}

/** The phase in progress now (the last active one), or null. */
export function currentPhase(phases: readonly PhaseProgress[]): PhaseProgress | null {
  return [...phases].reverse().find((p) => p.state === 'active') ?? null;
}
