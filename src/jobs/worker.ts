import type { ChildProcess } from 'node:child_process';
import type { Logger } from 'pino';
import type { LinkTokenBackend } from '../connectors/sdk/access-token.js';
import { isTerminal, isWriteJob, type Job } from '../model/job.js';
import type { LinkKey } from '../model/link.js';
import type { JobQueue, QueuedJob } from '../queue/job-queue.js';
import type { BackgroundRole } from '../runtime/background-role.js';
import { retryOnConnectionLoss } from '../runtime/connection-retry.js';
import type { StorageForEnvironment } from '../settings/storage-router.js';
import type { Store } from '../store/store.js';
import type { RunEnding } from './final-status.js';
import type { HeldLeases } from './held-leases.js';
import { InOrder } from './in-order.js';
import { JobCompletion, writeJobState } from './job-completion.js';
import type { JobLifecycle } from './job-lifecycle.js';
import { jobLogFields } from './job-log-fields.js';
import type { JobPlan } from './job-plan.js';
import type { JobPlanBuilder } from './job-plan-builder.js';
import { type JobProcessExit, killJobProcessGroup, sendToJobProcess, startJobProcess } from './job-process-child.js';
import type { JobProcessMessage } from './job-process-messages.js';
import { JobRunFiles } from './job-run-files.js';
import { JobSnapshots } from './job-snapshots.js';
import { LeaseHeartbeat, type LeaseNews } from './lease-heartbeat.js';
import { LeaseReaper } from './lease-reaper.js';
import { LEASE_FENCE_EXIT_CODE, LeaseFence } from './process/lease-fence.js';
import { QueueSweeper } from './queue-sweeper.js';
import { RecordIdRequests } from './record-ids/record-id-requests.js';
import { rollBackStoppedJob } from './stopped-job-rollback.js';
import { answerTokenRequest } from './token-requests.js';

const KILL_GRACE_MS = 5000;

/** Jobs younger than this are left to the process that created them to queue (it normally has). */
const SWEEP_MIN_AGE_MS = 5000;

export interface WorkerOptions {
  store: Store;
  queue: JobQueue;
  /** Where each environment's job data goes (its own bucket when its settings say so). */
  storage: StorageForEnvironment;
  lifecycle: JobLifecycle;
  planBuilder: JobPlanBuilder;
  logger: Logger;
  concurrency: number;
  /** The leases this process holds (shared with the lifecycle, which fences on them). */
  leases: HeldLeases;
  leaseMs: number;
  /** On stop, how long running jobs may take to finish before they are handed back. */
  graceMs: number;
  /**
   * The store belongs to this process alone (embedded SQLite): at start-up, every lease in it is a
   * dead process's, so its jobs are ended (or re-queued) at once instead of after the lease.
   */
  soleProcess: boolean;
  /**
   * Given the link's config as its connector left it, after the job process exited: OAuth tokens
   * a connector refreshed itself are saved (src/oauth/token-refresher.ts). Absent: nothing is read back.
   */
  configLeft?: (job: Job, handed: Record<string, unknown>, left: Record<string, unknown>) => Promise<void>;
  /**
   * The tokens of a job's link, for its built-in connector's requests as it runs (token-messages.ts):
   * refreshed under the link's lock (src/oauth/token-refresher.ts). Absent: requests are refused.
   */
  linkTokens?: (key: LinkKey) => LinkTokenBackend;
}

/** The connector configs a job process reports as its connectors left them. */
type ConfigsLeft = Omit<Extract<JobProcessMessage, { t: 'configsLeft' }>, 't'>;

/** A claimed job once planned: what running its process and ending its run need. */
interface PlannedRun {
  plan: JobPlan;
  run: Run;
  /** What the run leaves in storage, saved before its end is recorded. */
  files: JobRunFiles;
  recordIds: RecordIdRequests;
  log: Logger;
}

