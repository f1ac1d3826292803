// Horizontal stacked bars in SVG (one row per item, one segment per series), with a legend and a data table for screen readers.
import { useWidth } from './useWidth';

export interface BarSeries {
  name: string;
  className: string;
}

export interface BarRow {
  label: string;
  values: number[];
}

export interface StackedBarsProps {
  title: string;
  series: BarSeries[];
  rows: BarRow[];
  format(n: number): string;
  empty: string;
}

const ROW_H = 28;
const LABEL_W = 84;
const VALUE_W = 60;

export function StackedBars({ title, series, rows, format, empty }: StackedBarsProps) {
  const [ref, WIDTH] = useWidth<HTMLElement>();
  const totals = rows.map((r) => r.values.reduce((a, b) => a + b, 0));
  const max = Math.max(1, ...totals);
  const barW = Math.max(40, WIDTH - LABEL_W - VALUE_W);
  const height = rows.length * ROW_H + 8;
  return (
    <figure className="chart" ref={ref}>
      <figcaption>{title}</figcaption>
      {rows.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <>
          <svg viewBox={`0 0 ${WIDTH} ${height}`} width={WIDTH} height={height} role="img" aria-label={title}>
            {rows.map((r, i) => {
              let x = LABEL_W;
              const y = i * ROW_H + 4;
              return (
                <g key={r.label}>
                  <text x={LABEL_W - 8} y={y + ROW_H / 2} className="chart-label" textAnchor="end" dominantBaseline="middle">
                    {r.label}
                  </text>
                  <rect x={LABEL_W} y={y + 3} width={barW} height={ROW_H - 8} className="chart-track" rx="3" />
                  {r.values.map((v, j) => {
                    const w = (v / max) * barW;
                    const seg = (
                      <rect key={j} x={x} y={y + 3} width={Math.max(0, w)} height={ROW_H - 8} className={series[j]?.className}>
                        <title>{`${r.label} — ${series[j]?.name}: ${format(v)}`}</title>
                      </rect>
                    );
                    x += w;
                    return seg;
                  })}
                  <text x={WIDTH - VALUE_W + 8} y={y + ROW_H / 2} className="chart-value" dominantBaseline="middle">
                    {format(totals[i]!)}
                  </text>
                </g>
              );
            })}
          </svg>
          <ul className="legend">
            {series.map((s) => (
              <li key={s.name}>
                <span className={`swatch ${s.className}`} aria-hidden="true" />
                {s.name}
              </li>
            ))}
          </ul>
          <table className="sr-only">
            <caption>{title}</caption>
            <thead>
              <tr>
                <th scope="col">Row</th>
                {series.map((s) => (
                  <th key={s.name} scope="col">
                    {s.name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.label}>
                  <th scope="row">{r.label}</th>
                  {r.values.map((v, j) => (
                    <td key={j}>{v}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </figure>
  );
}
