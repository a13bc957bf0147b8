import { FAILURE_STATUSES, isTerminal } from '../../src/model/job-phases.js';

/** How the dashboard writes numbers, times and statuses: one place, so every page reads alike. */
export function duration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** Job data sizes are in KiB (blueprint §3). */
export function kib(value: number | undefined): string {
  if (value === undefined) return '—';
  if (value < 1024) return `${value.toFixed(value < 10 ? 1 : 0)} KiB`;
  return `${(value / 1024).toFixed(1)} MiB`;
}

export function when(iso: string | number | null | undefined): string {
  if (iso === null || iso === undefined) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

export const percent = (ratio: number): string => `${(ratio * 100).toFixed(ratio < 0.1 && ratio > 0 ? 1 : 0)} %`;

export const count = (n: number): string => n.toLocaleString();

export type Tone = 'ok' | 'bad' | 'neutral' | 'busy';

export function statusTone(status: string): Tone {
  if (status === 'JOB_COMPLETED' || status === 'delivered' || status === 'ok') return 'ok';
  if ((FAILURE_STATUSES as ReadonlySet<string>).has(status) || status === 'failed' || status === 'invalid' || status === 'gone')
    return 'bad';
  if (status === 'JOB_CANCELLED' || status === 'no_destination' || status === 'unknown' || isTerminal(status)) return 'neutral';
  return 'busy';
}
