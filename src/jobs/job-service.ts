import type { SecretBox } from '../crypto/secret-box.js';
import { notFound, SinewError } from '../errors/sinew-error.js';
import { isTerminal, isWriteJob, type Job, type JobStatus } from '../model/job.js';
import type { JobRequest } from '../model/job-request.js';
import type { JobQueue } from '../queue/job-queue.js';
import { effectiveJobSettings } from '../settings/environment-settings.js';
import type { StorageForEnvironment } from '../settings/storage-router.js';
import { readLines } from '../singer/line-reader.js';
import { stringifyJson } from '../singer/lossless-json.js';
import { JOB_FILES, jobRoot } from '../storage/job-root.js';
import type { Store, StoreOps } from '../store/store.js';
import { type ExportDetailsPage, type ExportDetailsQuery, readExportDetails } from '../writes/export-details-page.js';
import type { StreamWriteSummary } from '../writes/write-result-collector.js';
import { type JobIdentity, newJob, newJobIdentity } from './job-factory.js';
import type { JobLifecycle } from './job-lifecycle.js';
import { resolveJobParties, writesFromRequest } from './job-parties.js';
import { checkWriteJobRecords } from './write-job-records.js';

export interface CreateJobArgs {
  envId: string;
  flowId: string;
  tenant: string;
  request: JobRequest;
  version: 'v1' | 'v2';
  startedBy?: string;
  /** Asked by the tenant itself (its token), not by the owner or the scheduler. */
  byTenant?: boolean;
  scheduled?: boolean;
  /** Set by create(): the job's id and time, its records already in its root's state.json. */
  staged?: JobIdentity;
}

/** Creating, reading and cancelling jobs — what the API and the scheduler call. */
export class JobService {
  constructor(
    private readonly store: Store,
    private readonly queue: JobQueue,
    private readonly lifecycle: JobLifecycle,
    private readonly box: SecretBox,
    private readonly storage: StorageForEnvironment,
  ) {}

  async create(args: CreateJobArgs): Promise<Job> {
    if (args.byTenant) await this.refuseWriteIntoOwnersTarget(args);
    const staged = await this.stageInput(args);
    let job: Job;
    try {
      job = await this.store.transaction((tx) => this.createIn(tx, { ...args, ...(staged ? { staged } : {}) }));
    } catch (e) {
      if (staged) await this.removeStagedInput(args, staged).catch(() => {});
      throw e;
    }
    await this.created(job);
    return job;
  }

  /**
   * A tenant's records from the request (`tap: "api"`) on a v1 source flow would be written into
   * the flow's own target with the owner's credentials, its export details showing that system's
   * replies: as with real-time writes, a tenant writes only into its own linked target or connector.
   */
  private async refuseWriteIntoOwnersTarget(args: CreateJobArgs): Promise<void> {
    const flow = await this.store.flows.get(args.envId, args.flowId);
    if (flow?.type === 'v1-source' && writesFromRequest(flow.type, args.request, args.version)) {
      throw new SinewError(
        'FORBIDDEN_FIELD',
        `a tenant may not send tap "api" on a v1 source flow: the records would be written into the owner's target`,
        { fields: ['tap'] },
      );
    }
  }

  /**
   * A write job's records (the request's `state`) go to its job root's `state.json` before the job
   * exists, rather than into the job row: megabytes of records would otherwise be rewritten with
   * every status change and carried by every lifecycle event and API answer.
   */
  private async stageInput(args: CreateJobArgs): Promise<JobIdentity | null> {
    const { request } = args;
    if (!request.state || Object.keys(request.state).length === 0) return null;
    const flow = await this.store.flows.get(args.envId, args.flowId);
    if (!flow || !writesFromRequest(flow.type, request, args.version)) return null;
    checkWriteJobRecords(request.state);
    const identity = newJobIdentity();
    const storage = await this.storage.forEnvironment(args.envId);
    await storage.put(
      `${jobRoot(args.tenant, args.flowId, identity.jobId, identity.at)}/${JOB_FILES.state}`,
      `${stringifyJson(request.state)}\n`,
    );
    return identity;
  }

  private async removeStagedInput(args: CreateJobArgs, identity: JobIdentity): Promise<void> {
    const storage = await this.storage.forEnvironment(args.envId);
    await storage.deletePrefix(jobRoot(args.tenant, args.flowId, identity.jobId, identity.at));
  }

