import { EventEmitter } from 'node:events';
import { redactConfig } from '../crypto/config-redaction.js';
import { openJson, sealJson } from '../crypto/sealed-json.js';
import type { SecretBox } from '../crypto/secret-box.js';
import { notFound } from '../errors/sinew-error.js';
import type { JobType } from '../model/job.js';
import type { JobSettings } from '../model/job-settings.js';
import type { LinkKey } from '../model/link.js';
import type { Schedule, ScheduledJobRequest, ScheduleState, StoredSchedule, WhenActive } from '../model/schedule.js';
import type { Store, StoreOps } from '../store/store.js';
import { parseScheduleExpression } from './schedule-expression.js';
import { resolveScheduleLink, type ScheduleLinkSelector } from './schedule-link.js';

/** The body of `PUT …/jobs/schedule`: the schedule, which link, and the job request fields it fixes. */
export interface ScheduleInput extends ScheduleLinkSelector, ScheduledJobRequest {
  schedule_expression: string;
  state?: ScheduleState;
  job_type?: JobType;
  when_active?: WhenActive;
  override_source_config?: Record<string, unknown>;
  override_target_config?: Record<string, unknown>;
}

interface SealedOverrides {
  override_source_config: Record<string, unknown> | null;
  override_target_config: Record<string, unknown> | null;
}

/** The overrides in clear (only the scheduler, building a job request, needs them). */
export function openScheduleOverrides(box: SecretBox, schedule: Schedule): SealedOverrides {
  return schedule.sealed_overrides
    ? openJson<SealedOverrides>(box, schedule.sealed_overrides)
    : { override_source_config: null, override_target_config: null };
}

/** The tick after `nowMs`, or null when the schedule is disabled. */
function nextFire(schedule: Schedule, nowMs: number): number | null {
  return schedule.state === 'ENABLED' ? parseScheduleExpression(schedule.schedule_expression).nextAfter(nowMs) : null;
}

/** Link schedules: `PUT/GET/DELETE /{env}/{flow}/{tenant}/jobs/schedule` and the environment's default schedule. */
export class ScheduleService {
  /** Emits 'change' after a schedule changed in this process, so the scheduler re-plans its next wake. */
  readonly changes = new EventEmitter();

  constructor(
    private readonly store: Store,
    private readonly box: SecretBox,
  ) {
    this.changes.setMaxListeners(0);
  }

  async put(envId: string, flowId: string, tenant: string, input: ScheduleInput, version: 'v1' | 'v2'): Promise<Record<string, unknown>> {
    // Validated before any lookup, so a bad expression is a 400 whatever else is wrong.
    parseScheduleExpression(input.schedule_expression);
    const {
      schedule_expression,
      state,
      job_type,
      when_active,
      tap: _tap,
      target: _target,
      connector_id: _connector,
      override_source_config,
      override_target_config,
      ...request
    } = input;
    const stored = await this.store.transaction(async (tx) => {
      const key = await resolveScheduleLink(tx, envId, flowId, tenant, input, version);
      const existing = await tx.schedules.getSchedule(key);
      const now = new Date();
      const hasOverrides = override_source_config !== undefined || override_target_config !== undefined;
      const schedule: Schedule = {
        ...key,
        schedule_expression,
        state: state ?? 'ENABLED',
        job_type: job_type ?? null,
        when_active: when_active ?? 'skip',
        request,
        sealed_overrides: hasOverrides
          ? sealJson(this.box, {
              override_source_config: override_source_config ?? null,
              override_target_config: override_target_config ?? null,
            })
          : null,
        created_at: existing?.schedule.created_at ?? now.toISOString(),
        updated_at: now.toISOString(),
      };
      // The same ENABLED expression keeps its pending tick: re-sending a PUT must not skip a due tick.
      const unchanged =
        existing?.schedule.state === 'ENABLED' &&
        schedule.state === 'ENABLED' &&
        existing.schedule.schedule_expression === schedule_expression;
      const next = unchanged ? existing.next_fire_at : nextFire(schedule, now.getTime());
      await tx.schedules.putSchedule(schedule, next);
      return (await tx.schedules.getSchedule(key))!;
    });
    this.changes.emit('change');
    return this.view(stored);
  }