/** How a job's process exited, and whether it was stopped at job_timeout_seconds. */
type ProcessExit = JobProcessExit & { timedOut: boolean };

/** One job this worker has claimed, from the claim until its lease is released. */
interface Run {
  child?: ChildProcess;
  /** The worker is stopping and the job did not finish in the grace period: it goes back to the queue. */
  handBack: boolean;
  /** Another worker took the job over (this one's lease expired): nothing of this run is recorded. */
  lost: boolean;
}

/**
 * Takes queued jobs and runs each in its own child process (crash and memory isolation), applying
 * what the child reports through the job lifecycle. Many workers may share one store: a job runs
 * where its claim (a compare-and-set on its row) succeeded, under a lease this worker renews; any
 * worker ends or re-queues the jobs of a worker that stopped renewing (LeaseReaper) and queues jobs
 * the queue lost (QueueSweeper). One job per link at a time: the claim takes only the oldest
 * unfinished job of a link, and when a job ends the next one of its link is queued.
 */
export class Worker implements BackgroundRole {
  readonly name = 'worker';
  private readonly running = new Map<string, Run>();
  private readonly completion: JobCompletion;
  private readonly sweeper: QueueSweeper;
  private readonly reaper: LeaseReaper;
  private readonly heartbeat: LeaseHeartbeat;
  private maintenance: NodeJS.Timeout | undefined;
  private maintaining: Promise<void> | undefined;
  private handingBack = false;
  /** A second stop signal ended the grace period (perhaps before the drain began). */
  private graceEnded = false;
  private endGrace: (() => void) | undefined;

  constructor(private readonly deps: WorkerOptions) {
    this.completion = new JobCompletion(deps.store, deps.lifecycle);
    this.sweeper = new QueueSweeper(deps.store, deps.queue, deps.logger);
    this.reaper = new LeaseReaper({ store: deps.store, lifecycle: deps.lifecycle, sweeper: this.sweeper, logger: deps.logger });
    this.heartbeat = new LeaseHeartbeat({
      store: deps.store,
      leases: deps.leases,
      leaseMs: deps.leaseMs,
      logger: deps.logger,
      onNews: (id, news) => this.onLeaseNews(id, news),
      onRenewed: (id, expiresAt) => this.tellLease(id, expiresAt),
    });
    // A job cancelled through the API in this process ends its child here (other processes' cancels
    // arrive with the next heartbeat).
    deps.lifecycle.changes.on('job', (job: Job) => {
      if (job.status === 'JOB_CANCELLED') this.kill(job.job_id);
    });
  }

  async start(): Promise<void> {
    if (this.deps.soleProcess) while ((await this.reaper.reap(Number.MAX_SAFE_INTEGER)) > 0);
    await this.sweeper.sweep(this.deps.soleProcess ? Date.now() + 1 : Date.now() - SWEEP_MIN_AGE_MS);
    this.heartbeat.start();
    this.maintenance = setInterval(
      () => {
        this.maintaining ??= this.maintain().finally(() => (this.maintaining = undefined));
      },
      Math.min(10_000, Math.floor(this.deps.leaseMs / 3)),
    );
    await this.deps.queue.start((item) => this.run(item), { concurrency: this.deps.concurrency });
  }

