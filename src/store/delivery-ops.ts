import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import type { EventKind, OutboxEvent } from '../model/event.js';
import { parseJson } from '../singer/lossless-json.js';
import { epochMs } from './database-schema.js';
import type { DeliveryDatabase, EventDeliveriesTable } from './delivery-schema.js';
import type { Connection } from './store-connection.js';

/**
 * This delivery is the head of its (environment, destination, ordering key), the only one that may
 * be sent (a job's events go out in order): no earlier delivery of the key is still pending, and no
 * earlier event of the key is still waiting to be fanned out. The second half matters with several
 * processes: one may have taken (and not yet committed) a job's DISCOVER_SUCCESS while another fans
 * out its SYNC_STARTED; until the first commits, that event still reads `pending` here.
 */
function isHeadOfOrderingKey({ and, not, exists, selectFrom }: ExpressionBuilder<DeliveryDatabase & { d: EventDeliveriesTable }, 'd'>) {
  return and([
    not(
      exists(
        selectFrom('event_deliveries as p')
          .select('p.delivery_id')
          .whereRef('p.env_id', '=', 'd.env_id')
          .whereRef('p.destination', '=', 'd.destination')
          .whereRef('p.ordering_key', '=', 'd.ordering_key')
          .where('p.status', '=', 'pending')
          .whereRef('p.event_seq', '<', 'd.event_seq'),
      ),
    ),
    not(
      exists(
        selectFrom('events as u')
          .select('u.seq')
          .whereRef('u.ordering_key', '=', 'd.ordering_key')
          .whereRef('u.env_id', '=', 'd.env_id')
          .where('u.status', '=', 'pending')
          .whereRef('u.seq', '<', 'd.event_seq'),
      ),
    ),
  ]);
}

/** How far delivery of one outbox event got (the `events.status` column). */
export type EventDeliveryStatus = 'pending' | 'delivering' | 'delivered' | 'failed' | 'no_destination';
/** One destination's state: `gone` = the receiver answered 410, no more retries. */
export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'gone';

/** An outbox event with its insertion order and delivery status. */
export interface StoredEvent extends OutboxEvent {
  seq: number;
  status: EventDeliveryStatus;
}

export interface NewDelivery {
  event_id: string;
  event_seq: number;
  env_id: string;
  destination: string;
  ordering_key: string;
  next_attempt_at: number;
}

export interface Delivery {
  delivery_id: number;
  event_id: string;
  env_id: string;
  destination: string;
  ordering_key: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: number | null;
  delivered_at: number | null;
  last_error: string | null;
}

/** A delivery this process holds the lease of, with what it needs to send it. */
export interface ClaimedDelivery extends Delivery {
  kind: EventKind;
  payload: Record<string, unknown>;
  /** The payload exactly as committed to the outbox: the webhook body is these bytes. */
  payload_text: string;
  created_at: string;
}

export interface Attempt {
  delivery_id: number;
  attempted_at: string;
  status_code: number | null;
  latency_ms: number;
  /** At most 1 KiB of the response body. */
  response_excerpt: string | null;
  error: string | null;
  /** What the attempt decided: delivered, retry (pending), failed (schedule exhausted) or gone (410). */
  outcome: 'delivered' | 'retry' | 'failed' | 'gone';
}

export interface AttemptResult extends Attempt {
  owner: string;
  /** For outcome `retry`: when the next attempt is due. */
  next_attempt_at: number | null;
}

export interface EventListFilter {
  env_id: string;
  kind?: EventKind;
  status?: EventDeliveryStatus;
  /** Newest first; events inserted strictly before this one. */
  before_event_id?: string;
  limit: number;
}

/**
 * The delivery side of the event outbox: fan-out rows per destination, leases (multi-process safe:
 * every claim is a compare-and-set on `claimed_until`), attempts, and the reads the API needs.
 */
export interface DeliveryOps {
  /** Events not yet fanned out, oldest first, each marked `delivering` by this call (compare-and-set). */
  takeEventsToDispatch(limit: number): Promise<StoredEvent[]>;
  insertDeliveries(rows: NewDelivery[]): Promise<void>;
  setEventStatus(eventId: string, status: EventDeliveryStatus): Promise<void>;
  /**
   * Leases up to `limit` due deliveries to `owner` until `leaseUntil`. Only the earliest
   * undelivered event of each (destination, ordering_key) is eligible, so a key's events go out in
   * order and a later one waits while an earlier one is retried.
   */
  claimDue(owner: string, now: number, leaseUntil: number, limit: number): Promise<ClaimedDelivery[]>;
  /** Stores the attempt and the delivery's new state (only while `owner` still holds the lease). */
  recordAttempts(results: AttemptResult[]): Promise<void>;
  /** Recomputes `events.status` from the deliveries of these events. */
  refreshEventStatus(eventIds: string[]): Promise<void>;
  /** The earliest time a pending, unleased delivery falls due (or a lease expires); null if none. */
  nextDueAt(): Promise<number | null>;

