import type { Logger } from 'pino';
import { isWriteImpossible } from '../connectors/builtin/write/write-failure.js';
import type { LinkTokenBackend } from '../connectors/sdk/access-token.js';
import { toWriteRecord } from '../connectors/sdk/write-record.js';
import { resultsState } from '../connectors/sdk/write-result.js';
import type { SecretBox } from '../crypto/secret-box.js';
import { invalid, isSinewError, notFound, SinewError } from '../errors/sinew-error.js';
import { newJobId } from '../ids/short-id.js';
import type { LinkConfigOpener, LinkKey } from '../model/link.js';
import type { RealtimeWriteState, WriteTask } from '../model/write-task.js';
import { ConcurrencyLimit } from '../runtime/concurrency-limit.js';
import type { ConnectorUser } from '../runtime/connector-user.js';
import type { Store } from '../store/store.js';
import { upsertByExternalId } from './external-id-upsert.js';
import type { RealtimeTarget } from './realtime-target.js';
import { RealtimeTargets } from './realtime-targets.js';
import { type RealtimeWriteObserver, recordSums } from './realtime-write-observer.js';
import { RealtimeWriters } from './realtime-writers.js';

/** Records one real-time write may carry (bigger loads are write jobs). */
export const MAX_REALTIME_RECORDS = 10_000;
/** An async task's lease: renewed every third of it while its process works on it. */
const TASK_LEASE_MS = 30_000;
/** Finished tasks are kept this long for polling, then deleted. */
const TASK_RETENTION_MS = 7 * 24 * 3600_000;
/** Async tasks one process runs at once; more wait (QUEUED) for a turn. */
const ASYNC_CONCURRENCY = 16;

export interface RealtimeWriteRequest {
  envId: string;
  flowId: string;
  tenant: string;
  connectorId: string;
  stream: string;
  data: unknown;
  async: boolean;
  /** Asked by the tenant itself (its token), not by the owner. */
  byTenant?: boolean;
}

export type RealtimeWriteAnswer =
  | { async: false; jobId: string; state: RealtimeWriteState }
  | { async: true; jobId: string; taskId: string; status: 'QUEUED' };

export interface TaskStatusAnswer {
  taskId: string;
  jobId: string;
  status: WriteTask['status'];
  stream: string;
  connector_id: string;
  created_at: string;
  updated_at: string;
  state: RealtimeWriteState | null;
  error: { code: string; message: string } | null;
}

function recordsOf(data: unknown): Array<Record<string, unknown>> {
  const list = Array.isArray(data) ? data : [data];
  if (list.length === 0) throw invalid('data must be a record or a non-empty array of records');
  if (list.length > MAX_REALTIME_RECORDS) {
    throw new SinewError('PAYLOAD_TOO_LARGE', `a real-time write takes at most ${MAX_REALTIME_RECORDS} records; use a write job for more`, {
      records: list.length,
    });
  }
  list.forEach((r, index) => {
    if (typeof r !== 'object' || r === null || Array.isArray(r))
      throw invalid(`data[${index}] must be a JSON object (a record)`, { index });
  });
  return list as Array<Record<string, unknown>>;
}

/**
 * Real-time writes (`POST /{env}/{flow}/{tenant}/connectors/{connector_id}/{stream}`): the records
 * go straight to the tenant's target from this process — no job, no child process for built-in
 * targets — through the record-id map, and the answer is their per-record results. With
 * `async: true` the write is a task, answered at once and polled at `…/connectors/status`.
 */
export class RealtimeWriteService {
  private readonly writers: RealtimeWriters;
  private readonly targets: RealtimeTargets;
  private readonly running = new Set<Promise<void>>();
  /** Async tasks run at most ASYNC_CONCURRENCY at a time; the rest wait their turn. */
  private readonly tasks = new ConcurrencyLimit(ASYNC_CONCURRENCY);
  private lastCleanup = 0;
  private closed = false;

