// How much minimization removed: original → after the LLM reducer → final (ddmin), as SVG bars of line counts.
import { useWidth } from './useWidth';

export interface ReductionData {
  original: number;
  afterLlm: number;
  final: number;
  llmAccepted: boolean | null;
}

const LABEL_W = 120;
const VALUE_W = 80;
const ROW_H = 30;
const MAX_W = 820;

export function ReductionBars({ data }: { data: ReductionData | null }) {
  const [ref, measured] = useWidth<HTMLElement>();
  const WIDTH = Math.min(MAX_W, measured);
  if (!data) {
    return (
      <figure className="chart" ref={ref}>
        <figcaption>Reduction of the reproducer (lines)</figcaption>
        <p className="muted">No minimization yet.</p>
      </figure>
    );
  }
  const rows = [
    { label: 'original', value: data.original, cls: 'red-original' },
    { label: data.llmAccepted === false ? 'after LLM (kept)' : 'after LLM', value: data.afterLlm, cls: 'red-llm' },
    { label: 'final (ddmin)', value: data.final, cls: 'red-final' },
  ];
  const max = Math.max(1, data.original, data.afterLlm, data.final);
  const barW = Math.max(40, WIDTH - LABEL_W - VALUE_W);
  const removed = data.original > 0 ? Math.round((1 - data.final / data.original) * 100) : 0;
  return (
    <figure className="chart" ref={ref}>
      <figcaption>
        Reduction of the reproducer (lines): {data.original} → {data.final}, {removed}% removed
      </figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} ${rows.length * ROW_H + 8}`}
        width={WIDTH}
        height={rows.length * ROW_H + 8}
        role="img"
        aria-label={`Reduction from ${data.original} to ${data.final} lines`}
      >
        {rows.map((r, i) => {
          const y = i * ROW_H + 4;
          return (
            <g key={r.label}>
              <text x={LABEL_W - 8} y={y + ROW_H / 2} className="chart-label" textAnchor="end" dominantBaseline="middle">
                {r.label}
              </text>
              <rect
                x={LABEL_W}
                y={y + 4}
                width={Math.max(2, (r.value / max) * barW)}
                height={ROW_H - 10}
                rx="3"
                className={r.cls}
              />
              <text x={WIDTH - VALUE_W + 8} y={y + ROW_H / 2} className="chart-value" dominantBaseline="middle">
                {r.value} lines
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
