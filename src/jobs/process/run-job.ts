import { isJobStatus, JOB_CREATED, type JobStatus } from '../../model/job-phases.js';
import type { JobPlan } from '../job-plan.js';
import { DISCOVER_PHASE } from './discover-phase.js';
import { ETL_PHASE } from './etl-phase.js';
import { EXPORT_PHASE } from './export-phase.js';
import { JobContext, type Report } from './job-context.js';
import { failedStatus, reportFailed, reportFinished } from './job-end.js';
import type { JobPhase } from './job-phase.js';
import { STREAMING_PHASE } from './streaming-phase.js';
import { SYNC_PHASE } from './sync-phase.js';

/**
 * The phases a plan runs, in order: discover when the tap discovers; then a streaming job's sync
 * with its export alongside, or sync, ETL and (with a target) export.
 */
export function phasesOf(plan: JobPlan): JobPhase[] {
  const discover = plan.source.discover ? [DISCOVER_PHASE] : [];
  if (plan.streaming && plan.target) return [...discover, STREAMING_PHASE];
  return [...discover, SYNC_PHASE, ETL_PHASE, ...(plan.target ? [EXPORT_PHASE] : [])];
}

/**
 * Runs one job inside the job process: its inputs written, each phase of the plan (start status,
 * run, success status), then `finished`; or, on the first failure, `failed` with what was rolled
 * back and the results so far. Returns whether the job finished. The worker decides the final
 * status from the report (final-status.ts).
 */
export async function runJob(plan: JobPlan, report: Report): Promise<boolean> {
  const ctx = await JobContext.open(plan, report);
  try {
    await ctx.writeInputs();
    for (const phase of phasesOf(plan)) {
      await phase.prepare?.(ctx);
      ctx.status(phase.row.start);
      await phase.run(ctx);
      const success = (phase.alongside ?? phase.row).success;
      if (success) ctx.status(success);
    }
    await reportFinished(ctx);
    return true;
  } catch (e) {
    await reportFailed(ctx, e);
    return false;
  } finally {
    await ctx.dispose();
  }
}

/** The failure of the phase the process is in; before any phase ('starting') as a job at JOB_CREATED. */
export function failureFor(phase: string): JobStatus {
  return failedStatus(null, isJobStatus(phase) ? phase : JOB_CREATED);
}
