import { HEIGHT, MARGIN, PLOT_H, PLOT_W, ticks, WIDTH, yOf } from './chart-frame.js';
import { YAxis } from './y-axis.js';

export interface Point {
  /** Epoch ms. */
  at: number;
  value: number;
  tone: string;
  label: string;
}

/** Values over time as dots joined by a faint line (job durations, records per job), in SVG. */
export function PointChart({ points, summary, format = String }: { points: Point[]; summary: string; format?: (v: number) => string }) {
  const t = ticks(Math.max(0, ...points.map((p) => p.value)));
  const top = t[t.length - 1]!;
  const first = Math.min(...points.map((p) => p.at));
  const last = Math.max(...points.map((p) => p.at));
  const xOf = (at: number) => MARGIN.left + (last === first ? PLOT_W / 2 : ((at - first) / (last - first)) * PLOT_W);
  const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${xOf(p.at).toFixed(1)},${yOf(p.value, top).toFixed(1)}`).join('');
  const day = (ms: number) =>
    new Date(ms).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  return (
    <svg class="chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={summary}>
      <YAxis ticks={t} format={format} />
      {points.length > 1 ? <path d={path} class="trend" /> : null}
      {points.map((p, i) => (
        <circle key={i} cx={xOf(p.at)} cy={yOf(p.value, top)} r={3} class={`dot ${p.tone}`}>
          <title>{p.label}</title>
        </circle>
      ))}
      {points.length > 0 ? (
        <g class="axis">
          <text x={MARGIN.left} y={MARGIN.top + PLOT_H + 18}>
            {day(first)}
          </text>
          <text x={MARGIN.left + PLOT_W} y={MARGIN.top + PLOT_H + 18} text-anchor="end">
            {day(last)}
          </text>
        </g>
      ) : null}
    </svg>
  );
}
