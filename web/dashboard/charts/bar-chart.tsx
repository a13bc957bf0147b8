import { HEIGHT, MARGIN, PLOT_H, PLOT_W, ticks, WIDTH, yOf } from './chart-frame.js';
import { YAxis } from './y-axis.js';

export interface Bar {
  label: string;
  /** Stacked from the bottom: each part its value and class (its colour in the style sheet). */
  parts: { value: number; tone: string; name: string }[];
}

/**
 * A bar per category, parts stacked (e.g. failed on top of the rest), drawn as SVG: no chart
 * library, a few hundred bytes. The summary is the chart's accessible name; each bar has a tooltip.
 */
export function BarChart({ bars, summary, format = String }: { bars: Bar[]; summary: string; format?: (v: number) => string }) {
  const max = Math.max(0, ...bars.map((b) => b.parts.reduce((a, p) => a + p.value, 0)));
  const t = ticks(max);
  const top = t[t.length - 1]!;
  const slot = PLOT_W / Math.max(1, bars.length);
  const width = Math.max(2, Math.min(48, slot * 0.7));
  const every = Math.ceil(bars.length / 10);
  return (
    <svg class="chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={summary}>
      <YAxis ticks={t} format={format} />
      {bars.map((bar, i) => {
        let base = 0;
        const x = MARGIN.left + i * slot + (slot - width) / 2;
        return (
          <g key={`${bar.label}-${i}`}>
            <title>{`${bar.label}: ${bar.parts.map((p) => `${p.name} ${format(p.value)}`).join(', ')}`}</title>
            {bar.parts.map((p) => {
              const y0 = yOf(base, top);
              base += p.value;
              const y1 = yOf(base, top);
              return <rect key={p.name} x={x} y={y1} width={width} height={Math.max(0, y0 - y1)} class={`bar ${p.tone}`} />;
            })}
            {i % every === 0 ? (
              <text x={x + width / 2} y={MARGIN.top + PLOT_H + 18} text-anchor="middle" class="axis">
                {bar.label}
              </text>
            ) : null}
          </g>
        );
      })}
    </svg>
  );
}
