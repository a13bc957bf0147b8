/** The geometry both hand-drawn charts share: a plot area inside margins, and round axis ticks. */
export const WIDTH = 560;
export const HEIGHT = 200;
export const MARGIN = { top: 12, right: 12, bottom: 28, left: 52 };
export const PLOT_W = WIDTH - MARGIN.left - MARGIN.right;
export const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;

/** A "nice" upper bound and about four ticks from 0 to it (1, 2, 5 × 10ⁿ steps). */
export function ticks(max: number): number[] {
  if (!(max > 0)) return [0, 1];
  const rough = max / 4;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? power * 10;
  const out: number[] = [];
  for (let v = 0; v < max + step; v += step) out.push(v);
  return out;
}

/** y pixel of a value, 0 at the bottom of the plot, `top` at its top. */
export const yOf = (value: number, top: number): number => MARGIN.top + PLOT_H - (top === 0 ? 0 : (value / top) * PLOT_H);
