import pg from 'pg';
import type { Logger } from 'pino';
import { Backoff } from '../runtime/backoff.js';
import { connectionName, guardClient } from '../runtime/postgres-pool.js';
import { WakeSignal } from '../runtime/wake-signal.js';

/** Reconnects: the first at once-ish, then doubling up to this; a connection that works starts over. */
const RECONNECT_FIRST_MS = 500;
const RECONNECT_MAX_MS = 15_000;

export interface QueueNotificationsOptions {
  url: string;
  /** The store's schema (names the connection in pg_stat_activity). */
  schema: string | undefined;
  /** A plain identifier (derived from a validated schema name), so it can be quoted as is. */
  channel: string;
  onNotify: () => void;
  logger: Logger;
}

/**
 * LISTEN on the queue's channel, so an idle worker fetches a job the moment another process queues
 * it instead of at its next poll. One dedicated connection, opened again whenever it drops (the
 * backend terminated, the server restarted) — with back-off while the database stays away; while it
 * is down the worker's poll still finds every job, only later. Every (re)connection counts as a
 * wake, since notifications sent meanwhile are lost.
 */
export class QueueNotifications {
  #client: pg.Client | undefined;
  #stopped = true;
  #loop: Promise<void> | undefined;
  readonly #pause = new WakeSignal();
  readonly #backoff = new Backoff(RECONNECT_FIRST_MS, RECONNECT_MAX_MS);

  constructor(private readonly opts: QueueNotificationsOptions) {}

  /** Resolves once the first LISTEN is in place (or its first attempt failed: polling covers it). */
  async start(): Promise<void> {
    this.#stopped = false;
    this.#pause.clear();
    await new Promise<void>((firstAttempt) => {
      this.#loop = this.#listen(firstAttempt);
    });
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#pause.wake();
    // Only a listening client is ended here; one still connecting sees the flag once connected.
    await this.#client?.end().catch(() => {});
    await this.#loop;
  }

  async #listen(firstAttempt: () => void): Promise<void> {
    while (!this.#stopped) {
      const lost = await this.#session(firstAttempt);
      if (this.#stopped) return;
      const delay = this.#backoff.next();
      this.opts.logger.warn(
        { err: lost, retry_in_ms: delay, failures: this.#backoff.failures },
        'job queue: the connection listening for new jobs was lost; polling until it is back',
      );
      await this.#pause.wait(delay);
    }
  }

  /** One connection, listening until it ends; returns why it ended (unless stopped). */
  async #session(firstAttempt: () => void): Promise<string> {
    const client = new pg.Client({ connectionString: this.opts.url, application_name: connectionName(this.opts.schema, 'queue-listen') });
    const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
    let why = 'the connection ended';
    // Without a listener, a connection dropped by the server would be an uncaught 'error' event.
    guardClient(client, 'queue-listen', this.opts.logger);
    client.on('error', (e: Error) => (why = e.message));
    try {
      await client.connect();
      client.on('notification', () => this.opts.onNotify());
      await client.query(`LISTEN "${this.opts.channel}"`);
      firstAttempt();
      if (this.#stopped) {
        await client.end();
        return why;
      }
      this.#client = client;
      this.#backoff.reset();
      this.opts.onNotify();
      await ended;
      return why;
    } catch (e) {
      firstAttempt();
      await client.end().catch(() => {});
      return (e as Error).message;
    } finally {
      this.#client = undefined;
    }
  }
}
