import type { Logger } from 'pino';
import type { Store } from '../store/store.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { JobService } from '../jobs/job-service.js';
import type { JobRequest } from '../jobs/job-request.js';
import { isSinewError } from '../errors/sinew-error.js';
import type { Schedule, ScheduleOutcome, StoredSchedule } from './schedule.js';
import { parseScheduleExpression, type ScheduleExpression } from './schedule-expression.js';
import { openScheduleOverrides } from './schedule-service.js';

/** Who a scheduled job says started it (and how recovery recognises the scheduler's jobs). */
export const SCHEDULER_STARTED_BY = 'scheduler';

/**
 * Fires ticks of schedules, each exactly once across processes:
 * 1. claim: compare-and-set `next_fire_at` from the due tick to the next one (and note the claim);
 *    only the winner goes on — a second scheduler, or this one after a restart, sees the new tick;
 * 2. create the job through JobService (which refuses a second active job for the link);
 * 3. record the outcome, clearing the claim.
 * A claimer that dies between 1 and 3 leaves a stale claim; `recover` takes it over later and
 * creates the job only if the scheduler's job for that tick is not there.
 */
export class ScheduleFiring {
  readonly #expressions = new Map<string, ScheduleExpression>();
  /** Schedules dropped because their link was gone (for logs and tests). */
  droppedSchedules = 0;

  constructor(
    private readonly store: Store,
    private readonly jobs: JobService,
    private readonly box: SecretBox,
    private readonly logger: Logger,
  ) {}

  /**
   * Fires due schedules at `nowMs`: claims each tick (compare-and-set), creates the claimed jobs (up
   * to `concurrency` at once), and records each outcome. Claims and outcomes are single autocommit
   * statements, never a transaction held across awaits: on SQLite a second connection would then
   * wait on a lock that only this event loop can release.
   */
  async fireBatch(rows: StoredSchedule[], nowMs: number, concurrency: number): Promise<{ fired: number; lost: number }> {
    let fired = 0;
    let i = 0;
    const lane = async (): Promise<void> => {
      while (i < rows.length) {
        const row = rows[i++]!;
        const due = row.next_fire_at;
        if (due === null) continue;
        // After downtime the next tick is counted from now: missed ticks collapse into this one firing.
        const next = this.#nextAfter(row.schedule, Math.max(nowMs, due));
        if (!(await this.store.schedules.claimTick(row.schedule, due, next, nowMs))) continue;
        fired += 1;
        await this.#createAndRecord(row.schedule, due);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, lane));
    return { fired, lost: rows.length - fired };
  }

  /** Takes over a claim whose claimer died; creates the tick's job unless it exists. */
  async recover(stored: StoredSchedule, nowMs: number): Promise<ScheduleOutcome | null> {
    const s = stored.schedule;
    const { claimed_tick: tick, claimed_at: claimedAt } = stored;
    if (tick === null || claimedAt === null) return null;
    if (!(await this.store.schedules.reclaimTick(s, tick, claimedAt, nowMs))) return null;
    const recent = await this.store.listJobs({ env_id: s.env_id, flow_id: s.flow_id, tenant: s.tenant, limit: 50 });
    const made = recent.find(
      (j) =>
        j.scheduled_job &&
        j.started_by === SCHEDULER_STARTED_BY &&
        j.link_role === s.role &&
        j.link_connector === s.connector_id &&
        Date.parse(j.start_time) >= tick,
    );
    if (made) {
      const outcome: ScheduleOutcome = { result: 'created', job_id: made.job_id, queued_behind: null };
      await this.store.schedules.recordOutcome(s, tick, Date.parse(made.start_time), outcome);
      return outcome;
    }
    this.logger.warn({ tenant: s.tenant, flow_id: s.flow_id, tick: new Date(tick).toISOString() }, 'schedule: taking over a tick whose scheduler stopped before creating its job');
    return this.#createAndRecord(s, tick);
  }

  async #createAndRecord(s: Schedule, tick: number): Promise<ScheduleOutcome> {
    const outcome = await this.#createJob(s);
    if (outcome.result === 'failed' && outcome.code === 'NOT_FOUND') {
      // The link, its tenant or its flow is gone: the schedule goes with it.
      await this.store.schedules.deleteSchedule(s);
      this.droppedSchedules += 1;
      return outcome;
    }
    await this.store.schedules.recordOutcome(s, tick, Date.now(), outcome);
    if (outcome.result === 'failed') this.logger.warn({ tenant: s.tenant, flow_id: s.flow_id, error: outcome.error }, 'schedule: the job could not be created');
    return outcome;
  }

  async #createJob(s: Schedule): Promise<ScheduleOutcome> {
    const request = this.#request(s);
    try {
      const queuedBehind = request.queue_if_active_job ? ((await this.store.listActiveJobsForLink(s))[0]?.job_id ?? null) : null;
      const job = await this.jobs.create({
        envId: s.env_id,
        flowId: s.flow_id,
        tenant: s.tenant,
        request,
        version: s.role === 'connector' ? 'v2' : 'v1',
        startedBy: SCHEDULER_STARTED_BY,
        scheduled: true,
      });
      return { result: 'created', job_id: job.job_id, queued_behind: queuedBehind };
    } catch (e) {
      if (isSinewError(e) && e.code === 'JOB_ALREADY_ACTIVE') {
        const active = e.details.active_job_id;
        return { result: 'skipped', reason: 'a job for this link is still queued or running', active_job_id: typeof active === 'string' ? active : null };
      }
      if (isSinewError(e)) return { result: 'failed', error: e.message, code: e.code };
      this.logger.error({ err: e, tenant: s.tenant, flow_id: s.flow_id }, 'schedule: unexpected error creating a job');
      return { result: 'failed', error: (e as Error).message, code: 'INTERNAL' };
    }
  }

  /** The job request a tick sends: the schedule's fixed fields plus who runs (from its link). */
  #request(s: Schedule): JobRequest {
    const overrides = openScheduleOverrides(this.box, s);
    const request: JobRequest = { ...s.request, queue_if_active_job: s.when_active === 'queue' };
    if (overrides.override_source_config) request.override_source_config = overrides.override_source_config;
    if (overrides.override_target_config) request.override_target_config = overrides.override_target_config;
    if (s.role === 'source') request.tap = s.connector_id;
    else if (s.role === 'target') request.target = s.connector_id;
    else {
      request.connector_id = s.connector_id;
      if (s.job_type) request.job_type = s.job_type;
    }
    return request;
  }

  #nextAfter(s: Schedule, afterMs: number): number | null {
    let expression = this.#expressions.get(s.schedule_expression);
    if (!expression) {
      try {
        expression = parseScheduleExpression(s.schedule_expression);
      } catch {
        return null; // Validated when saved; a stored expression that no longer parses stops ticking.
      }
      this.#expressions.set(s.schedule_expression, expression);
    }
    return expression.nextAfter(afterMs);
  }
}
