import { fork, type ChildProcess } from 'node:child_process';
import type { Logger } from 'pino';
import type { Store } from '../store/store.js';
import type { JobQueue, QueuedJob } from '../queue/job-queue.js';
import type { StorageForEnvironment } from '../storage/storage-router.js';
import { isTerminal, type Job } from '../model/job.js';
import { stringifyJson } from '../singer/lossless-json.js';
import { nodeArgs, selfScript } from '../runtime/self-command.js';
import type { JobLifecycle } from './job-lifecycle.js';
import type { JobPlanBuilder } from './job-plan-builder.js';
import { failureStatusFor } from './job-transitions.js';
import type { JobProcessMessage } from './job-process-messages.js';
import { JobCompletion } from './job-completion.js';
import { JobSnapshots } from './job-snapshots.js';
import { RecordIdRequests } from './record-id-requests.js';
import { saveRecordIdSnapshots } from './record-id-snapshots.js';
import type { BackgroundRole } from '../app/background-role.js';
import { jobLogFields } from './job-log-fields.js';

const KILL_GRACE_MS = 5000;

/**
 * Takes queued jobs and runs each in its own child process (crash and memory isolation), applying
 * what the child reports through the job lifecycle. One job per link at a time: a job whose link is
 * busy waits for the running one to end.
 */
export class Worker implements BackgroundRole {
  readonly name = 'worker';
  private readonly running = new Map<string, ChildProcess>();
  private readonly waitingForLink: QueuedJob[] = [];
  private readonly completion: JobCompletion;

  constructor(
    private readonly deps: {
      store: Store;
      queue: JobQueue;
      /** Where each environment's job data goes (its own bucket when its settings say so). */
      storage: StorageForEnvironment;
      lifecycle: JobLifecycle;
      planBuilder: JobPlanBuilder;
      logger: Logger;
      concurrency: number;
    },
  ) {
    this.completion = new JobCompletion(deps.store, deps.lifecycle);
    // A job cancelled through the API (any process) ends its child here.
    deps.lifecycle.changes.on('job', (job: Job) => {
      if (job.status === 'JOB_CANCELLED') this.kill(job.job_id);
    });
  }

  async start(): Promise<void> {
    await this.recover();
    await this.deps.queue.start((item) => this.run(item), { concurrency: this.deps.concurrency });
  }

  async stop(): Promise<void> {
    for (const id of this.running.keys()) this.kill(id);
    await this.deps.queue.stop();
  }

  /** At start-up: jobs left running by a dead process fail; queued ones are queued again. */
  private async recover(): Promise<void> {
    const stale = await this.deps.store.listJobsByStatus(
      ['DISCOVER_STARTED', 'DISCOVER_SUCCESS', 'SYNC_STARTED', 'SYNC_SUCCESS', 'ETL_STARTED', 'ETL_SUCCESS', 'EXPORT_STARTED'],
      10000,
    );
    for (const job of stale) {
      await this.deps.lifecycle
        .transition(job.env_id, job.job_id, failureStatusFor(job.status), { error: 'the worker running this job stopped before it finished' })
        .catch((e: Error) => this.deps.logger.warn({ ...jobLogFields(job), err: e.message }, 'could not fail a stale job'));
    }
    for (const job of await this.deps.store.listJobsByStatus(['JOB_CREATED'], 100000)) {
      await this.deps.queue.enqueue({ env_id: job.env_id, job_id: job.job_id });
    }
  }

