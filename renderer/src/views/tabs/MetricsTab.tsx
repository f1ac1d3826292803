// Metrics as pictures: tokens by worker and by phase, a timeline of workers across phases, the reduction.
import { useMemo } from 'react';
import { ReductionBars } from '../../components/charts/ReductionBars';
import { StackedBars, type BarSeries } from '../../components/charts/StackedBars';
import { WorkerTimeline } from '../../components/charts/WorkerTimeline';
import { useNow } from '../../components/useNow';
import { formatDuration, formatTokens } from '../../model/format';
import { deriveReduction } from '../../model/reduction';
import { deriveTimeline } from '../../model/timeline';
import { tokensByPhase, tokensByWorker, type TokenRow } from '../../model/tokens';
import { useRun } from '../../stores/context';

const SERIES: BarSeries[] = [
  { name: 'input (not cached)', className: 'tok-input' },
  { name: 'cached input', className: 'tok-cached' },
  { name: 'output', className: 'tok-output' },
];

const toRows = (rows: TokenRow[]) => rows.map((r) => ({ label: r.key, values: [r.uncached, r.cached, r.output] }));

export function MetricsTab() {
  const telemetry = useRun((s) => s.artifacts.telemetry);
  const events = useRun((s) => s.events);
  const decision = useRun((s) => s.artifacts.decision);
  const selected = useRun((s) => s.artifacts.selected_candidate);
  const running = useRun((s) => s.status?.run_state === 'running');
  const now = useNow(running, 2000);
  const byWorker = useMemo(() => toRows(tokensByWorker(telemetry)), [telemetry]);
  const byPhase = useMemo(() => toRows(tokensByPhase(telemetry)), [telemetry]);
  const timeline = useMemo(() => deriveTimeline(events, now), [events, now]);
  const reduction = useMemo(() => deriveReduction(decision, events, selected), [decision, events, selected]);
  const timing = decision?.metrics?.timing_sec;
  const total = decision?.metrics?.tokens?.total;

  return (
    <div className="metrics">
      {total ? (
        <dl className="counts panel">
          <div>
            <dt>tokens in</dt>
            <dd>{formatTokens(total.input_tokens)}</dd>
          </div>
          <div>
            <dt>cached</dt>
            <dd>{formatTokens(total.cached_input_tokens)}</dd>
          </div>
          <div>
            <dt>tokens out</dt>
            <dd>{formatTokens(total.output_tokens)}</dd>
          </div>
          {timing?.total !== undefined ? (
            <div>
              <dt>wall time</dt>
              <dd>{formatDuration(timing.total)}</dd>
            </div>
          ) : null}
          <div>
            <dt>models</dt>
            <dd className="small">
              {decision?.metrics.model_routing.worker_model} / {decision?.metrics.model_routing.manager_model}
            </dd>
          </div>
        </dl>
      ) : null}
      <div className="chart-grid">
        <section className="panel">
          <StackedBars
            title="Tokens by worker"
            series={SERIES}
            rows={byWorker}
            format={formatTokens}
            empty="No token usage recorded yet."
          />
        </section>
        <section className="panel">
          <StackedBars
            title="Tokens by phase"
            series={SERIES}
            rows={byPhase}
            format={formatTokens}
            empty="No token usage recorded yet."
          />
        </section>
      </div>
      <section className="panel">
        <WorkerTimeline timeline={timeline} />
      </section>
      <section className="panel">
        <ReductionBars data={reduction} />
      </section>
    </div>
  );
}