  constructor(
    private readonly store: Store,
    box: SecretBox,
    private readonly logger: Logger,
    connectorUser: ConnectorUser | null = null,
    /** The operator's loopback flag for the targets' connections (RuntimeConfig.allowLoopback). */
    allowLoopback = false,
    /** Counts each write that ends (the metrics module); absent, nothing is counted. */
    private readonly observer?: RealtimeWriteObserver,
    /** Refreshes OAuth tokens about to expire before a write uses them. */
    openLinkConfig?: LinkConfigOpener,
    /** The link's tokens as a write goes: a 401 gets one refresh, then marks the link invalid. */
    linkTokens?: (key: LinkKey) => LinkTokenBackend,
  ) {
    this.writers = new RealtimeWriters(logger, connectorUser, linkTokens);
    this.targets = new RealtimeTargets(store, box, allowLoopback, openLinkConfig);
  }

  async write(request: RealtimeWriteRequest): Promise<RealtimeWriteAnswer> {
    if (this.closed) throw new SinewError('UNAVAILABLE', 'the server is shutting down');
    const records = recordsOf(request.data);
    // Resolved before answering, in both modes: a bad target is the caller's error now, not a failed task later.
    const target = await this.targets.get(request.envId, request.flowId, request.tenant, request.connectorId);
    // A tenant writes only into its own linked target or connector: the answer would hand it the
    // owner's system's replies, written with the owner's credentials (docs/security.md).
    if (request.byTenant && target.ownersTarget) {
      throw new SinewError(
        'FORBIDDEN',
        `flow ${request.flowId} writes into the owner's target: a tenant may write only into its own linked target or connector`,
      );
    }
    const jobId = newJobId();
    const now = new Date().toISOString();
    const task: WriteTask = {
      task_id: jobId,
      env_id: request.envId,
      flow_id: request.flowId,
      tenant: request.tenant,
      connector_id: request.connectorId,
      stream: request.stream,
      status: 'QUEUED',
      created_at: now,
      updated_at: now,
      lease_until: Date.now() + TASK_LEASE_MS,
      records,
      state: null,
      error: null,
    };
    if (!request.async) return { async: false, jobId, state: await this.runNow(target, task) };
    await this.store.writeTasks.insert(task);
    const run = this.runTask(task).finally(() => this.running.delete(run));
    this.running.add(run);
    return { async: true, jobId, taskId: jobId, status: 'QUEUED' };
  }

  async status(envId: string, flowId: string, tenant: string, taskId: string): Promise<TaskStatusAnswer> {
    let task = await this.store.writeTasks.get(envId, taskId);
    if (!task || task.flow_id !== flowId || task.tenant !== tenant) throw notFound('task', { taskId });
    if ((task.status === 'QUEUED' || task.status === 'RUNNING') && task.lease_until !== null && task.lease_until < Date.now()) {
      // Its process stopped renewing the lease: it died. The records may be partly written.
      const lost = this.ended(task, 'FAILED', null, {
        code: 'UNAVAILABLE',
        message:
          'the process running this write stopped before it finished; some records may have been written (their ids are in the record-id map)',
      });
      if (await this.store.writeTasks.update(lost, task.status)) task = lost;
      else task = (await this.store.writeTasks.get(envId, taskId)) ?? task;
    }
    return {
      taskId: task.task_id,
      jobId: task.task_id,
      status: task.status,
      stream: task.stream,
      connector_id: task.connector_id,
      created_at: task.created_at,
      updated_at: task.updated_at,
      state: task.state,
      error: task.error,
    };
  }

  /**
   * A synchronous write: run now, and kept as a finished task (without its records) so that its
   * jobId can be looked up at `…/connectors/status?taskId=` like an async one's.
   */
  private async runNow(target: RealtimeTarget, task: WriteTask): Promise<RealtimeWriteState> {
    try {
      const state = await this.run(target, task.stream, task.records ?? [], task.task_id);
      await this.keep(this.ended(task, 'COMPLETED', state, null));
      return state;
    } catch (error) {
      const e = error as Error;
      await this.keep(
        this.ended(task, 'FAILED', null, {
          code: isSinewError(e) ? e.code : 'INTERNAL',
          message: isSinewError(e) ? e.message : 'the write failed unexpectedly',
        }),
      );
      throw error;
    }
  }

  /** Stores a finished synchronous write and counts it; a store failure does not undo the write's answer. */
  private async keep(ended: WriteTask): Promise<void> {
    this.count('sync', ended);
    await this.store.writeTasks
      .insert(ended)
      .catch((e: Error) =>
        this.logger.warn({ err: e.message, env_id: ended.env_id, task_id: ended.task_id }, 'could not keep a real-time write'),
      );
    await this.cleanup().catch(() => {});
  }