  private kill(jobId: string): void {
    const child = this.running.get(jobId);
    if (!child || child.exitCode !== null) return;
    child.kill('SIGTERM');
    setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null && child.pid) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
    }, KILL_GRACE_MS).unref();
  }

  private async run(item: QueuedJob): Promise<void> {
    const { store, lifecycle, logger } = this.deps;
    const job = await store.getJob(item.env_id, item.job_id);
    if (!job || job.status !== 'JOB_CREATED') return;
    const active = await store.listActiveJobsForLink({ env_id: job.env_id, flow_id: job.flow_id, tenant: job.tenant, role: job.link_role, connector_id: job.link_connector });
    if (active.length > 0 && active[0].job_id !== job.job_id) {
      this.waitingForLink.push(item);
      return;
    }
    const log = logger.child(jobLogFields(job));
    try {
      await this.execute(job, log);
    } catch (e) {
      log.error({ err: (e as Error).message }, 'job failed outside its process');
      const current = await store.getJob(job.env_id, job.job_id);
      if (current && !isTerminal(current.status)) {
        await lifecycle.transition(job.env_id, job.job_id, failureStatusFor(current.status), { error: (e as Error).message }).catch(() => {});
      }
    } finally {
      // A link may be free now: give waiting jobs another turn.
      const waiting = this.waitingForLink.splice(0);
      for (const w of waiting) await this.deps.queue.enqueue(w);
    }
  }

  private async execute(job: Job, log: Logger): Promise<void> {
    const { storage, lifecycle, planBuilder } = this.deps;
    const envStorage = await storage.forEnvironment(job.env_id);
    const workspace = await envStorage.openWorkspace(job.s3_root);
    try {
      const plan = await planBuilder.build(job, workspace.dir);
      const snapshots = await JobSnapshots.stage({
        storage: envStorage,
        tenant: job.tenant,
        workspaceDir: workspace.dir,
        withEtl: plan.etl !== null && !plan.streaming,
        tenantConfig: (await this.deps.store.getTenant(job.env_id, job.tenant))?.config ?? {},
        settings: plan.settings,
      });
      const recordIds = new RecordIdRequests(this.deps.store, job);
      // Before a job's end is recorded: its snapshots settled, its files in storage.
      const beforeEnd = async (succeeded: boolean): Promise<void> => {
        await snapshots.settle(succeeded);
        if (plan.settings.save_record_ids_in_snapshots && recordIds.streams.size > 0) {
          await saveRecordIdSnapshots(this.deps.store, envStorage, { env_id: job.env_id, tenant: job.tenant, flow_id: job.flow_id }, recordIds.streams);
        }
        await workspace.publish();
      };
      const child = fork(selfScript('jobs/process/job-process-main'), [], {
        execArgv: nodeArgs(),
        detached: true,
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        env: plan.env,
      });
      this.running.set(job.job_id, child);
      // job_timeout_seconds: a job still running then is stopped (its processes) and failed.
      let timedOut = false;
      const limit = setTimeout(() => {
        timedOut = true;
        this.kill(job.job_id);
      }, plan.settings.job_timeout_seconds * 1000);
      let chain: Promise<unknown> = Promise.resolve();
      child.on('message', (message: JobProcessMessage) => {
        // In the order sent: a record-id lookup sees every save before it, a status every result.
        const handle =
          message.t === 'recordIds'
            ? () => recordIds.answer(message).then((reply) => void (child.connected && child.send(reply)))
            : () => this.completion.apply(job, message, beforeEnd);
        chain = chain.then(handle).catch((e: Error) => log.warn({ err: e.message }, 'could not apply a job update'));
      });
      const exitedOnly = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.once('exit', (code, signal) => resolve({ code, signal })),
      );
      // 'exit' can come before the last IPC messages are read; 'disconnect' comes after them.
      const disconnected = new Promise<void>((resolve) => child.once('disconnect', () => resolve()));
      const exited = Promise.all([exitedOnly, disconnected]).then(([exit]) => exit);
      child.send({ t: 'plan', json: stringifyJson(plan) });
      const exit = await exited;
      clearTimeout(limit);
      this.running.delete(job.job_id);
      await chain;
      const final = await this.deps.store.getJob(job.env_id, job.job_id);
      if (final && !isTerminal(final.status)) {
        const how = exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
        await beforeEnd(false).catch((e: Error) => log.error({ err: e.message }, 'could not publish the job root'));
        await lifecycle.transition(job.env_id, job.job_id, failureStatusFor(final.status), {
          error: timedOut
            ? `the job ran longer than its limit of ${plan.settings.job_timeout_seconds} s (job_timeout_seconds) and was stopped`
            : `the job process exited with ${how} before the job finished (out of memory or killed?)`,
        });
      }
    } finally {
      // Whatever changed after the end was recorded (a cancelled job's last lines) is published too.
      await workspace.publish().catch((e: Error) => log.error({ err: e.message }, 'could not publish the job root'));
      await workspace.dispose();
    }
  }
}