  listStoredEvents(filter: EventListFilter): Promise<StoredEvent[]>;
  getStoredEvent(envId: string, eventId: string): Promise<StoredEvent | undefined>;
  listDeliveries(eventId: string): Promise<Delivery[]>;
  listAttempts(deliveryIds: number[]): Promise<Attempt[]>;
  /** Makes deliveries of an event due now again (status pending, lease dropped). */
  redeliver(eventId: string, destinations: string[], now: number): Promise<void>;
}

const num = (v: number | string | null): number | null => (v === null ? null : epochMs(v));

type EventRow = {
  seq: number | string;
  event_id: string;
  env_id: string;
  kind: string;
  ordering_key: string;
  payload: string;
  created_at: string;
  status: string;
};
const toStoredEvent = (r: EventRow): StoredEvent => ({
  seq: epochMs(r.seq),
  event_id: r.event_id,
  env_id: r.env_id,
  kind: r.kind as EventKind,
  ordering_key: r.ordering_key,
  payload: parseJson(r.payload) as Record<string, unknown>,
  created_at: r.created_at,
  status: r.status as EventDeliveryStatus,
});

const EVENT_COLUMNS = ['seq', 'event_id', 'env_id', 'kind', 'ordering_key', 'payload', 'created_at', 'status'] as const;
const DELIVERY_COLUMNS = [
  'delivery_id',
  'event_id',
  'env_id',
  'destination',
  'ordering_key',
  'status',
  'attempts',
  'next_attempt_at',
  'delivered_at',
  'last_error',
] as const;

type DeliveryRow = {
  delivery_id: number | string;
  event_id: string;
  env_id: string;
  destination: string;
  ordering_key: string;
  status: string;
  attempts: number;
  next_attempt_at: number | string | null;
  delivered_at: number | string | null;
  last_error: string | null;
};
const toDelivery = (r: DeliveryRow): Delivery => ({
  delivery_id: epochMs(r.delivery_id),
  event_id: r.event_id,
  env_id: r.env_id,
  destination: r.destination,
  ordering_key: r.ordering_key,
  status: r.status as DeliveryStatus,
  attempts: Number(r.attempts),
  next_attempt_at: num(r.next_attempt_at),
  delivered_at: num(r.delivered_at),
  last_error: r.last_error,
});

export class KyselyDeliveryOps implements DeliveryOps {
  readonly #db: () => Kysely<DeliveryDatabase>;
  readonly #dialect: 'sqlite' | 'postgres';

  constructor(connection: Connection, dialect: 'sqlite' | 'postgres') {
    this.#db = connection as unknown as () => Kysely<DeliveryDatabase>;
    this.#dialect = dialect;
  }

