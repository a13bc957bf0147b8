import type { Logger } from 'pino';
import type { SecretBox } from '../crypto/secret-box.js';
import { isSinewError } from '../errors/sinew-error.js';
import type { JobService } from '../jobs/job-service.js';
import type { Job } from '../model/job.js';
import type { JobRequest } from '../model/job-request.js';
import { linkHealth } from '../model/link.js';
import type { Schedule, ScheduleOutcome, StoredSchedule } from '../model/schedule.js';
import type { Store, StoreOps } from '../store/store.js';
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
   * Fires due schedules at `nowMs`. Ticks are claimed (compare-and-set), their jobs created and the
   * outcomes recorded in chunks, one store transaction per chunk: one commit per job capped 10,000
   * simultaneous ticks at a few hundred jobs a second. A chunk that fails as a whole (a database
   * error) is retried schedule by schedule, each in its own transaction.
   */
  async fireBatch(rows: StoredSchedule[], nowMs: number, chunkSize: number): Promise<{ fired: number; lost: number }> {
    let fired = 0;
    for (let i = 0; i < rows.length; i += chunkSize) {
      const chunk = rows.slice(i, i + chunkSize);
      try {
        fired += await this.#fireChunk(chunk, nowMs);
      } catch (e) {
        this.logger.warn({ err: (e as Error).message }, 'schedule: a chunk of ticks failed; firing them one by one');
        for (const row of chunk) fired += await this.#fireChunk([row], nowMs).catch(() => 0);
      }
    }
    return { fired, lost: rows.length - fired };
  }

  async #fireChunk(rows: StoredSchedule[], nowMs: number): Promise<number> {
    const created: Job[] = [];
    const dropped: Schedule[] = [];
    const fired = await this.store.transaction(async (tx) => {
      let n = 0;
      for (const row of rows) {
        const due = row.next_fire_at;
        if (due === null) continue;
        // After downtime the next tick is counted from now: missed ticks collapse into this one firing.
        const next = this.#nextAfter(row.schedule, Math.max(nowMs, due));
        if (!(await tx.schedules.claimTick(row.schedule, due, next, nowMs))) continue;
        n += 1;
        const { outcome, job } = await this.#createJob(tx, row.schedule);
        if (job) created.push(job);
        if (outcome.result === 'failed' && outcome.code === 'NOT_FOUND') {
          // The link, its tenant or its flow is gone: the schedule goes with it.
          await tx.schedules.deleteSchedule(row.schedule);
          dropped.push(row.schedule);
          continue;
        }
        await tx.schedules.recordOutcome(row.schedule, due, Date.now(), outcome);
        if (outcome.result === 'failed')
          this.logger.warn(
            { env_id: row.schedule.env_id, tenant: row.schedule.tenant, flow_id: row.schedule.flow_id, error: outcome.error },
            'schedule: the job could not be created',
          );
      }
      return n;
    });
    this.droppedSchedules += dropped.length;
    for (const job of created) await this.jobs.created(job);
    return fired;
  }

  /** Takes over a claim whose claimer died; creates the tick's job unless it exists. */
  async recover(stored: StoredSchedule, nowMs: number): Promise<ScheduleOutcome | null> {
    const s = stored.schedule;
    const { claimed_tick: tick, claimed_at: claimedAt } = stored;
    if (tick === null || claimedAt === null) return null;
    if (!(await this.store.schedules.reclaimTick(s, tick, claimedAt, nowMs))) return null;
    const recent = await this.store.jobs.list({ env_id: s.env_id, flow_id: s.flow_id, tenant: s.tenant, limit: 50 });
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
    this.logger.warn(
      { env_id: s.env_id, tenant: s.tenant, flow_id: s.flow_id, tick: new Date(tick).toISOString() },
      'schedule: taking over a tick whose scheduler stopped before creating its job',
    );
    return this.#createAndRecord(s, tick);
  }

  async #createAndRecord(s: Schedule, tick: number): Promise<ScheduleOutcome> {
    const { outcome, job } = await this.store.transaction((tx) => this.#createJob(tx, s));
    if (job) await this.jobs.created(job);
    if (outcome.result === 'failed' && outcome.code === 'NOT_FOUND') {
      await this.store.schedules.deleteSchedule(s);
      this.droppedSchedules += 1;
      return outcome;
    }
    await this.store.schedules.recordOutcome(s, tick, Date.now(), outcome);
    if (outcome.result === 'failed')
      this.logger.warn(
        { env_id: s.env_id, tenant: s.tenant, flow_id: s.flow_id, error: outcome.error },
        'schedule: the job could not be created',
      );
    return outcome;
  }

  /** Creates the tick's job in `tx`; refusals (a busy link, a link that is gone) become outcomes. */
  async #createJob(tx: StoreOps, s: Schedule): Promise<{ outcome: ScheduleOutcome; job: Job | null }> {
    const request = this.#request(s);
    // A link whose provider refused its credentials would fail every tick the same way: skipped,
    // saying why, until the tenant links again (which resets its health).
    const link = await tx.links.get(s);
    const health = link ? linkHealth(link) : null;
    if (health?.status === 'invalid') {
      return {
        outcome: {
          result: 'skipped',
          reason: `the link is invalid since ${health.since}: ${health.reason?.code ?? 'credentials refused'}; the tenant must link again`,
          active_job_id: null,
        },
        job: null,
      };
    }
    try {
      const queuedBehind = request.queue_if_active_job ? ((await tx.jobs.listActiveForLink(s))[0]?.job_id ?? null) : null;
      const job = await this.jobs.createIn(tx, {
        envId: s.env_id,
        flowId: s.flow_id,
        tenant: s.tenant,
        request,
        version: s.role === 'connector' ? 'v2' : 'v1',
        startedBy: SCHEDULER_STARTED_BY,
        scheduled: true,
      });
      return { outcome: { result: 'created', job_id: job.job_id, queued_behind: queuedBehind }, job };
    } catch (e) {
      if (isSinewError(e) && e.code === 'JOB_ALREADY_ACTIVE') {
        const active = e.details.active_job_id;
        return {
          outcome: {
            result: 'skipped',
            reason: 'a job for this link is still queued or running',
            active_job_id: typeof active === 'string' ? active : null,
          },
          job: null,
        };
      }
      if (isSinewError(e) && e.code !== 'INTERNAL' && e.code !== 'UNAVAILABLE')
        return { outcome: { result: 'failed', error: e.message, code: e.code }, job: null };
      // A database error: the transaction may be unusable; let the caller retry this tick alone.
      throw e;
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
