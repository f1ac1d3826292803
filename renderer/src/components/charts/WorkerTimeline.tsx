// The run over time in SVG: phase bands on top, then one lane per worker with its attempts coloured by outcome.
import { formatDuration } from '../../model/format';
import type { Timeline } from '../../model/timeline';
import { niceStep, tickLabel, useWidth } from './useWidth';

const LABEL_W = 70;
const PAD_R = 16;
const PHASE_H = 26;
const LANE_H = 24;
const AXIS_H = 24;

function ticks(totalSec: number): number[] {
  const step = niceStep(totalSec);
  const out: number[] = [];
  for (let t = 0; t <= totalSec + 1e-9 && out.length < 50; t += step) out.push(t);
  return out;
}

export function WorkerTimeline({ timeline }: { timeline: Timeline | null }) {
  const [ref, WIDTH] = useWidth<HTMLElement>();
  if (!timeline) {
    return (
      <figure className="chart" ref={ref}>
        <figcaption>Timeline of workers across phases</figcaption>
        <p className="muted">No events yet.</p>
      </figure>
    );
  }
  const total = Math.max(1, (timeline.end - timeline.start) / 1000);
  const plotW = Math.max(40, WIDTH - LABEL_W - PAD_R);
  const x = (t: number) => LABEL_W + ((t - timeline.start) / 1000 / total) * plotW;
  const height = PHASE_H + timeline.workers.length * LANE_H + AXIS_H + 8;
  const axisY = PHASE_H + timeline.workers.length * LANE_H + 6;
  return (
    <figure className="chart" ref={ref}>
      <figcaption>Timeline of workers across phases</figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} ${height}`}
        width={WIDTH}
        height={height}
        role="img"
        aria-label="Timeline of workers across phases"
      >
        <text x={LABEL_W - 8} y={PHASE_H / 2} className="chart-label" textAnchor="end" dominantBaseline="middle">
          phases
        </text>
        {timeline.phases.map((p, i) => {
          const x0 = x(p.start);
          const w = Math.max(2, x(p.end) - x0);
          return (
            <g key={`${p.phase}-${i}`}>
              <rect
                x={x0}
                y={3}
                width={w}
                height={PHASE_H - 6}
                rx="3"
                className={`phase-band band-${p.phase}${p.open ? ' band-open' : ''}`}
              >
                <title>{`${p.phase}: ${formatDuration((p.end - p.start) / 1000)}${p.open ? ' (in progress)' : ''}`}</title>
              </rect>
              {w > p.phase.length * 6.6 + 10 ? (
                <text x={x0 + 5} y={PHASE_H / 2} className="band-label" dominantBaseline="middle">
                  {p.phase}
                </text>
              ) : null}
            </g>
          );
        })}
        {timeline.workers.map((lane, i) => {
          const y = PHASE_H + i * LANE_H;
          return (
            <g key={lane.worker}>
              <line x1={LABEL_W} x2={WIDTH - PAD_R} y1={y + LANE_H / 2} y2={y + LANE_H / 2} className="lane-line" />
              <text x={LABEL_W - 8} y={y + LANE_H / 2} className="chart-label" textAnchor="end" dominantBaseline="middle">
                {lane.worker}
              </text>
              {lane.segments.map((s, j) => (
                <rect
                  key={j}
                  x={x(s.start)}
                  y={y + 5}
                  width={Math.max(2, x(s.end) - x(s.start))}
                  height={LANE_H - 10}
                  rx="3"
                  className={`seg seg-${s.status}`}
                >
                  <title>{`${lane.worker} (${lane.phase ?? ''}) ${s.status}: ${formatDuration((s.end - s.start) / 1000)}`}</title>
                </rect>
              ))}
              {lane.stalls.map((t, j) => (
                <path key={`s${j}`} d={`M ${x(t)} ${y + 2} l 4 6 l -8 0 z`} className="stall-mark">
                  <title>{`${lane.worker} stalled`}</title>
                </path>
              ))}
            </g>
          );
        })}
        <line x1={LABEL_W} x2={WIDTH - PAD_R} y1={axisY} y2={axisY} className="axis" />
        {ticks(total).map((t) => {
          const tx = LABEL_W + (t / total) * plotW;
          return (
            <g key={t}>
              <line x1={tx} x2={tx} y1={axisY} y2={axisY + 4} className="axis" />
              <text x={tx} y={axisY + 14} className="chart-tick" textAnchor="middle">
                {tickLabel(t)}
              </text>
            </g>
          );
        })}
      </svg>
      <ul className="legend">
        <li>
          <span className="swatch seg-running" aria-hidden="true" /> running
        </li>
        <li>
          <span className="swatch seg-finished" aria-hidden="true" /> finished
        </li>
        <li>
          <span className="swatch seg-failed" aria-hidden="true" /> failed / timed out
        </li>
        <li>
          <span className="swatch seg-stopped" aria-hidden="true" /> stopped
        </li>
      </ul>
    </figure>
  );
}
