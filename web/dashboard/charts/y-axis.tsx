import { MARGIN, PLOT_W, yOf } from './chart-frame.js';

/** Horizontal grid lines with their values, left of the plot. */
export function YAxis({ ticks, format }: { ticks: number[]; format: (v: number) => string }) {
  const top = ticks[ticks.length - 1]!;
  return (
    <g class="axis">
      {ticks.map((t) => (
        <g key={t}>
          <line x1={MARGIN.left} x2={MARGIN.left + PLOT_W} y1={yOf(t, top)} y2={yOf(t, top)} class="grid" />
          <text x={MARGIN.left - 6} y={yOf(t, top) + 4} text-anchor="end">
            {format(t)}
          </text>
        </g>
      ))}
    </g>
  );
}
