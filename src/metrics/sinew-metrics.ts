import type { Logger } from 'pino';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { CountedAttempt, DeliveryAttemptCounter } from '../events/delivery-observation.js';
import type { JobLifecycle } from '../jobs/job-lifecycle.js';
import { JOB_STATUSES, type Job } from '../model/job.js';
import type { JobQueue } from '../queue/job-queue.js';
import type { Store } from '../store/store.js';
import type { EndedRealtimeWrite, RealtimeWriteObserver } from '../writes/realtime-write-observer.js';
import { endedPhases } from './job-phase-durations.js';
import { JobStatusCounts } from './job-status-counts.js';

export interface SinewMetricsOptions {
  store: Store;
  queue: JobQueue;
  /** Every status change this process makes is observed here (phase durations). */
  lifecycle: JobLifecycle;
  logger: Logger;
  /** SINEW_METRICS_TOKEN: when set, a scrape must send `Authorization: Bearer <token>`. */
  scrapeToken?: string;
}

// Seconds: jobs run from well under a second (a write job of a few records) to hours.
const PHASE_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600];

/**
 * The process's Prometheus registry, the one place Sinew touches prom-client. Labels are bounded
 * on purpose: environment, status, phase, outcome, destination and event kind — never a tenant, a
 * flow, a job id or anything a caller typed (unbounded series), never a URL or a key.
 *
 * - `sinew_jobs{env_id,status}` is read from the store at scrape time, so every process reports
 *   the same numbers whichever one is scraped (aggregate with `max`, not `sum`).
 * - `sinew_job_phase_duration_seconds` and `sinew_event_delivery_attempts_total` count what this
 *   process did: each status change and each attempt happens in exactly one process, so `sum`
 *   across processes is the whole.
 */
export class SinewMetrics implements DeliveryAttemptCounter, RealtimeWriteObserver {
  readonly registry = new Registry();
  readonly scrapeToken: string | undefined;
  readonly #phases: Histogram<'env_id' | 'phase' | 'outcome'>;
  readonly #attempts: Counter<'env_id' | 'destination' | 'event_kind' | 'outcome'>;
  readonly #writes: Counter<'env_id' | 'mode' | 'outcome'>;
  readonly #writeRecords: Counter<'env_id' | 'result'>;

  constructor(opts: SinewMetricsOptions) {
    this.scrapeToken = opts.scrapeToken;
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    const counts = new JobStatusCounts(opts.store);
    const jobs: Gauge<'env_id' | 'status'> = new Gauge({
      name: 'sinew_jobs',
      help: 'Jobs in the store by environment and status (the same in every process).',
      labelNames: ['env_id', 'status'],
      registers,
      collect: async () => {
        jobs.reset();
        try {
          const rows = await counts.read();
          // Every status of every environment that has jobs, zeros included, so a status that
          // empties reads 0 instead of vanishing.
          for (const env of new Set(rows.map((r) => r.env_id))) for (const status of JOB_STATUSES) jobs.set({ env_id: env, status }, 0);
          for (const r of rows) jobs.set({ env_id: r.env_id, status: r.status }, r.count);
        } catch (e) {
          // The other metrics still answer; a missing sinew_jobs says the store did not.
          opts.logger.warn({ err: (e as Error).message }, 'metrics: could not count jobs by status');
        }
      },
    });
    new Gauge({
      name: 'sinew_queue_depth',
      help: 'Jobs waiting in the job queue (not running), as this process sees the queue.',
      registers,
      async collect() {
        // The port answers a number; awaiting it also accepts a queue that must ask a server.
        this.set(await opts.queue.depth());
      },
    });
    this.#phases = new Histogram({
      name: 'sinew_job_phase_duration_seconds',
      help: 'How long job phases took (queued, discover, sync, etl, export, and the whole job), by outcome.',
      labelNames: ['env_id', 'phase', 'outcome'],
      buckets: PHASE_BUCKETS,
      registers,
    });
    this.#attempts = new Counter({
      name: 'sinew_event_delivery_attempts_total',
      help: 'Event delivery attempts by destination (webhook, datadog, slack), event kind and outcome (delivered, retry, failed = gave up, gone = 410).',
      labelNames: ['env_id', 'destination', 'event_kind', 'outcome'],
      registers,
    });
    this.#writes = new Counter({
      name: 'sinew_realtime_writes_total',
      help: 'Real-time writes that ended in this process, by mode (sync, async) and outcome (completed, failed as a whole).',
      labelNames: ['env_id', 'mode', 'outcome'],
      registers,
    });
    this.#writeRecords = new Counter({
      name: 'sinew_realtime_write_records_total',
      help: 'Records of real-time writes by result (success, fail), as their per-record results say.',
      labelNames: ['env_id', 'result'],
      registers,
    });
    opts.lifecycle.changes.on('job', (job: Job) => this.observeJob(job));
  }

  /** A job's status changed in this process: the phases that change ended. */
  observeJob(job: Job): void {
    for (const p of endedPhases(job)) this.#phases.observe({ env_id: job.env_id, phase: p.phase, outcome: p.outcome }, p.seconds);
  }

  countAttempt(a: CountedAttempt): void {
    this.#attempts.inc({ env_id: a.env_id, destination: a.destination, event_kind: a.event_kind, outcome: a.outcome });
  }

  countWrite(w: EndedRealtimeWrite): void {
    this.#writes.inc({ env_id: w.env_id, mode: w.mode, outcome: w.outcome });
    if (w.success > 0) this.#writeRecords.inc({ env_id: w.env_id, result: 'success' }, w.success);
    if (w.fail > 0) this.#writeRecords.inc({ env_id: w.env_id, result: 'fail' }, w.fail);
  }

  /** The text exposition format, as Prometheus scrapes it. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
