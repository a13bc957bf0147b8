import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { SecretBox } from '../crypto/secret-box.js';
import type { BackgroundRole } from '../runtime/background-role.js';
import { WakeSignal } from '../runtime/wake-signal.js';
import { environmentAddressPolicy, environmentSettings, type MonitoringSettings } from '../settings/environment-settings.js';
import { openSettings } from '../settings/settings-secrets.js';
import type { AttemptResult, ClaimedDelivery, NewDelivery } from '../store/delivery-ops.js';
import type { Store, StoreOps } from '../store/store.js';
import { attemptOutcome } from './attempt-outcome.js';
import { type DeliveryAttemptCounter, deliveryLogFields } from './delivery-observation.js';
import { buildDeliveryRequest } from './delivery-request.js';
import type { EventDeliveryConfig } from './event-delivery-config.js';
import { destinationsFor } from './event-destinations.js';
import { HttpSender, type SendOutcome } from './http-sender.js';
import type { OutboxNotifier } from './outbox-notifier.js';

export interface EventDispatcherOptions {
  store: Store;
  config: EventDeliveryConfig;
  notifier: OutboxNotifier;
  logger: Logger;
  /** Opens the settings' sealed secrets (webhook secrets, the Datadog key, the Slack URL) to send. */
  box: SecretBox;
  /** Counts each attempt's outcome (the metrics module); absent, attempts are only stored. */
  metrics?: DeliveryAttemptCounter;
}

interface Claimed {
  delivery: ClaimedDelivery;
  monitoring: MonitoringSettings;
}

const FAN_OUT_BATCH = 500;

/**
 * Delivers the event outbox (a BackgroundRole: runs in every process that runs the worker role).
 *
 * One loop; each turn is one store transaction that (1) records the attempts finished since the
 * last turn, (2) fans new outbox events out to their destinations (one delivery row each, settings
 * read now), (3) leases due deliveries up to the free concurrency. The sends then run concurrently
 * outside the transaction; each one finishing wakes the loop. Leases make this safe with several
 * processes on one PostgreSQL store, and a dead process's leases simply expire (its in-flight
 * attempts are sent again: receivers de-duplicate by the event id header).
 */
export class EventDispatcher implements BackgroundRole {
  readonly name = 'event-delivery';
  readonly owner = `${process.pid}:${randomUUID()}`;
  readonly #sender: HttpSender;
  readonly #results: (AttemptResult & { event_id: string })[] = [];
  readonly #inFlight = new Set<Promise<void>>();
  #running = false;
  #loop: Promise<void> | undefined;
  readonly #signal = new WakeSignal();
  #unsubscribe: (() => void) | undefined;

  constructor(private readonly opts: EventDispatcherOptions) {
    this.#sender = new HttpSender(opts.config.timeoutMs, Math.max(16, opts.config.concurrency));
  }

  /** Leases outlive the longest attempt, so a live process never loses one mid-send. */
  get leaseMs(): number {
    return this.opts.config.timeoutMs + 5000;
  }

  async start(): Promise<void> {
    this.#running = true;
    this.#unsubscribe = this.opts.notifier.subscribe(() => this.wake());
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#unsubscribe?.();
    this.wake();
    await this.#loop;
    await Promise.allSettled([...this.#inFlight]);
    await this.#flushResults().catch((e: Error) =>
      this.opts.logger.error({ err: e.message }, 'event delivery: could not record the last attempts'),
    );
    this.#sender.close();
  }

  wake(): void {
    this.#signal.wake();
  }

  async #run(): Promise<void> {
    while (this.#running) {
      this.#signal.clear();
      try {
        const claimed = await this.#turn();
        for (const c of claimed) this.#send(c);
        // better-sqlite3 answers synchronously: without this the loop could run on microtasks alone
        // and starve the sockets it is waiting for.
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (this.#signal.pending || !this.#running) continue;
        const due = await this.opts.store.deliveries.nextDueAt();
        const full = this.#inFlight.size >= this.opts.config.concurrency;
        // Something due that this turn did not take (all slots busy) waits for a send to finish.
        const wait = due === null || full ? this.opts.config.pollMs : Math.min(this.opts.config.pollMs, due - Date.now());
        if (wait > 0) await this.#signal.wait(wait);
      } catch (e) {
        this.opts.logger.error({ err: (e as Error).message }, 'event delivery turn failed; retrying');
        await this.#signal.wait(this.opts.config.pollMs);
      }
    }
  }

  async #turn(): Promise<Claimed[]> {
    const results = this.#results.splice(0);
    const free = this.opts.config.concurrency - this.#inFlight.size;
    try {
      return await this.opts.store.transaction(async (tx) => {
        await this.#record(tx, results);
        const monitoring = monitoringReader(tx, this.opts.box);
        const events = await tx.deliveries.takeEventsToDispatch(FAN_OUT_BATCH);
        const rows: NewDelivery[] = [];
        const now = Date.now();
        for (const e of events) {
          const destinations = destinationsFor(e.kind, e.payload, await monitoring(e.env_id));
          if (destinations.length === 0) await tx.deliveries.setEventStatus(e.event_id, 'no_destination');
          for (const destination of destinations) {
            rows.push({
              event_id: e.event_id,
              event_seq: e.seq,
              env_id: e.env_id,
              destination,
              ordering_key: e.ordering_key,
              next_attempt_at: now,
            });
          }
        }
        await tx.deliveries.insertDeliveries(rows);
        const claimed = await tx.deliveries.claimDue(this.owner, now, now + this.leaseMs, free);
        const out: Claimed[] = [];
        for (const delivery of claimed) out.push({ delivery, monitoring: await monitoring(delivery.env_id) });
        return out;
      });
    } catch (e) {
      this.#results.unshift(...results);
      throw e;
    }
  }