  async takeEventsToDispatch(limit: number): Promise<StoredEvent[]> {
    const db = this.#db();
    let q = db.selectFrom('events').select(EVENT_COLUMNS).where('status', '=', 'pending').orderBy('seq').limit(limit);
    // Another process fanning out the same rows skips them instead of queueing behind its locks.
    if (this.#dialect === 'postgres') q = q.forUpdate().skipLocked();
    const rows = await q.execute();
    if (rows.length === 0) return [];
    const won = await db
      .updateTable('events')
      .set({ status: 'delivering' })
      .where(
        'event_id',
        'in',
        rows.map((r) => r.event_id),
      )
      .where('status', '=', 'pending')
      .returning('event_id')
      .execute();
    const ids = new Set(won.map((w) => w.event_id));
    return rows.filter((r) => ids.has(r.event_id)).map((r) => ({ ...toStoredEvent(r), status: 'delivering' }));
  }

  async insertDeliveries(rows: NewDelivery[]): Promise<void> {
    if (rows.length === 0) return;
    // Chunked: SQLite caps the bound parameters of one statement.
    for (let i = 0; i < rows.length; i += 100) {
      await this.#db()
        .insertInto('event_deliveries')
        .values(rows.slice(i, i + 100).map((r) => ({ ...r, status: 'pending', attempts: 0 })))
        .onConflict((oc) => oc.columns(['event_id', 'destination']).doNothing())
        .execute();
    }
  }

  async setEventStatus(eventId: string, status: EventDeliveryStatus): Promise<void> {
    await this.#db().updateTable('events').set({ status }).where('event_id', '=', eventId).execute();
  }

  async claimDue(owner: string, now: number, leaseUntil: number, limit: number): Promise<ClaimedDelivery[]> {
    if (limit <= 0) return [];
    const db = this.#db();
    let candidates = db
      .selectFrom('event_deliveries as d')
      .select('d.delivery_id')
      .where('d.status', '=', 'pending')
      .where('d.next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('d.claimed_until', 'is', null), eb('d.claimed_until', '<', now)]))
      .where(isHeadOfOrderingKey)
      .orderBy('d.next_attempt_at')
      .orderBy('d.event_seq')
      .limit(limit);
    // Racing processes on PostgreSQL take disjoint rows instead of colliding on the same ones.
    if (this.#dialect === 'postgres') candidates = candidates.forUpdate('d').skipLocked();
    const due = await candidates.execute();
    if (due.length === 0) return [];
    // Compare-and-set: a row another process leased meanwhile is not updated, so not ours.
    const won = await db
      .updateTable('event_deliveries')
      .set({ claimed_by: owner, claimed_until: leaseUntil })
      .where(
        'delivery_id',
        'in',
        due.map((c) => c.delivery_id),
      )
      .where('status', '=', 'pending')
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
      .returning('delivery_id')
      .execute();
    if (won.length === 0) return [];
    const rows = await db
      .selectFrom('event_deliveries as d')
      .innerJoin('events as e', 'e.event_id', 'd.event_id')
      .select([
        'd.delivery_id',
        'd.event_id',
        'd.env_id',
        'd.destination',
        'd.ordering_key',
        'd.status',
        'd.attempts',
        'd.next_attempt_at',
        'd.delivered_at',
        'd.last_error',
        'e.kind',
        'e.payload',
        'e.created_at',
      ])
      .where(
        'd.delivery_id',
        'in',
        won.map((w) => w.delivery_id),
      )
      .orderBy('d.event_seq')
      .execute();
    // parseJson: plain JSON.parse unless a number needs the (much slower) lossless parser.
    return rows.map((r) => ({
      ...toDelivery(r),
      kind: r.kind as EventKind,
      payload: parseJson(r.payload) as Record<string, unknown>,
      payload_text: r.payload,
      created_at: r.created_at,
    }));
  }

  async recordAttempts(results: AttemptResult[]): Promise<void> {
    const db = this.#db();
    // Batched: at thousands of deliveries a second, statements per attempt are the cost.
    for (let i = 0; i < results.length; i += 100) {
      await db
        .insertInto('event_delivery_attempts')
        .values(
          results.slice(i, i + 100).map((r) => ({
            delivery_id: r.delivery_id,
            attempted_at: r.attempted_at,
            status_code: r.status_code,
            latency_ms: Math.round(r.latency_ms),
            response_excerpt: r.response_excerpt,
            error: r.error,
            outcome: r.outcome,
          })),
        )
        .execute();
    }
    // The common case, delivered, is one statement per owner (delivered_at: when it was recorded).
    const delivered = results.filter((r) => r.outcome === 'delivered');
    for (const owner of new Set(delivered.map((r) => r.owner))) {
      const ids = delivered.filter((r) => r.owner === owner).map((r) => r.delivery_id);
      for (let i = 0; i < ids.length; i += 200) {
        await db
          .updateTable('event_deliveries')
          .set((eb) => ({
            status: 'delivered',
            attempts: eb('attempts', '+', 1),
            next_attempt_at: null,
            delivered_at: Date.now(),
            last_error: null,
            claimed_by: null,
            claimed_until: null,
          }))
          .where('delivery_id', 'in', ids.slice(i, i + 200))
          .where('claimed_by', '=', owner)
          .execute();
      }
    }
    for (const r of results) {
      if (r.outcome === 'delivered') continue;
      const status: DeliveryStatus = r.outcome === 'retry' ? 'pending' : r.outcome;
      await db
        .updateTable('event_deliveries')
        .set((eb) => ({
          status,
          attempts: eb('attempts', '+', 1),
          next_attempt_at: r.outcome === 'retry' ? r.next_attempt_at : null,
          delivered_at: null,
          last_error: r.error ?? `HTTP ${r.status_code}`,
          claimed_by: null,
          claimed_until: null,
        }))
        .where('delivery_id', '=', r.delivery_id)
        .where('claimed_by', '=', r.owner)
        .execute();
    }
  }

  async refreshEventStatus(eventIds: string[]): Promise<void> {
    const db = this.#db();
    // One statement per chunk. The worst delivery decides (pending < failed/gone < delivered; none:
    // no destination); the subquery filters on event_id alone so it uses the (event_id, destination) index.
    const worst = sql<
      number | null
    >`(select min(case d.status when 'pending' then 0 when 'delivered' then 2 else 1 end) from event_deliveries d where d.event_id = events.event_id)`;
    for (let i = 0; i < eventIds.length; i += 500) {
      await db
        .updateTable('events')
        .set({
          status: sql<string>`case ${worst} when 0 then 'delivering' when 1 then 'failed' when 2 then 'delivered' else 'no_destination' end`,
        })
        .where('event_id', 'in', eventIds.slice(i, i + 500))
        .execute();
    }
  }

  async nextDueAt(): Promise<number | null> {
    // Only the head of each (destination, ordering_key) can fall due: the others wait for it.
    const row = await this.#db()
      .selectFrom('event_deliveries as d')
      .select((eb) =>
        eb.fn
          .min(
            sql<
              number | string
            >`case when d.claimed_until is not null and d.claimed_until > d.next_attempt_at then d.claimed_until else d.next_attempt_at end`,
          )
          .as('due'),
      )
      .where('d.status', '=', 'pending')
      .where(isHeadOfOrderingKey)
      .executeTakeFirst();
    const due = row?.due as number | string | null | undefined;
    return due === null || due === undefined ? null : epochMs(due);
  }

  async listStoredEvents(filter: EventListFilter): Promise<StoredEvent[]> {
    if (filter.limit <= 0) return [];
    let q = this.#db().selectFrom('events').select(EVENT_COLUMNS).where('env_id', '=', filter.env_id);
    if (filter.kind !== undefined) q = q.where('kind', '=', filter.kind);
    if (filter.status !== undefined) q = q.where('status', '=', filter.status);
    const before = filter.before_event_id;
    if (before !== undefined) {
      q = q.where('seq', '<', (eb) =>
        eb
          .selectFrom('events as cursor')
          .select('cursor.seq')
          .where('cursor.env_id', '=', filter.env_id)
          .where('cursor.event_id', '=', before),
      );
    }
    return (await q.orderBy('seq', 'desc').limit(filter.limit).execute()).map(toStoredEvent);
  }

  async getStoredEvent(envId: string, eventId: string): Promise<StoredEvent | undefined> {
    const row = await this.#db()
      .selectFrom('events')
      .select(EVENT_COLUMNS)
      .where('env_id', '=', envId)
      .where('event_id', '=', eventId)
      .executeTakeFirst();
    return row ? toStoredEvent(row) : undefined;
  }

  async listDeliveries(eventId: string): Promise<Delivery[]> {
    const rows = await this.#db()
      .selectFrom('event_deliveries')
      .select(DELIVERY_COLUMNS)
      .where('event_id', '=', eventId)
      .orderBy('delivery_id')
      .execute();
    return rows.map(toDelivery);
  }

  async listAttempts(deliveryIds: number[]): Promise<Attempt[]> {
    if (deliveryIds.length === 0) return [];
    const rows = await this.#db()
      .selectFrom('event_delivery_attempts')
      .select(['delivery_id', 'attempted_at', 'status_code', 'latency_ms', 'response_excerpt', 'error', 'outcome'])
      .where('delivery_id', 'in', deliveryIds)
      .orderBy('attempt_id')
      .execute();
    return rows.map((r) => ({
      ...r,
      delivery_id: epochMs(r.delivery_id),
      status_code: r.status_code === null ? null : Number(r.status_code),
      latency_ms: Number(r.latency_ms),
      outcome: r.outcome as Attempt['outcome'],
    }));
  }

  async redeliver(eventId: string, destinations: string[], now: number): Promise<void> {
    if (destinations.length === 0) return;
    await this.#db()
      .updateTable('event_deliveries')
      .set({ status: 'pending', next_attempt_at: now, claimed_by: null, claimed_until: null })
      .where('event_id', '=', eventId)
      .where('destination', 'in', destinations)
      .execute();
    await this.setEventStatus(eventId, 'delivering');
  }
}
