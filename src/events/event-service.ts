import { invalid, notFound } from '../errors/sinew-error.js';
import type { EventKind } from '../model/event.js';
import { environmentSettings } from '../settings/environment-settings.js';
import { SINK_NAMES } from '../sinks/sink-registry.js';
import type { Attempt, Delivery, EventDeliveryStatus, StoredEvent } from '../store/delivery-ops.js';
import type { Store } from '../store/store.js';
import { destinationsFor } from './event-destinations.js';
import type { OutboxNotifier } from './outbox-notifier.js';

export interface EventView {
  event_id: string;
  kind: EventKind;
  ordering_key: string;
  created_at: string;
  status: EventDeliveryStatus;
  payload: Record<string, unknown>;
}

export interface DeliveryView {
  destination: string;
  status: Delivery['status'];
  attempt_count: number;
  next_attempt_at: string | null;
  delivered_at: string | null;
  last_error: string | null;
  attempts: Omit<Attempt, 'delivery_id'>[];
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const view = (e: StoredEvent): EventView => ({
  event_id: e.event_id,
  kind: e.kind,
  ordering_key: e.ordering_key,
  created_at: e.created_at,
  status: e.status,
  payload: e.payload,
});

/**
 * The events API: the outbox as the environment owner sees it, with every delivery attempt, and
 * redelivery. Destination URLs, secrets and API keys are never part of an answer.
 */
export class EventService {
  constructor(
    private readonly store: Store,
    private readonly notifier: OutboxNotifier,
  ) {}

  async list(envId: string, q: { kind?: EventKind; status?: EventDeliveryStatus; limit: number; before?: string }): Promise<EventView[]> {
    const events = await this.store.deliveries.listStoredEvents({
      env_id: envId,
      kind: q.kind,
      status: q.status,
      limit: q.limit,
      before_event_id: q.before,
    });
    return events.map(view);
  }

  async get(envId: string, eventId: string): Promise<EventView & { deliveries: DeliveryView[] }> {
    const event = await this.store.deliveries.getStoredEvent(envId, eventId);
    if (!event) throw notFound('event', { event_id: eventId });
    const deliveries = await this.store.deliveries.listDeliveries(eventId);
    const attempts = await this.store.deliveries.listAttempts(deliveries.map((d) => d.delivery_id));
    return {
      ...view(event),
      deliveries: deliveries.map((d) => ({
        destination: d.destination,
        status: d.status,
        attempt_count: d.attempts,
        next_attempt_at: iso(d.next_attempt_at),
        delivered_at: iso(d.delivered_at),
        last_error: d.last_error,
        attempts: attempts.filter((a) => a.delivery_id === d.delivery_id).map(({ delivery_id: _id, ...a }) => a),
      })),
    };
  }

  /**
   * One new attempt now, to every destination (those of the first dispatch plus any the current
   * settings add) or to `destination` only. Later events of the same ordering key wait for it.
   */
  async redeliver(envId: string, eventId: string, destination?: string): Promise<EventView & { deliveries: DeliveryView[] }> {
    if (destination !== undefined && !SINK_NAMES.includes(destination)) {
      throw invalid(`unknown destination ${destination}`, { allowed: SINK_NAMES });
    }
    await this.store.transaction(async (tx) => {
      const event = await tx.deliveries.getStoredEvent(envId, eventId);
      if (!event) throw notFound('event', { event_id: eventId });
      // Not yet dispatched: the dispatcher sends it soon anyway.
      if (event.status === 'pending') return;
      const env = await tx.environments.get(envId);
      const configured = destinationsFor(event.kind, event.payload, environmentSettings(env?.settings ?? {}).monitoring);
      const existing = (await tx.deliveries.listDeliveries(eventId)).map((d) => d.destination);
      let chosen = [...new Set([...existing, ...configured])];
      if (destination !== undefined) {
        if (!chosen.includes(destination)) throw invalid(`event ${eventId} has no ${destination} destination`, { destination });
        chosen = [destination];
      }
      if (chosen.length === 0) throw invalid(`no destination is configured for ${event.kind} events`, { kind: event.kind });
      const now = Date.now();
      const missing = chosen.filter((d) => !existing.includes(d));
      await tx.deliveries.insertDeliveries(
        missing.map((d) => ({
          event_id: eventId,
          event_seq: event.seq,
          env_id: envId,
          destination: d,
          ordering_key: event.ordering_key,
          next_attempt_at: now,
        })),
      );
      await tx.deliveries.redeliver(eventId, chosen, now);
    });
    this.notifier.notify();
    return this.get(envId, eventId);
  }
}
