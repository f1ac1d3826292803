import { describe, expect, it } from 'vitest';
import { ev } from '../../../testkit/events';
import { currentPhase, derivePhases } from './phases';

describe('derivePhases', () => {
  it('marks started phases active and finished ones done with their seconds', () => {
    const phases = derivePhases([
      ev('phase_started', { phase: 'preflight' }),
      ev('phase_finished', { phase: 'preflight', seconds: 1.5 }),
      ev('phase_started', { phase: 'issue' }),
    ]);
    expect(phases.map((p) => p.state)).toEqual([
      'done',
      'active',
      'pending',
      'pending',
      'pending',
      'pending',
      'pending',
      'pending',
    ]);
    expect(phases[0]!.seconds).toBe(1.5);
    expect(currentPhase(phases)?.phase).toBe('issue');
  });

  it('skips phases a finished run never reached and interrupts the one in progress', () => {
    const phases = derivePhases([
      ev('phase_started', { phase: 'preflight' }),
      ev('phase_finished', { phase: 'preflight', seconds: 1 }),
      ev('phase_started', { phase: 'issue' }),
      ev('run_finished', { status: 'stopped' }),
    ]);
    const by = Object.fromEntries(phases.map((p) => [p.phase, p]));
    expect(by.issue!.state).toBe('interrupted');
    expect(by.repro!.state).toBe('skipped');
    expect(by.decision).toMatchObject({ state: 'done', outcome: 'stopped' });
    expect(currentPhase(phases)).toBeNull();
  });

  it('shows the decision as in progress between triage and the end, and ignores unknown phases', () => {
    const phases = derivePhases([
      ev('phase_started', { phase: 'bogus' }),
      ev('phase_started', { phase: 'triage' }),
      ev('phase_finished', { phase: 'triage', seconds: 3 }),
    ]);
    expect(phases.find((p) => p.phase === 'decision')!.state).toBe('active');
    expect(phases).toHaveLength(8);
  });
});

describe('the fix phase', () => {
  it('shows the fix phase in progress after triage, and the decision only once it is done', () => {
    const during = derivePhases([
      ev('phase_started', { phase: 'triage' }),
      ev('phase_finished', { phase: 'triage', seconds: 3 }),
      ev('phase_started', { phase: 'fix' }),
    ]);
    expect(currentPhase(during)?.phase).toBe('fix');
    expect(during.find((p) => p.phase === 'decision')!.state).toBe('pending');
    const after = derivePhases([ev('phase_started', { phase: 'fix' }), ev('phase_finished', { phase: 'fix', seconds: 9 })]);
    expect(after.find((p) => p.phase === 'fix')).toMatchObject({ state: 'done', seconds: 9 });
    expect(currentPhase(after)?.phase).toBe('decision');
  });
});