  /**
   * Changes some fields of an existing schedule (`PATCH`): what the body leaves out stays, so
   * `{"state":"DISABLED"}` pauses a schedule without its expression being sent again.
   */
  async patch(
    envId: string,
    flowId: string,
    tenant: string,
    change: Partial<ScheduleInput>,
    version: 'v1' | 'v2',
  ): Promise<Record<string, unknown>> {
    const key = await resolveScheduleLink(this.store, envId, flowId, tenant, change, version);
    const stored = await this.store.schedules.getSchedule(key);
    if (!stored) throw notFound('schedule', { tenant, flow_id: flowId, connector_id: key.connector_id });
    const s = stored.schedule;
    const overrides = openScheduleOverrides(this.box, s);
    const selector: ScheduleLinkSelector =
      version === 'v2' ? { connector_id: s.connector_id } : s.role === 'source' ? { tap: s.connector_id } : { target: s.connector_id };
    const current: ScheduleInput = {
      ...s.request,
      ...selector,
      schedule_expression: s.schedule_expression,
      state: s.state,
      ...(s.job_type ? { job_type: s.job_type } : {}),
      when_active: s.when_active,
      ...(overrides.override_source_config ? { override_source_config: overrides.override_source_config } : {}),
      ...(overrides.override_target_config ? { override_target_config: overrides.override_target_config } : {}),
    };
    return this.put(envId, flowId, tenant, { ...current, ...change }, version);
  }

  async get(
    envId: string,
    flowId: string,
    tenant: string,
    selector: ScheduleLinkSelector,
    version: 'v1' | 'v2',
  ): Promise<Record<string, unknown>> {
    const key = await resolveScheduleLink(this.store, envId, flowId, tenant, selector, version);
    const stored = await this.store.schedules.getSchedule(key);
    if (!stored) throw notFound('schedule', { tenant, flow_id: flowId, connector_id: key.connector_id });
    return this.view(stored);
  }

  async remove(envId: string, flowId: string, tenant: string, selector: ScheduleLinkSelector, version: 'v1' | 'v2'): Promise<void> {
    const key = await resolveScheduleLink(this.store, envId, flowId, tenant, selector, version);
    if (!(await this.store.schedules.deleteSchedule(key)))
      throw notFound('schedule', { tenant, flow_id: flowId, connector_id: key.connector_id });
    this.changes.emit('change');
  }

  /**
   * Gives a new link the environment's default schedule (job_settings.default_schedule, when
   * default_schedule_on_link is on), inside the caller's transaction. A schedule the link already
   * has is left alone. Returns the schedule in force.
   */
  async applyDefault(tx: StoreOps, key: LinkKey, defaultSchedule: NonNullable<JobSettings['default_schedule']>): Promise<StoredSchedule> {
    const existing = await tx.schedules.getSchedule(key);
    if (existing) return existing;
    const now = new Date();
    const schedule: Schedule = {
      ...key,
      schedule_expression: defaultSchedule.schedule_expression,
      state: 'ENABLED',
      job_type: defaultSchedule.job_type ?? null,
      when_active: 'skip',
      request: {},
      sealed_overrides: null,
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
    };
    await tx.schedules.putSchedule(schedule, nextFire(schedule, now.getTime()));
    // The caller's transaction commits after this returns: the scheduler's poll covers a wake that comes too early.
    setImmediate(() => this.changes.emit('change'));
    return (await tx.schedules.getSchedule(key))!;
  }

  /** A schedule as the API shows it: override configs redacted, times as ISO strings. */
  view(stored: StoredSchedule): Record<string, unknown> {
    const s = stored.schedule;
    const idField = s.role === 'source' ? 'tap' : s.role === 'target' ? 'target' : 'connector_id';
    const overrides = openScheduleOverrides(this.box, s);
    const iso = (v: number | null): string | null => (v === null ? null : new Date(v).toISOString());
    return {
      [idField]: s.connector_id,
      flow_id: s.flow_id,
      tenant: s.tenant,
      schedule_expression: s.schedule_expression,
      state: s.state,
      job_type: s.job_type,
      when_active: s.when_active,
      ...s.request,
      ...(overrides.override_source_config ? { override_source_config: redactConfig(overrides.override_source_config) } : {}),
      ...(overrides.override_target_config ? { override_target_config: redactConfig(overrides.override_target_config) } : {}),
      next_run: iso(stored.next_fire_at),
      last_fired_at: iso(stored.last_fired_at),
      last_outcome: stored.last_outcome,
      created_at: s.created_at,
      updated_at: s.updated_at,
    };
  }
}
