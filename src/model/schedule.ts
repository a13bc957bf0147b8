import type { JobType } from './job.js';
import type { JobRequest } from './job-request.js';
import type { LinkKey } from './link.js';

export type ScheduleState = 'ENABLED' | 'DISABLED';

/** What a schedule does when its link still has a job queued or running at a tick. */
export type WhenActive = 'skip' | 'queue';

/**
 * The job request fields a schedule may fix for the jobs it creates. Who runs comes from the link;
 * `state` (write-job records) is left out: in a schedule, `state` is ENABLED/DISABLED.
 */
export type ScheduledJobRequest = Omit<
  JobRequest,
  'state' | 'tap' | 'target' | 'connector_id' | 'job_type' | 'queue_if_active_job' | 'override_source_config' | 'override_target_config'
>;

/** A link's sync schedule (one per link), as stored in the `schedules` table's doc. */
export interface Schedule extends LinkKey {
  /** As given: `cron(0 0 * * *)` or a plain 5-field cron, always UTC. */
  schedule_expression: string;
  state: ScheduleState;
  job_type: JobType | null;
  when_active: WhenActive;
  request: ScheduledJobRequest;
  /** AES-GCM ciphertext of `{ override_source_config, override_target_config }` (may hold credentials). */
  sealed_overrides: string | null;
  created_at: string;
  updated_at: string;
}

/** What the last tick did. */
export type ScheduleOutcome =
  | {
      result: 'created';
      job_id: string /** The job it was queued behind (when_active: queue and the link was busy). */;
      queued_behind: string | null;
    }
  | { result: 'skipped'; reason: string; active_job_id: string | null }
  | { result: 'failed'; error: string; code: string };

/** A schedule with the scheduler's bookkeeping (columns beside the doc). */
export interface StoredSchedule {
  schedule: Schedule;
  /** Epoch ms of the next tick to fire; null when DISABLED or the expression never fires again. */
  next_fire_at: number | null;
  /** The tick a scheduler has claimed and not yet recorded the outcome of (see schedule-firing.ts). */
  claimed_tick: number | null;
  claimed_at: number | null;
  last_fired_at: number | null;
  last_outcome: ScheduleOutcome | null;
}
