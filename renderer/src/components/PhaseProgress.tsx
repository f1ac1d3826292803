// The run's phases as a row of steps: done, in progress, interrupted or skipped, with their durations.
import { formatDuration, elapsedSeconds } from '../model/format';
import { PHASE_LABELS, type PhaseProgress as Phase } from '../model/phases';

const STATE_TEXT: Record<Phase['state'], string> = {
  pending: 'not started',
  active: 'in progress',
  done: 'done',
  interrupted: 'interrupted',
  skipped: 'skipped',
};

export function PhaseProgress({ phases, now }: { phases: Phase[]; now: number }) {
  return (
    <ol className="phases" aria-label="Phases">
      {phases.map((p) => {
        const secs = p.state === 'active' ? elapsedSeconds(p.startedAt, null, now) : p.seconds;
        const outcome = p.phase === 'decision' && p.outcome ? p.outcome : null;
        return (
          <li
            key={p.phase}
            className={`phase phase-${p.state}${outcome ? ` outcome-${outcome}` : ''}`}
            aria-current={p.state === 'active' ? 'step' : undefined}
          >
            <span className="phase-dot" aria-hidden="true" />
            <span className="phase-name">{PHASE_LABELS[p.phase]}</span>
            <span className="phase-meta">
              {outcome ?? STATE_TEXT[p.state]}
              {secs !== null && p.phase !== 'decision' ? ` · ${formatDuration(secs)}` : ''}
            </span>
          </li>
        );
      })}
    </ol>
  );
}
