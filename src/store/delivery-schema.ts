import type { ColumnType, Generated } from 'kysely';
import type { Database } from './database-schema.js';

/** The Kysely view of the delivery tables (migration 0002), beside the shared Database. */
type NullableEpochMs = ColumnType<number | string | null, number | null | undefined, number | null>;

export interface EventDeliveriesTable {
  delivery_id: Generated<number | string>;
  event_id: string;
  event_seq: ColumnType<number | string, number, number>;
  env_id: string;
  destination: string;
  ordering_key: string;
  status: string;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: NullableEpochMs;
  claimed_by: ColumnType<string | null, string | null | undefined, string | null>;
  claimed_until: NullableEpochMs;
  delivered_at: NullableEpochMs;
  last_error: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface EventDeliveryAttemptsTable {
  attempt_id: Generated<number | string>;
  delivery_id: number;
  attempted_at: string;
  status_code: number | null;
  latency_ms: number;
  response_excerpt: string | null;
  error: string | null;
  outcome: string;
}

export interface DeliveryDatabase extends Database {
  event_deliveries: EventDeliveriesTable;
  event_delivery_attempts: EventDeliveryAttemptsTable;
}
