/** @jsxImportSource hono/jsx */

export interface Bar {
  label: string;
  /** For the bar's length only; the exact figure is `text`. */
  value: number;
  text: string;
}

const ROW = 24;
const LABEL_W = 130;
const BAR_W = 330;
const WIDTH = 600;

/**
 * A horizontal bar chart drawn on the server as inline SVG (no script, no outside asset): one row per bar with its
 * label and exact figure. It is an image named by its heading; the table after it holds the same figures for
 * screen readers and copying.
 *
 * @example <BarChart id="cost-by-day" title="Cost per day (USD)" desc="..." bars={[{ label: '2026-12-01', value: 1.5, text: '1.5' }]} />
 */
export function BarChart({ id, title, desc, bars }: { id: string; title: string; desc: string; bars: Bar[] }) {
  const max = Math.max(0, ...bars.map((b) => b.value));
  const height = Math.max(1, bars.length) * ROW + 8;
  return (
    <svg id={id} class="chart" role="img" aria-labelledby={`${id}-title ${id}-desc`} viewBox={`0 0 ${WIDTH} ${height}`} width="100%" preserveAspectRatio="xMinYMin meet">
      <title id={`${id}-title`}>{title}</title>
      <desc id={`${id}-desc`}>{desc}</desc>
      {bars.map((b, i) => {
        const y = 4 + i * ROW;
        const w = max > 0 ? Math.max(b.value > 0 ? 1 : 0, Math.round((b.value / max) * BAR_W)) : 0;
        return (
          <g data-bar={b.label}>
            <text x={LABEL_W - 6} y={y + 16} text-anchor="end" font-size="13" fill="#1f2328">{b.label}</text>
            <rect x={LABEL_W} y={y + 3} width={w} height={ROW - 8} fill="#0b5cad" />
            <text x={LABEL_W + w + 6} y={y + 16} font-size="13" fill="#1f2328">{b.text}</text>
          </g>
        );
      })}
    </svg>
  );
}
