import { isTerminal, JOB_COMPLETED, JOB_PHASES, JOB_STATUSES } from '../../src/model/job-phases.js';

export interface PhaseTime {
  phase: string;
  ms: number;
  /** Still running (measured to now). */
  open: boolean;
  outcome: 'success' | 'failed' | 'running' | 'ended';
}

/**
 * Each phase a job ran, and how long it took, from `status_timestamp` and the table of phases:
 * queued (created → first phase), then each phase from its start to its success, its failure or,
 * when the job ended without either (cancelled; the export, which ends with the job), the job's end.
 */
export function phaseTimes(status: string, stamps: Record<string, number>, now = Date.now()): PhaseTime[] {
  const ended = isTerminal(status) ? stamps[status] : undefined;
  const out: PhaseTime[] = [];
  const firstStart = JOB_PHASES.map((p) => stamps[p.start]).find((t) => t !== undefined);
  if (stamps.JOB_CREATED !== undefined) {
    const end = firstStart ?? ended;
    out.push({
      phase: 'queued',
      ms: (end ?? now) - stamps.JOB_CREATED,
      open: end === undefined,
      outcome: end === undefined ? 'running' : 'success',
    });
  }
  for (const p of JOB_PHASES) {
    const start = stamps[p.start];
    if (start === undefined) continue;
    const success = stamps[p.success ?? JOB_COMPLETED];
    const failure = stamps[p.failure];
    const end = success ?? failure ?? ended;
    out.push({
      phase: p.phase,
      ms: (end ?? now) - start,
      open: end === undefined,
      outcome: success !== undefined ? 'success' : failure !== undefined ? 'failed' : end === undefined ? 'running' : 'ended',
    });
  }
  return out;
}

/** The statuses the job went through, in the order they happened. */
export function timeline(stamps: Record<string, number>): { status: string; at: number }[] {
  return Object.entries(stamps)
    .filter(([s]) => (JOB_STATUSES as readonly string[]).includes(s))
    .map(([status, at]) => ({ status, at }))
    .sort((a, b) => a.at - b.at || JOB_STATUSES.indexOf(a.status as never) - JOB_STATUSES.indexOf(b.status as never));
}