  /**
   * Drains: takes no new job, lets running ones finish for up to `graceMs`, then hands the rest back
   * (their processes are stopped and the jobs re-queued for another worker).
   */
  async stop(): Promise<void> {
    clearInterval(this.maintenance);
    const drained = this.deps.queue.stop();
    let timer: NodeJS.Timeout | undefined;
    const inTime = await Promise.race([
      drained.then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), this.deps.graceMs);
        this.endGrace = () => resolve(false);
        if (this.graceEnded) resolve(false);
      }),
    ]);
    clearTimeout(timer);
    if (!inTime) {
      this.handingBack = true;
      for (const [id, run] of this.running) {
        run.handBack = true;
        this.kill(id);
      }
    }
    await drained;
    await this.maintaining;
    await this.heartbeat.stop();
  }

  /**
   * A second stop signal: the grace period ends now, so running jobs are handed back at once (their
   * processes stopped, the jobs re-queued) rather than left to fail as lost when the process exits.
   */
  endGracePeriod(): void {
    this.graceEnded = true;
    this.endGrace?.();
  }

  /** Ends or re-queues the jobs of lost workers, then queues what the queue lost. */
  private async maintain(): Promise<void> {
    try {
      await this.reaper.reap(Date.now());
      await this.sweeper.sweep(Date.now() - SWEEP_MIN_AGE_MS);
    } catch (e) {
      this.deps.logger.warn({ err: (e as Error).message }, 'worker maintenance (reaping, sweeping) failed; trying again');
    }
  }

  private onLeaseNews(jobId: string, news: LeaseNews): void {
    const run = this.running.get(jobId);
    if (!run) return;
    if (news === 'lost') {
      run.lost = true;
      this.deps.logger.warn({ job_id: jobId }, 'lost the lease of a running job (another worker took it over): stopping it here');
    }
    this.kill(jobId);
  }

  /** The plan with the job's lease as held now, for the process's own fence. */
  private withLease(plan: JobPlan): JobPlan {
    const expiresAt = this.deps.leases.expiryOf(plan.job.job_id);
    return expiresAt === undefined ? plan : { ...plan, lease: { expiresAt, marginMs: LeaseFence.marginFor(this.deps.leaseMs) } };
  }

  /** The job's process fences itself on this (lease-fence.ts): it stops when no renewal comes in time. */
  private tellLease(jobId: string, expiresAt: number): void {
    const child = this.running.get(jobId)?.child;
    if (child) sendToJobProcess(child, { t: 'lease', expiresAt });
  }

  private kill(jobId: string): void {
    const child = this.running.get(jobId)?.child;
    if (!child || child.exitCode !== null) return;
    child.kill('SIGTERM');
    setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null && child.pid) killJobProcessGroup(child.pid);
    }, KILL_GRACE_MS).unref();
  }

  private async run(item: QueuedJob): Promise<void> {
    const { store, lifecycle, logger, leases } = this.deps;
    // Only one worker wins; the others (a duplicate delivery, a job behind a busy link) drop the item.
    const expiresAt = Date.now() + this.deps.leaseMs;
    if (!(await store.jobLeases.claim(item.env_id, item.job_id, leases.owner, expiresAt))) return;
    const run: Run = { handBack: this.handingBack, lost: false };
    this.running.set(item.job_id, run);
    leases.hold(item.job_id, expiresAt);
    let job: Job | undefined;
    try {
      job = await this.retried(run, logger, 'reading a claimed job', () => store.jobs.get(item.env_id, item.job_id));
      // Cancelled between its claim and now: nothing to run.
      if (job?.status !== 'JOB_CREATED') return;
      const log = logger.child(jobLogFields(job));
      try {
        await this.execute(job, run, log);
      } catch (e) {
        log.error({ err: (e as Error).message }, 'job failed outside its process');
        // A run taken over is the other worker's to end; otherwise the job ends (or goes back) as decided.
        const ending: RunEnding = run.handBack ? this.handedBack() : { how: 'crashed', error: (e as Error).message };
        const ended = job;
        if (!run.lost)
          await this.retried(run, log, 'ending a job', () => lifecycle.end(ended.env_id, ended.job_id, ending)).catch(() => {});
      }
    } finally {
      this.running.delete(item.job_id);
      leases.drop(item.job_id);
      if (!run.lost) {
        await this.retried(run, logger, 'releasing a job lease', () =>
          store.jobLeases.release(item.env_id, item.job_id, leases.owner),
        ).catch((e: Error) => logger.warn({ err: e.message, job_id: item.job_id }, 'could not release a job lease'));
        // The link is free (or this job was handed back and is first in line again).
        if (job) await this.sweeper.enqueueNextOfLink(job);
      }
    }
  }

  private async execute(job: Job, run: Run, log: Logger): Promise<void> {
    const { storage, lifecycle, planBuilder, store } = this.deps;
    const envStorage = await this.retried(run, log, 'opening job storage', () => storage.forEnvironment(job.env_id));
    const workspace = await envStorage.openWorkspace(job.s3_root);
    try {
      const plan = await this.retried(run, log, 'planning a job', () => planBuilder.build(job, workspace.dir));
      // Whether it syncs incrementally is known only now, from the link's state as the job starts.
      if (plan.job.sync_type !== job.sync_type)
        await this.retried(run, log, 'starting a job', () => lifecycle.patch(job.env_id, job.job_id, { sync_type: plan.job.sync_type }));
      const snapshots = await JobSnapshots.stage({
        storage: envStorage,
        tenant: job.tenant,
        workspaceDir: workspace.dir,
        withEtl: plan.etl !== null && !plan.streaming,
        tenantConfig: (await this.retried(run, log, 'reading a tenant', () => store.tenants.get(job.env_id, job.tenant)))?.config ?? {},
        settings: plan.settings,
      });
      const recordIds = new RecordIdRequests(store, job, log);
      const files = new JobRunFiles({ store, storage: envStorage, job, settings: plan.settings, workspace, snapshots, recordIds });
      // The worker began stopping before this job's process started: another worker runs it.
      if (run.handBack) return await this.handBack(job, log);
      const planned: PlannedRun = { plan, run, files, recordIds, log };
      const exit = await this.runProcess(planned);
      if (run.lost) return;
      const current = await this.retried(run, log, 'reading a job', () => store.jobs.get(job.env_id, job.job_id));
      // The process reported the job's end (or it was cancelled): nothing is left to decide here.
      if (!current || isTerminal(current.status)) return;
      await this.endUnfinished(planned, exit);
    } finally {
      // Whatever changed after the end was recorded (a cancelled job's last lines) is published too;
      // a run taken over leaves the job root to the worker that now runs it.
      if (!run.lost) await workspace.publish().catch((e: Error) => log.error({ err: e.message }, 'could not publish the job root'));
      await workspace.dispose();
    }
  }

  /**
   * Runs the job's process and applies what it reports, in the order sent, until it exits (stopped
   * at job_timeout_seconds). Its record-id requests are answered; its end goes through JobCompletion.
   */
  private async runProcess({ plan, run, files, recordIds, log }: PlannedRun): Promise<ProcessExit> {
    const reports = new InOrder((e) => log.warn({ err: e.message }, 'could not apply a job update'));
    const { child, exited } = startJobProcess(this.withLease(plan), (message) => {
      // A job handed back or taken over: what its process still says belongs to no run any more.
      if (run.handBack || run.lost) return;
      if (message.t === 'token') {
        // Not in order: a connector waiting for its token must not wait behind record ids.
        const { job } = plan;
        const key: LinkKey = {
          env_id: job.env_id,
          flow_id: job.flow_id,
          tenant: job.tenant,
          role: job.link_role,
          connector_id: job.link_connector,
        };
        void answerTokenRequest(plan.target?.link_tokens ? this.deps.linkTokens?.(key) : undefined, message, log).then((reply) =>
          sendToJobProcess(child, reply),
        );
        return;
      }
      // Saved before the job's end (sent after it) is recorded.
      if (message.t === 'configsLeft') return reports.add(() => this.readBackLinkConfig(plan, message, log));
      const handle =
        message.t === 'recordIds'
          ? () => recordIds.answer(message, (reply) => sendToJobProcess(child, reply))
          : // What the job reports next (its end, above all) comes after the ids it wrote are kept.
            () => recordIds.flush().then(() => this.completion.apply(plan.job, message, (ok) => files.settle(ok), plan));
      reports.add(() => this.retried(run, log, 'recording a job update', handle));
    });
    run.child = child;
    let timedOut = false;
    const limit = setTimeout(() => {
      timedOut = true;
      this.kill(plan.job.job_id);
    }, plan.settings.job_timeout_seconds * 1000);
    const exit = await exited;
    clearTimeout(limit);
    await reports.done();
    await recordIds.flush();
    return { ...exit, timedOut };
  }

  /** A process that exited without reporting the job's end: what happened decides what follows. */
  private async endUnfinished({ plan, run, files, recordIds, log }: PlannedRun, exit: ProcessExit): Promise<void> {
    const { job, settings } = plan;
    if (run.handBack) {
      // Its files so far go to storage first, so the next run starts from what this one left.
      await files.publish().catch((e: Error) => log.error({ err: e.message }, 'could not publish the job root'));
      return await this.handBack(job, log);
    }
    if (exit.code === LEASE_FENCE_EXIT_CODE && !exit.timedOut) {
      // Its process stopped itself: the lease could not be renewed in time (this worker or the
      // database was out of reach). What happens next is what happens to a lost worker's job.
      const lost = 'the job process stopped itself: its lease could not be renewed in time (the worker or the database was unreachable)';
      return await this.retried(run, log, 'ending a fenced job', () => this.reaper.loseRun(job, lost));
    }
    const ending: RunEnding = exit.timedOut
      ? { how: 'timedOut', limitSeconds: settings.job_timeout_seconds }
      : { how: 'died', code: exit.code, signal: exit.signal };
    // Its process could not roll back what it wrote: a process of its own does (roll back on failure).
    const rolledBack =
      settings.rollback_on_failure && plan.target?.write_results
        ? await rollBackStoppedJob(this.withLease({ ...plan, mode: 'rollback' }), recordIds, log)
        : null;
    await files.settle(false).catch((e: Error) => log.error({ err: e.message }, 'could not publish the job root'));
    await this.retried(run, log, 'failing a job', () =>
      this.deps.lifecycle.end(job.env_id, job.job_id, ending, {
        ...(rolledBack?.message ? { message: rolledBack.message } : {}),
        ...writeJobState(job, rolledBack?.writeSummary),
      }),
    );
  }

  /** The link's connector is the tap of a read job and the target of a write job (JobPlanBuilder). */
  private async readBackLinkConfig(plan: JobPlan, left: ConfigsLeft, log: Logger): Promise<void> {
    const write = isWriteJob(plan.job);
    const handed = write ? plan.target?.config : plan.source.config;
    const after = write ? left.target : left.source;
    if (!this.deps.configLeft || !handed || !after) return;
    await this.deps
      .configLeft(plan.job, handed, after)
      .catch((e: Error) => log.error({ err: e.message }, "could not save the tokens the job's connector refreshed"));
  }

  /**
   * Store work for a job this worker holds, tried again while the database is unreachable
   * (connection-retry.ts): a lost connection is not the job's failure. It stops once the run is
   * taken over — the lease rules then decide the job's fate, not this worker.
   */
  private retried<T>(run: Run, log: Logger, what: string, work: () => Promise<T>): Promise<T> {
    return retryOnConnectionLoss(work, { what, logger: log, stillWanted: () => !run.lost });
  }

  /** Re-queues a job this worker holds but will not finish (it is stopping); another worker runs it. */
  private async handBack(job: Job, log: Logger): Promise<void> {
    await this.deps.lifecycle.end(job.env_id, job.job_id, this.handedBack());
    log.info('job handed back to the queue (the worker is stopping)');
  }

  private handedBack(): RunEnding {
    const why = this.graceEnded
      ? 'was told to stop at once (a second stop signal) before it finished'
      : 'was stopping and it did not finish within the grace period';
    return { how: 'handedBack', why };
  }
}
