import type { EventKind } from '../model/event.js';
import type { Attempt, ClaimedDelivery } from '../store/delivery-ops.js';

/** One decided attempt, as the metrics count it: no URL, no payload, only bounded labels. */
export interface CountedAttempt {
  env_id: string;
  destination: string;
  event_kind: EventKind;
  outcome: Attempt['outcome'];
}

/** What event delivery reports each attempt to (implemented by the metrics module). */
export interface DeliveryAttemptCounter {
  countAttempt(attempt: CountedAttempt): void;
}

/**
 * The ids a delivery log line carries: the event's, and those of the job, flow and tenant it is
 * about when its payload names them (job lifecycle, discover and connection events all do).
 */
export function deliveryLogFields(
  d: Pick<ClaimedDelivery, 'event_id' | 'env_id' | 'kind' | 'destination' | 'payload'>,
): Record<string, string> {
  const fields: Record<string, string> = { event_id: d.event_id, event_kind: d.kind, destination: d.destination, env_id: d.env_id };
  for (const key of ['job_id', 'flow_id', 'tenant'] as const) {
    const value = d.payload[key];
    if (typeof value === 'string') fields[key] = value;
  }
  return fields;
}
