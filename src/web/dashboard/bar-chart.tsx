/** @jsxImportSource hono/jsx */

export interface ChartSeries {
  /** The CSS class of its legend swatch (`c-saved`) and its bar colour. */
  key: string;
  name: string;
  colour: string;
  values: number[];
}

interface BarChartProps {
  id: string;
  title: string;
  /** The category of each column (a day), as the axis and the table's first column say it. */
  labels: string[];
  /** The heading of the table's first column. */
  labelHeading: string;
  series: ChartSeries[];
  format?: (n: number) => string;
}

const W = 480;
const H = 200;
const LEFT = 44;
const BOTTOM = 22;
const TOP = 8;

/** The smallest 1, 2 or 5 times a power of ten at or above `n` (an axis top that reads well). */
export function niceCeiling(n: number): number {
  if (n <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(n));
  for (const step of [1, 2, 5, 10]) if (step * power >= n) return step * power;
  return 10 * power;
}

/**
 * A grouped bar chart drawn on the server as inline SVG (no script, no outside asset, nothing the CSP refuses),
 * with the same numbers in a table for screen readers: the picture is hidden from them, the table is hidden
 * from sight. Each bar's <title> shows its number on hover.
 *
 * @example <BarChart id="articles" title="Articles per day" labels={days} labelHeading="Day" series={[saved, failed]} />
 */
export function BarChart({ id, title, labels, labelHeading, series, format = String }: BarChartProps) {
  const top = niceCeiling(Math.max(0, ...series.flatMap((s) => s.values)));
  const plotW = W - LEFT;
  const plotH = H - BOTTOM - TOP;
  const group = plotW / Math.max(1, labels.length);
  const bar = (group * 0.8) / Math.max(1, series.length);
  const y = (v: number) => TOP + plotH - (v / top) * plotH;
  return (
    <figure class="chart" id={`chart-${id}`} aria-labelledby={`chart-${id}-title`}>
      <figcaption><h2 id={`chart-${id}-title`}>{title}</h2></figcaption>
      <ul class="legend" aria-hidden="true">
        {series.map((s) => <li><span class={`swatch ${s.key}`}></span>{s.name}</li>)}
      </ul>
      <svg viewBox={`0 0 ${W} ${H}`} aria-hidden="true" focusable="false" xmlns="http://www.w3.org/2000/svg">
        {[0, top / 2, top].map((v) => (
          <g>
            <line x1={LEFT} x2={W} y1={y(v)} y2={y(v)} stroke="#d0d0d0" stroke-width="1" />
            <text x={LEFT - 4} y={y(v) + 4} text-anchor="end" font-size="13" fill="#555">{format(v)}</text>
          </g>
        ))}
        {labels.map((label, i) => (
          <g>
            {series.map((s, j) => {
              const v = s.values[i] ?? 0;
              return (
                <rect x={LEFT + i * group + group * 0.1 + j * bar} y={y(v)} width={Math.max(1, bar - 1)} height={Math.max(0, TOP + plotH - y(v))} fill={s.colour}>
                  <title>{`${label} · ${s.name}: ${format(v)}`}</title>
                </rect>
              );
            })}
            {(labels.length - 1 - i) % 2 === 0 && <text x={LEFT + i * group + group / 2} y={H - 6} text-anchor="middle" font-size="13" fill="#555">{label.slice(5)}</text>}
          </g>
        ))}
      </svg>
      <table class="visually-hidden" id={`chart-${id}-table`}>
        <caption>{title}</caption>
        <thead>
          <tr><th scope="col">{labelHeading}</th>{series.map((s) => <th scope="col">{s.name}</th>)}</tr>
        </thead>
        <tbody>
          {labels.map((label, i) => (
            <tr><th scope="row">{label}</th>{series.map((s) => <td>{format(s.values[i] ?? 0)}</td>)}</tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
