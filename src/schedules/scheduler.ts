import type { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { SecretBox } from '../crypto/secret-box.js';
import type { JobService } from '../jobs/job-service.js';
import type { StoredSchedule } from '../model/schedule.js';
import type { BackgroundRole } from '../runtime/background-role.js';
import type { Store } from '../store/store.js';
import { ScheduleFiring } from './schedule-firing.js';

export interface SchedulerOptions {
  store: Store;
  jobs: JobService;
  box: SecretBox;
  logger: Logger;
  /** ScheduleService.changes: a change in this process re-plans the next wake at once. */
  changes?: EventEmitter;
  /** The clock (epoch ms); injectable so tests can fire a tick without waiting for it. */
  now?: () => number;
  /** Longest sleep: how soon schedules changed by other processes are seen (ms). */
  pollMs?: number;
  /** Ticks fired per store transaction (claims, jobs and outcomes of a chunk commit together). */
  chunkSize?: number;
  /** Stale claims taken over at once. */
  concurrency?: number;
  /** Due schedules read per query. */
  batchSize?: number;
  /** A claim this old without an outcome belongs to a dead scheduler (ms). */
  staleClaimMs?: number;
}

export interface TickReport {
  fired: number;
  /** Ticks another scheduler had claimed first. */
  lost: number;
  recovered: number;
  errors: number;
}

/**
 * The scheduler role: one indexed query for due schedules, no timer per schedule. It sleeps until
 * the earliest next tick (or a change in this process, or the poll interval for changes made by
 * other processes), fires everything due in chunks (one transaction each), and repeats. Several schedulers
 * may run over one store: each tick is claimed by compare-and-set (see ScheduleFiring).
 */
export class Scheduler implements BackgroundRole {
  readonly name = 'scheduler';
  readonly firing: ScheduleFiring;
  readonly #o: Required<Omit<SchedulerOptions, 'changes'>> & Pick<SchedulerOptions, 'changes'>;
  #stopped = true;
  #timer: NodeJS.Timeout | undefined;
  #wake: (() => void) | undefined;
  #loop: Promise<void> | undefined;
  /** A change arrived while firing (no sleep to cut short): do not sleep on a stale plan. */
  #changed = false;
  readonly #onChange = (): void => {
    this.#changed = true;
    this.#wake?.();
  };

  constructor(options: SchedulerOptions) {
    this.#o = { now: Date.now, pollMs: 10_000, chunkSize: 100, concurrency: 8, batchSize: 500, staleClaimMs: 120_000, ...options };
    this.firing = new ScheduleFiring(options.store, options.jobs, options.box, options.logger);
  }

  async start(): Promise<void> {
    this.#stopped = false;
    this.#o.changes?.on('change', this.#onChange);
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#o.changes?.off('change', this.#onChange);
    this.#wake?.();
    await this.#loop;
  }

  /** Fires every schedule due at `nowMs` (and takes over stale claims). The loop calls this; so do tests. */
  async runOnce(nowMs: number = this.#o.now()): Promise<TickReport> {
    const report: TickReport = { fired: 0, lost: 0, recovered: 0, errors: 0 };
    for (;;) {
      const due = await this.#o.store.schedules.listDueSchedules(nowMs, this.#o.batchSize);
      try {
        const { fired, lost } = await this.firing.fireBatch(due, nowMs, this.#o.chunkSize);
        report.fired += fired;
        report.lost += lost;
      } catch (e) {
        report.errors += 1;
        this.#o.logger.error({ err: e }, 'scheduler: firing due schedules failed');
      }
      // A full batch may hide more due rows; stop on errors so a broken row cannot spin the loop.
      if (due.length < this.#o.batchSize || report.errors > 0 || this.#stopped) break;
    }
    const stale = await this.#o.store.schedules.listStaleClaims(nowMs - this.#o.staleClaimMs, this.#o.batchSize);
    await this.#each(stale, report, (s) => this.firing.recover(s, nowMs), 'recovered');
    return report;
  }

  async #each(
    rows: StoredSchedule[],
    report: TickReport,
    fn: (s: StoredSchedule) => Promise<unknown>,
    counter: 'recovered',
  ): Promise<void> {
    let i = 0;
    const lane = async (): Promise<void> => {
      while (i < rows.length) {
        const row = rows[i++]!;
        try {
          if ((await fn(row)) === null) report.lost += 1;
          else report[counter] += 1;
        } catch (e) {
          report.errors += 1;
          this.#o.logger.error(
            { err: e, env_id: row.schedule.env_id, tenant: row.schedule.tenant, flow_id: row.schedule.flow_id },
            'scheduler: firing a schedule failed',
          );
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#o.concurrency, rows.length) }, lane));
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      let delay = this.#o.pollMs;
      this.#changed = false;
      try {
        const report = await this.runOnce();
        const earliest = await this.#o.store.schedules.earliestNextFire();
        if (earliest !== null) delay = Math.min(delay, Math.max(0, earliest - this.#o.now()));
        if (report.errors > 0) delay = Math.max(delay, 1000);
      } catch (e) {
        if (this.#stopped) break;
        this.#o.logger.error({ err: e }, 'scheduler: reading due schedules failed; retrying');
        delay = Math.max(1000, Math.min(delay, 5000));
      }
      if (this.#stopped) break;
      if (this.#changed) continue;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        this.#timer = setTimeout(resolve, delay);
      });
      clearTimeout(this.#timer);
      this.#wake = undefined;
    }
  }
}
