import type pg from 'pg';
import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import { SinewError } from '../errors/sinew-error.js';
import { WakeSignal } from '../runtime/wake-signal.js';
import type { JobQueue, QueuedJob, QueueHandler } from './job-queue.js';
import { JOB_QUEUE_NAME, openQueuePool, pgBossOn, pgBossSchemaFor, queueChannelFor } from './pg-boss-setup.js';
import { QueueNotifications } from './queue-notifications.js';

export interface PgBossQueueOptions {
  url: string;
  /** The store's PostgreSQL schema; pg-boss's is derived from it (pgBossSchemaFor). */
  schema?: string;
  logger: Logger;
  /** How often an idle consumer looks for jobs when no notification woke it (ms). */
  pollMs?: number;
}

const DEFAULT_POLL_MS = 2000;
const INSERT_CHUNK = 500;

const isQueuedJob = (d: unknown): d is QueuedJob =>
  typeof d === 'object' && d !== null && typeof (d as QueuedJob).env_id === 'string' && typeof (d as QueuedJob).job_id === 'string';

/**
 * The job queue on PostgreSQL, with pg-boss (FOR UPDATE SKIP LOCKED fetches, its own tables, its own
 * maintenance). A pg-boss row is only the hand-over of a job id to one consumer: it is completed as
 * soon as it is fetched, and the worker then claims the job's row in the store, which decides who
 * runs the job and whether it runs again (leases). So pg-boss's expiry never has to outlast a job
 * (jobs may run for days; pg-boss caps expiry below 24 h), and its retries are off.
 *
 * Queueing sends a NOTIFY that wakes idle consumers at once; they also poll (`pollMs`), which
 * covers a notification lost while their listening connection was down.
 */
export class PgBossQueue implements JobQueue {
  readonly #running = new Set<Promise<void>>();
  readonly #signal = new WakeSignal();
  readonly #notifications: QueueNotifications;
  #handler: QueueHandler | undefined;
  #concurrency = 1;
  #consuming = false;
  #loop: Promise<void> | undefined;

  private constructor(
    private readonly boss: PgBoss,
    private readonly pool: pg.Pool,
    private readonly channel: string,
    private readonly opts: PgBossQueueOptions,
  ) {
    this.#notifications = new QueueNotifications({
      url: opts.url,
      schema: opts.schema,
      channel,
      onNotify: () => this.#signal.wake(),
      logger: opts.logger,
    });
  }

  /** Connects and checks that `sinew migrate` installed the queue; UNAVAILABLE otherwise. */
  static async open(opts: PgBossQueueOptions): Promise<PgBossQueue> {
    const pool = openQueuePool(opts.url, opts.schema, opts.logger);
    const boss = pgBossOn(pool, opts.schema, { install: false });
    boss.on('error', (e: Error) => opts.logger.warn({ err: e.message }, 'job queue (pg-boss) maintenance failed'));
    const schema = pgBossSchemaFor(opts.schema);
    try {
      await boss.start();
      if (!(await boss.getQueue(JOB_QUEUE_NAME))) throw new Error('pg-boss is not installed');
    } catch (e) {
      await boss.stop({ graceful: false }).catch(() => {});
      await pool.end();
      const message = (e as Error).message;
      if (/not installed|requires migrations/.test(message)) {
        throw new SinewError(
          'UNAVAILABLE',
          `the job queue (pg-boss, schema ${schema}) is not installed or not current: run \`sinew migrate\` first`,
          { schema },
        );
      }
      throw new SinewError('UNAVAILABLE', `cannot use PostgreSQL for the job queue: ${message}`, { schema });
    }
    return new PgBossQueue(boss, pool, queueChannelFor(opts.schema), opts);
  }

  async enqueue(item: QueuedJob): Promise<void> {
    await this.boss.send(JOB_QUEUE_NAME, item, { singletonKey: item.job_id });
    await this.#notify();
  }

  async enqueueMany(items: QueuedJob[]): Promise<void> {
    if (items.length === 0) return;
    for (let i = 0; i < items.length; i += INSERT_CHUNK) {
      // One statement per chunk; rows whose job is already waiting conflict and are skipped.
      await this.boss.insert(items.slice(i, i + INSERT_CHUNK).map((data) => ({ name: JOB_QUEUE_NAME, data, singletonKey: data.job_id })));
    }
    await this.#notify();
  }

  async start(handler: QueueHandler, opts: { concurrency: number }): Promise<void> {
    if (this.#consuming) return;
    this.#handler = handler;
    this.#concurrency = Math.max(1, opts.concurrency);
    this.#consuming = true;
    await this.#notifications.start();
    this.#loop = this.#consume();
  }

  async stop(): Promise<void> {
    if (!this.#consuming) return;
    this.#consuming = false;
    this.#signal.wake();
    await this.#loop;
    await Promise.allSettled([...this.#running]);
    await this.#notifications.stop();
  }

  async depth(): Promise<number> {
    return this.boss.getQueueSize(JOB_QUEUE_NAME);
  }

  async close(): Promise<void> {
    await this.stop();
    await this.boss.stop({ graceful: false }).catch(() => {});
    await this.pool.end();
  }

  async #consume(): Promise<void> {
    while (this.#consuming) {
      const free = this.#concurrency - this.#running.size;
      let full = false;
      if (free > 0) {
        const items = await this.#take(free);
        full = items.length === free;
        for (const item of items) this.#dispatch(item);
      }
      // A full batch with slots still free: there may be more waiting, fetch again at once.
      if (full && this.#running.size < this.#concurrency) continue;
      await this.#signal.wait(this.opts.pollMs ?? DEFAULT_POLL_MS);
    }
  }

  /** Fetches up to `n` waiting items and completes their rows: from here the store's claim decides. */
  async #take(n: number): Promise<QueuedJob[]> {
    try {
      // pg-boss's fetch answers [] when the database fails; depth() (/ready) reports that instead.
      const jobs = await this.boss.fetch<unknown>(JOB_QUEUE_NAME, { batchSize: n });
      if (jobs.length === 0) return [];
      await this.boss.complete(
        JOB_QUEUE_NAME,
        jobs.map((j) => j.id),
      );
      const items = jobs.map((j) => j.data).filter(isQueuedJob);
      if (!this.#consuming) {
        // Stopped while fetching: hand them back for another consumer.
        await this.enqueueMany(items);
        return [];
      }
      return items;
    } catch (e) {
      this.opts.logger.warn({ err: (e as Error).message }, 'job queue: could not take jobs; trying again');
      return [];
    }
  }

  #dispatch(item: QueuedJob): void {
    const handler = this.#handler!;
    const run: Promise<void> = handler(item)
      .catch((e: Error) => this.opts.logger.error({ err: e.message, job_id: item.job_id }, 'job queue: handler failed'))
      .finally(() => {
        this.#running.delete(run);
        this.#signal.wake();
      });
    this.#running.add(run);
  }

  async #notify(): Promise<void> {
    // Consumers in this process need no round trip through the database.
    this.#signal.wake();
    await this.pool.query('select pg_notify($1, $2)', [this.channel, '']);
  }
}