  private count(mode: 'sync' | 'async', ended: WriteTask): void {
    this.observer?.countWrite({
      env_id: ended.env_id,
      mode,
      outcome: ended.status === 'COMPLETED' ? 'completed' : 'failed',
      ...recordSums(ended.state),
    });
  }

  /** The write itself: the records through the record-id map to the target. */
  private async run(
    target: RealtimeTarget,
    stream: string,
    raw: Array<Record<string, unknown>>,
    writeId: string,
  ): Promise<RealtimeWriteState> {
    const records = raw.map((r) => toWriteRecord(stream, r));
    const scope = { env_id: target.envId, tenant: target.tenant, flow_id: target.flowId, stream };
    try {
      const results = await this.writers.with(target, (writer) =>
        upsertByExternalId({
          store: this.store,
          scope,
          writer,
          records,
          native: target.definition.capabilities.native_external_id,
          writeId,
        }),
      );
      return resultsState(stream, results);
    } catch (error) {
      if (isWriteImpossible(error) && isSinewError(error)) {
        // Bad credentials, an unreachable system, an address the policy refuses (nothing was sent):
        // the caller's target refuses every write (422). A token refused even after a refresh keeps its code.
        const code =
          error.details.address_refused === true
            ? 'ADDRESS_REFUSED'
            : error.code === 'CREDENTIALS_REJECTED'
              ? error.code
              : 'CONNECTOR_FAILED';
        throw new SinewError(code, error.message, { connector_id: target.connectorId });
      }
      throw error;
    }
  }

  private runTask(queued: WriteTask): Promise<void> {
    return this.tasks.run(() => this.runTaskNow(queued));
  }

  private async runTaskNow(queued: WriteTask): Promise<void> {
    let task: WriteTask = { ...queued, status: 'RUNNING', updated_at: new Date().toISOString(), lease_until: Date.now() + TASK_LEASE_MS };
    const renew = setInterval(() => {
      this.store.writeTasks.renewLease(task.env_id, task.task_id, Date.now() + TASK_LEASE_MS).catch(() => {});
    }, TASK_LEASE_MS / 3);
    try {
      if (!(await this.store.writeTasks.update(task, 'QUEUED'))) return; // judged lost meanwhile
      let ended: WriteTask;
      try {
        // The target as it is now (its config may have changed since the task was queued).
        const target = await this.targets.get(task.env_id, task.flow_id, task.tenant, task.connector_id);
        ended = this.ended(task, 'COMPLETED', await this.run(target, task.stream, queued.records ?? [], task.task_id), null);
      } catch (error) {
        const e = error as Error;
        ended = this.ended(task, 'FAILED', null, {
          code: isSinewError(e) ? e.code : 'INTERNAL',
          message: isSinewError(e) ? e.message : 'the write failed unexpectedly',
        });
        if (!isSinewError(e))
          this.logger.error({ err: e.message, env_id: task.env_id, tenant: task.tenant }, 'real-time write task failed');
      }
      await this.store.writeTasks.update(ended, 'RUNNING');
      this.count('async', ended);
      task = ended;
      await this.cleanup();
    } catch (e) {
      this.logger.error(
        { err: (e as Error).message, env_id: task.env_id, task_id: task.task_id },
        'could not record a real-time write task',
      );
    } finally {
      clearInterval(renew);
    }
  }

  private ended(task: WriteTask, status: 'COMPLETED' | 'FAILED', state: RealtimeWriteState | null, error: WriteTask['error']): WriteTask {
    return { ...task, status, state, error, records: null, lease_until: null, updated_at: new Date().toISOString() };
  }

  /** At most hourly: finished tasks past their retention are deleted. */
  private async cleanup(): Promise<void> {
    if (Date.now() - this.lastCleanup < 3600_000) return;
    this.lastCleanup = Date.now();
    await this.store.writeTasks.deleteFinishedBefore(Date.now() - TASK_RETENTION_MS);
  }

  /** Waits for the async tasks in flight, then closes the warm writers. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.running]);
    await this.writers.close();
  }
}
