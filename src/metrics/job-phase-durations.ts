import { isTerminal, type Job, type JobStatus } from '../model/job.js';
import { JOB_CANCELLED, JOB_COMPLETED, JOB_PHASES, type JobPhaseName } from '../model/job-phases.js';

/** A stretch of a job's life that a status change just ended. */
export type JobPhase = 'queued' | JobPhaseName | 'job';
export type PhaseOutcome = 'success' | 'failed' | 'cancelled';

export interface EndedPhase {
  phase: JobPhase;
  outcome: PhaseOutcome;
  seconds: number;
}

export interface PhaseMarks {
  phase: JobPhase;
  start: JobStatus;
  success: JobStatus;
  failure: JobStatus;
}

// From the table of phases. The export of a job ends with the job itself: there is no EXPORT_SUCCESS status.
export const RUNNING_PHASES: readonly PhaseMarks[] = JOB_PHASES.map((p) => ({
  phase: p.phase,
  start: p.start,
  success: p.success ?? JOB_COMPLETED,
  failure: p.failure,
}));
const STARTS = RUNNING_PHASES.map((p) => p.start);

function jobOutcome(status: JobStatus): PhaseOutcome {
  if (status === JOB_COMPLETED) return 'success';
  return status === JOB_CANCELLED ? 'cancelled' : 'failed';
}

/**
 * The phases a job's latest status change ended, with their durations from `status_timestamp`:
 * `queued` (created → first phase started), `discover`, `sync`, `etl`, `export`, and `job` (created
 * → terminal status). A phase still open when the job ends (cancelled, a streaming job's sync, a
 * failure elsewhere) ends with the job's outcome. Read from the job alone, so whichever process
 * made the change can observe it.
 */
export function endedPhases(job: Job): EndedPhase[] {
  const stamps = job.status_timestamp;
  const now = stamps[job.status];
  if (now === undefined) return [];
  const out: EndedPhase[] = [];
  const since = (from: JobStatus): number | undefined => {
    const t = stamps[from];
    return t === undefined ? undefined : Math.max(0, now - t) / 1000;
  };
  const terminal = isTerminal(job.status);
  const created = since('JOB_CREATED');
  const started = STARTS.filter((s) => stamps[s] !== undefined);
  if (created !== undefined && (started.length === 1 ? started[0] === job.status : terminal && started.length === 0)) {
    out.push({ phase: 'queued', outcome: terminal ? jobOutcome(job.status) : 'success', seconds: created });
  }
  for (const p of RUNNING_PHASES) {
    const seconds = since(p.start);
    if (seconds === undefined || p.start === job.status) continue;
    if (job.status === p.success) out.push({ phase: p.phase, outcome: 'success', seconds });
    else if (job.status === p.failure) out.push({ phase: p.phase, outcome: 'failed', seconds });
    else if (terminal && stamps[p.success] === undefined && stamps[p.failure] === undefined)
      out.push({ phase: p.phase, outcome: jobOutcome(job.status), seconds });
  }
  if (terminal && created !== undefined) out.push({ phase: 'job', outcome: jobOutcome(job.status), seconds: created });
  return out;
}
