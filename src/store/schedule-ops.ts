import type { LinkKey } from '../model/link.js';
import type { Schedule, ScheduleOutcome, StoredSchedule } from '../model/schedule.js';
import { epochMs } from './database-schema.js';
import { fromJsonColumn, toJsonColumn } from './json-column.js';
import type { Connection } from './store-connection.js';

/** The scheduler's and the schedule API's view of the `schedules` table (migration 0003). */
export interface ScheduleOps {
  getSchedule(key: LinkKey): Promise<StoredSchedule | undefined>;
  /** Creates or replaces the schedule's definition and next tick; the last firing is kept. */
  putSchedule(schedule: Schedule, nextFireAt: number | null): Promise<void>;
  deleteSchedule(key: LinkKey): Promise<boolean>;
  /** Deletes every schedule of a tenant (the tenant is being deleted); returns how many. */
  deleteTenantSchedules(envId: string, tenant: string): Promise<number>;
  /** ENABLED schedules whose next tick is at or before `nowMs`, earliest first (all environments). */
  listDueSchedules(nowMs: number, limit: number): Promise<StoredSchedule[]>;
  /** Schedules whose claimed tick has had no outcome since before `claimedBeforeMs` (their claimer died). */
  listStaleClaims(claimedBeforeMs: number, limit: number): Promise<StoredSchedule[]>;
  /** The earliest next tick of any ENABLED schedule, or null. */
  earliestNextFire(): Promise<number | null>;
  /**
   * Compare-and-set: moves the schedule from tick `due` to `next` and records the claim. True only
   * for the one caller that saw `next_fire_at = due`; every other scheduler gets false.
   */
  claimTick(key: LinkKey, due: number, next: number | null, nowMs: number): Promise<boolean>;
  /** Compare-and-set on a stale claim: true for the one caller that takes it over. */
  reclaimTick(key: LinkKey, tick: number, claimedAt: number, nowMs: number): Promise<boolean>;
  /** Records what tick `tick` did and clears its claim (no-op if the claim is no longer this tick). */
  recordOutcome(key: LinkKey, tick: number, firedAt: number, outcome: ScheduleOutcome): Promise<boolean>;
}

const COLUMNS = ['next_fire_at', 'claimed_tick', 'claimed_at', 'last_fired_at', 'last_outcome', 'doc'] as const;

const keyColumns = (k: LinkKey) => ({ env_id: k.env_id, tenant: k.tenant, flow_id: k.flow_id, role: k.role, connector_id: k.connector_id });
const ms = (v: number | string | null): number | null => (v === null ? null : epochMs(v));

interface ScheduleRow {
  next_fire_at: number | string | null;
  claimed_tick: number | string | null;
  claimed_at: number | string | null;
  last_fired_at: number | string | null;
  last_outcome: string | null;
  doc: string;
}

function stored(r: ScheduleRow): StoredSchedule {
  return {
    schedule: fromJsonColumn<Schedule>(r.doc),
    next_fire_at: ms(r.next_fire_at),
    claimed_tick: ms(r.claimed_tick),
    claimed_at: ms(r.claimed_at),
    last_fired_at: ms(r.last_fired_at),
    last_outcome: r.last_outcome === null ? null : fromJsonColumn<ScheduleOutcome>(r.last_outcome),
  };
}

export class KyselyScheduleOps implements ScheduleOps {
  readonly #db: Connection;

  constructor(connection: Connection, _dialect: 'sqlite' | 'postgres') {
    this.#db = connection;
  }

  async getSchedule(key: LinkKey): Promise<StoredSchedule | undefined> {
    const row = await this.#db()
      .selectFrom('schedules')
      .select(COLUMNS)
      .where((eb) => eb.and(keyColumns(key)))
      .executeTakeFirst();
    return row === undefined ? undefined : stored(row);
  }

  async putSchedule(schedule: Schedule, nextFireAt: number | null): Promise<void> {
    const row = { ...keyColumns(schedule), state: schedule.state, next_fire_at: nextFireAt, doc: toJsonColumn(schedule) };
    await this.#db()
      .insertInto('schedules')
      .values(row)
      .onConflict((oc) =>
        oc
          .columns(['env_id', 'tenant', 'flow_id', 'role', 'connector_id'])
          .doUpdateSet({ state: row.state, next_fire_at: row.next_fire_at, doc: row.doc }),
      )
      .execute();
  }

  async deleteSchedule(key: LinkKey): Promise<boolean> {
    const r = await this.#db()
      .deleteFrom('schedules')
      .where((eb) => eb.and(keyColumns(key)))
      .executeTakeFirstOrThrow();
    return r.numDeletedRows > 0n;
  }

  async deleteTenantSchedules(envId: string, tenant: string): Promise<number> {
    const r = await this.#db().deleteFrom('schedules').where('env_id', '=', envId).where('tenant', '=', tenant).executeTakeFirstOrThrow();
    return Number(r.numDeletedRows);
  }

  async listDueSchedules(nowMs: number, limit: number): Promise<StoredSchedule[]> {
    if (limit <= 0) return [];
    const rows = await this.#db()
      .selectFrom('schedules')
      .select(COLUMNS)
      .where('next_fire_at', '<=', nowMs)
      .orderBy('next_fire_at')
      .limit(limit)
      .execute();
    return rows.map(stored);
  }

  async listStaleClaims(claimedBeforeMs: number, limit: number): Promise<StoredSchedule[]> {
    if (limit <= 0) return [];
    const rows = await this.#db()
      .selectFrom('schedules')
      .select(COLUMNS)
      .where('claimed_at', '<', claimedBeforeMs)
      .orderBy('claimed_at')
      .limit(limit)
      .execute();
    return rows.map(stored);
  }

  async earliestNextFire(): Promise<number | null> {
    const row = await this.#db()
      .selectFrom('schedules')
      .select('next_fire_at')
      .where('next_fire_at', 'is not', null)
      .orderBy('next_fire_at')
      .limit(1)
      .executeTakeFirst();
    return row === undefined ? null : ms(row.next_fire_at);
  }

  async claimTick(key: LinkKey, due: number, next: number | null, nowMs: number): Promise<boolean> {
    const r = await this.#db()
      .updateTable('schedules')
      .set({ next_fire_at: next, claimed_tick: due, claimed_at: nowMs })
      .where((eb) => eb.and(keyColumns(key)))
      .where('next_fire_at', '=', due)
      .executeTakeFirstOrThrow();
    return r.numUpdatedRows > 0n;
  }

  async reclaimTick(key: LinkKey, tick: number, claimedAt: number, nowMs: number): Promise<boolean> {
    const r = await this.#db()
      .updateTable('schedules')
      .set({ claimed_at: nowMs })
      .where((eb) => eb.and(keyColumns(key)))
      .where('claimed_tick', '=', tick)
      .where('claimed_at', '=', claimedAt)
      .executeTakeFirstOrThrow();
    return r.numUpdatedRows > 0n;
  }

  async recordOutcome(key: LinkKey, tick: number, firedAt: number, outcome: ScheduleOutcome): Promise<boolean> {
    const r = await this.#db()
      .updateTable('schedules')
      .set({ last_fired_at: firedAt, last_outcome: toJsonColumn(outcome), claimed_tick: null, claimed_at: null })
      .where((eb) => eb.and(keyColumns(key)))
      .where('claimed_tick', '=', tick)
      .executeTakeFirstOrThrow();
    return r.numUpdatedRows > 0n;
  }
}