  /**
   * Checks and writes a job inside the caller's transaction (the scheduler creates many in one);
   * the caller must call `created(job)` once the transaction has committed.
   */
  async createIn(tx: StoreOps, args: CreateJobArgs): Promise<Job> {
    const { envId, flowId, tenant, request } = args;
    const flow = await tx.flows.get(envId, flowId);
    if (!flow) throw notFound('flow', { flow_id: flowId });
    const parties = await resolveJobParties(tx, envId, flow, tenant, request, args.version);
    const linkKey = { env_id: envId, flow_id: flowId, tenant, role: parties.role, connector_id: parties.linkConnector };
    await tx.jobs.lockLink(linkKey);
    const [active] = await tx.jobs.listActiveForLink(linkKey);
    if (active && !request.queue_if_active_job) {
      throw new SinewError(
        'JOB_ALREADY_ACTIVE',
        `a job for this link is already ${active.status === 'JOB_CREATED' ? 'queued' : 'running'}: ${active.job_id}`,
        {
          active_job_id: active.job_id,
          hint: 'pass queue_if_active_job: true to queue this job behind it',
        },
      );
    }
    const env = await tx.environments.get(envId);
    const settings = effectiveJobSettings(env?.settings ?? {}, flow.job_settings);
    const job = newJob({
      envId,
      flow,
      tenant,
      request,
      parties,
      startedBy: args.startedBy ?? tenant,
      scheduled: args.scheduled ?? false,
      box: this.box,
      forceFullSync: settings.force_full_sync,
      ...(args.staged ? { identity: args.staged, inputStaged: true } : {}),
    });
    return this.lifecycle.createIn(tx, job);
  }

  /** After the job's transaction committed: listeners hear of it and the queue gets it. */
  async created(job: Job): Promise<void> {
    this.lifecycle.announce(job);
    // The job is committed: if the queue cannot take it now, the workers' sweep queues it from its
    // row, so the request still succeeds (failing it would invite a retry that creates a second job).
    await this.queue.enqueue({ env_id: job.env_id, job_id: job.job_id }).catch(() => {});
  }

  async get(envId: string, flowId: string, tenant: string, jobId: string): Promise<Job> {
    const job = await this.store.jobs.get(envId, jobId);
    if (!job || job.flow_id !== flowId || job.tenant !== tenant) throw notFound('job', { job_id: jobId });
    return job;
  }

  async getByRoot(envId: string, flowId: string, tenant: string, root: string): Promise<Job> {
    const job = await this.store.jobs.getByRoot(envId, root);
    if (!job || job.flow_id !== flowId || job.tenant !== tenant) throw notFound('job', { job_root: root });
    return job;
  }

  list(envId: string, flowId: string, tenant: string, opts: { status?: JobStatus[]; limit: number; before?: string }): Promise<Job[]> {
    return this.store.jobs.list({
      env_id: envId,
      flow_id: flowId,
      tenant,
      status: opts.status,
      limit: opts.limit,
      before_job_id: opts.before,
    });
  }

  async cancel(envId: string, flowId: string, tenant: string, jobId: string): Promise<Job> {
    const job = await this.get(envId, flowId, tenant, jobId);
    if (isTerminal(job.status)) {
      throw new SinewError('INVALID_JOB_TRANSITION', `job ${jobId} has already ended (${job.status})`, { status: job.status });
    }
    // The worker watching this job sees JOB_CANCELLED and stops its processes.
    return this.lifecycle.transition(envId, jobId, 'JOB_CANCELLED', { message: 'cancelled through the API' });
  }

  async logs(envId: string, flowId: string, tenant: string, jobId: string): Promise<string> {
    const job = await this.get(envId, flowId, tenant, jobId);
    const parts: string[] = [];
    const storage = await this.storage.forEnvironment(envId);
    // In phase order: the job's own log (all phases), then sync, ETL, export.
    for (const [name, key] of [
      ['job', JOB_FILES.jobLog],
      ['tap', JOB_FILES.tapLog],
      ['etl', JOB_FILES.etlLog],
      ['target', JOB_FILES.targetLog],
    ] as const) {
      const body = await storage.get(`${job.s3_root}/${key}`);
      if (body && body.length > 0) parts.push(`==> ${name} <==\n${body.toString('utf8')}`);
    }
    return parts.join('\n');
  }

  /** A page of a write job's per-record results, read from its `export-details` in storage. */
  async exportDetails(
    envId: string,
    flowId: string,
    tenant: string,
    jobId: string,
    query: Omit<ExportDetailsQuery, 'summary'>,
  ): Promise<ExportDetailsPage> {
    const job = await this.get(envId, flowId, tenant, jobId);
    const storage = await this.storage.forEnvironment(envId);
    const body = await storage.getStream(`${job.s3_root}/${JOB_FILES.exportDetails}`);
    if (!body) return { summary: {}, results: [], next_offset: null };
    // A completed write job's state holds the sums: then only the page need be read.
    const known =
      job.status === 'JOB_COMPLETED' && isWriteJob(job) ? (job.state.summary as Record<string, StreamWriteSummary> | undefined) : undefined;
    try {
      const page = await readExportDetails(readLines(body), { ...query, ...(known ? { summary: known } : {}) });
      // Records the target never answered for are known from the job's own summary only.
      const ended = isTerminal(job.status) ? (job.state.summary as Record<string, StreamWriteSummary> | undefined) : undefined;
      for (const [stream, sums] of Object.entries(ended ?? {})) {
        if (sums.not_sent && page.summary[stream]) page.summary[stream] = { ...page.summary[stream], not_sent: sums.not_sent };
      }
      return page;
    } finally {
      body.destroy();
    }
  }
}
