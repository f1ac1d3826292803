// Overview: the phase progress, the decision (when there is one), worker counts, and the live event log.
import { useMemo } from 'react';
import { EventLog } from '../../components/EventLog';
import { PhaseProgress } from '../../components/PhaseProgress';
import { StateBadge } from '../../components/StateBadge';
import { useNow } from '../../components/useNow';
import { derivePhases } from '../../model/phases';
import { useRun } from '../../stores/context';

const STREAM_TEXT = {
  idle: 'not connected',
  connecting: 'connecting…',
  open: 'live',
  reconnecting: 'reconnecting…',
  closed: 'closed',
} as const;

export function OverviewTab() {
  const events = useRun((s) => s.events);
  const status = useRun((s) => s.status);
  const decision = useRun((s) => s.artifacts.decision);
  const issue = useRun((s) => s.artifacts.issue);
  const stream = useRun((s) => s.stream);
  const streamDetail = useRun((s) => s.streamDetail);
  const phases = useMemo(() => derivePhases(events), [events]);
  const running = status?.run_state === 'running';
  const now = useNow(running);
  const summary = status?.summary;

  return (
    <div className="overview">
      <section className="panel" aria-labelledby="progress-title">
        <div className="panel-head">
          <h2 id="progress-title">Progress</h2>
          <span className={`stream stream-${stream}`} title={streamDetail ?? undefined}>
            <span className="stream-dot" aria-hidden="true" /> events: {STREAM_TEXT[stream]}
          </span>
        </div>
        <PhaseProgress phases={phases} now={now} />
      </section>

      <div className="overview-grid">
        <section className="panel" aria-labelledby="decision-title">
          <h2 id="decision-title">Decision</h2>
          {decision ? (
            <>
              <p>
                <StateBadge state={decision.status} />
              </p>
              <p>{decision.rationale}</p>
              {decision.next_fix_targets.length ? (
                <>
                  <h3>Where to fix</h3>
                  <ul className="mono small">
                    {decision.next_fix_targets.map((t) => (
                      <li key={t}>{t}</li>
                    ))}
                  </ul>
                </>
              ) : null}
            </>
          ) : (
            <p className="muted">
              {running ? 'The run is still going; the decision comes at the end.' : 'No decision was recorded.'}
            </p>
          )}
        </section>

        <section className="panel" aria-labelledby="workers-summary-title">
          <h2 id="workers-summary-title">Workers</h2>
          {summary ? (
            <dl className="counts">
              <div>
                <dt>total</dt>
                <dd>{summary.total}</dd>
              </div>
              <div>
                <dt>active</dt>
                <dd>{summary.active}</dd>
              </div>
              <div>
                <dt>finished</dt>
                <dd>{summary.finished}</dd>
              </div>
              <div>
                <dt>failed</dt>
                <dd>{summary.failed}</dd>
              </div>
              <div>
                <dt>timed out</dt>
                <dd>{summary.timeout}</dd>
              </div>
              {summary.stopped ? (
                <div>
                  <dt>stopped</dt>
                  <dd>{summary.stopped}</dd>
                </div>
              ) : null}
            </dl>
          ) : (
            <p className="muted">Loading…</p>
          )}
          {issue ? (
            <>
              <h3>Expected failure</h3>
              <p className="mono small">{issue.expected_failure_signals.slice(0, 4).join(' · ') || '—'}</p>
            </>
          ) : null}
        </section>
      </div>

      <section className="panel" aria-labelledby="events-title">
        <h2 id="events-title">Events</h2>
        <EventLog events={events} />
      </section>
    </div>
  );
}
