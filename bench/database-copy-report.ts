import { median } from './median.js';
import { formatTable, perSecond, seconds } from './text-table.js';

export interface Measured {
  name: string;
  seconds: number[];
  rows: number;
  /** MiB, for Sinew jobs: the job process's peak RSS. */
  memoryMiB?: number[];
  note?: string;
}

function row(m: Measured): (string | number)[] {
  const s = median(m.seconds);
  const mem = m.memoryMiB ? `${Math.round(median(m.memoryMiB))}` : '';
  return [m.name, m.rows.toLocaleString('en-US'), seconds(s), perSecond(m.rows, s), mem, m.note ?? ''];
}

/** `<run>: r× the throughput of <baseline> (target ≥ t: met)`, from the medians. */
export function ratioLine(of: Measured, baseline: Measured, target: number): string {
  const r = median(baseline.seconds) / median(of.seconds);
  return `${of.name}: ${r.toFixed(2)}× the throughput of ${baseline.name} (target ≥ ${target}: ${r >= target ? 'met' : 'NOT met'})`;
}

export function printResults(title: string, measured: Measured[], ratios: string[]): void {
  process.stdout.write(`\n## ${title}\n\n`);
  process.stdout.write(`${formatTable(['run', 'rows', 'seconds', 'rows/s', 'peak MiB', 'note'], measured.map(row))}\n\n`);
  for (const line of ratios) process.stdout.write(`${line}\n`);
}
