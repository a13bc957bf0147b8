/** An event written to the outbox in the same transaction as the change it reports. */
export type EventKind = 'job_lifecycle' | 'discover' | 'connection';

export interface OutboxEvent {
  event_id: string;
  env_id: string;
  kind: EventKind;
  /** Ordering key: events with the same key are delivered in insertion order (e.g. one job's). */
  ordering_key: string;
  payload: Record<string, unknown>;
  created_at: string;
}
