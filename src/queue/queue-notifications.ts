import pg from 'pg';
import type { Logger } from 'pino';

const RECONNECT_MS = 1000;

/**
 * LISTEN on the queue's channel, so an idle worker fetches a job the moment another process queues
 * it instead of at its next poll. One dedicated connection, re-opened when it drops; while it is down
 * the worker's poll still finds every job, only later. Every (re)connection counts as a wake, since
 * notifications sent meanwhile are lost.
 */
export class QueueNotifications {
  #client: pg.Client | undefined;
  #stopped = true;
  #loop: Promise<void> | undefined;

  constructor(
    private readonly url: string,
    /** A plain identifier (derived from a validated schema name), so it can be quoted as is. */
    private readonly channel: string,
    private readonly onNotify: () => void,
    private readonly logger: Logger,
  ) {}

  /** Resolves once the first LISTEN is in place (or its first attempt failed: polling covers it). */
  async start(): Promise<void> {
    this.#stopped = false;
    await new Promise<void>((firstAttempt) => {
      this.#loop = this.#listen(firstAttempt);
    });
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    // Only a listening client is ended here; one still connecting sees the flag once connected.
    await this.#client?.end().catch(() => {});
    await this.#loop;
  }

  async #listen(firstAttempt: () => void): Promise<void> {
    while (!this.#stopped) {
      const client = new pg.Client({ connectionString: this.url, application_name: 'sinew-queue-listen' });
      const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
      client.on('error', () => {});
      try {
        await client.connect();
        client.on('notification', () => this.onNotify());
        await client.query(`LISTEN "${this.channel}"`);
        firstAttempt();
        if (this.#stopped) {
          await client.end();
          return;
        }
        this.#client = client;
        this.onNotify();
        await ended;
      } catch (e) {
        firstAttempt();
        if (!this.#stopped) this.logger.warn({ err: (e as Error).message }, 'job queue: cannot listen for new jobs; polling meanwhile');
        await client.end().catch(() => {});
      } finally {
        this.#client = undefined;
      }
      if (!this.#stopped) await new Promise((r) => setTimeout(r, RECONNECT_MS));
    }
  }
}