  async #record(tx: StoreOps, results: (AttemptResult & { event_id: string })[]): Promise<void> {
    if (results.length === 0) return;
    await tx.deliveries.recordAttempts(results);
    await tx.deliveries.refreshEventStatus([...new Set(results.map((r) => r.event_id))]);
  }

  async #flushResults(): Promise<void> {
    const results = this.#results.splice(0);
    if (results.length > 0) await this.opts.store.transaction((tx) => this.#record(tx, results));
  }

  #send(c: Claimed): void {
    const p = this.#attempt(c)
      .catch((e: Error) => this.opts.logger.error({ ...deliveryLogFields(c.delivery), err: e.message }, 'event delivery attempt crashed'))
      .finally(() => {
        this.#inFlight.delete(p);
        // Under load, a turn per finished send would be a store transaction per delivery: wait
        // until half the slots are free, so each turn records and claims a large batch at once.
        if (this.#inFlight.size <= this.opts.config.concurrency >> 1) this.wake();
      });
    this.#inFlight.add(p);
  }

  async #attempt({ delivery, monitoring }: Claimed): Promise<void> {
    const attemptedAt = new Date();
    const request = buildDeliveryRequest(delivery.destination, delivery, monitoring, {
      datadogUrlTemplate: this.opts.config.datadogUrlTemplate,
    });
    const policy = { allowPrivate: monitoring.allow_private_urls === true, allowLoopback: this.opts.config.allowLoopback };
    const sent: SendOutcome =
      typeof request === 'string'
        ? { status_code: null, latency_ms: 0, response_excerpt: null, error: request }
        : await this.#sender.post(request, policy);
    const decided = attemptOutcome(sent, delivery.attempts, this.opts.config.retryScheduleMs, Date.now());
    this.#observe(delivery, sent, decided.outcome);
    this.#results.push({
      delivery_id: delivery.delivery_id,
      event_id: delivery.event_id,
      owner: this.owner,
      attempted_at: attemptedAt.toISOString(),
      status_code: sent.status_code,
      latency_ms: sent.latency_ms,
      response_excerpt: sent.response_excerpt,
      error: sent.error,
      ...decided,
    });
  }

  /**
   * Counts the outcome and logs it: a delivered attempt at debug (there are thousands a second
   * under load), a retry at info, giving up (schedule used up, or 410 Gone) at warn. Never the URL:
   * a Slack webhook URL is itself a credential.
   */
  #observe(delivery: ClaimedDelivery, sent: SendOutcome, outcome: AttemptResult['outcome']): void {
    this.opts.metrics?.countAttempt({ env_id: delivery.env_id, destination: delivery.destination, event_kind: delivery.kind, outcome });
    const fields = {
      ...deliveryLogFields(delivery),
      outcome,
      attempt: delivery.attempts + 1,
      status_code: sent.status_code,
      error: sent.error,
    };
    if (outcome === 'delivered') this.opts.logger.debug(fields, 'event delivered');
    else if (outcome === 'retry') this.opts.logger.info(fields, 'event delivery attempt failed; will retry');
    else this.opts.logger.warn(fields, 'event delivery gave up');
  }
}

/**
 * Reads an environment's monitoring settings once per turn. `allow_private_urls` comes out as the
 * monitoring address policy's allowance: the environment-wide `network.allow_private_addresses`
 * allows monitoring URLs too (environmentAddressPolicy).
 */
function monitoringReader(tx: StoreOps, box: SecretBox): (envId: string) => Promise<MonitoringSettings> {
  const cache = new Map<string, MonitoringSettings>();
  return async (envId) => {
    let m = cache.get(envId);
    if (!m) {
      const env = await tx.environments.get(envId);
      const doc = openSettings(box, env?.settings ?? {});
      m = { ...environmentSettings(doc).monitoring, allow_private_urls: environmentAddressPolicy(doc, false, 'monitoring').allowPrivate };
      cache.set(envId, m);
    }
    return m;
  };
}
