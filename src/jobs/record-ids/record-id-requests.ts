import type { Logger } from 'pino';
import type { Job } from '../../model/job.js';
import { retryOnConnectionLoss } from '../../runtime/connection-retry.js';
import type { RecordIdScope } from '../../store/record-id-ops.js';
import type { Store } from '../../store/store.js';
import type { RecordIdReply, RecordIdRequest, RecordIdSave } from './record-id-messages.js';

/** Saves wait this long for company before they are written (and answered). */
const SAVE_DELAY_MS = 20;
/** …or until this many entries wait. */
const SAVE_BATCH = 5000;

type Reply = (reply: RecordIdReply) => void;

/**
 * The worker's side of a job's record-id map: answers its job process's requests from the store,
 * in the order they came (the worker chains them with the job's other messages). The map is per
 * (environment, tenant, flow, stream); what a job writes carries its id as `created_job_id` and in
 * `CustomData`.
 *
 * Saves come a result batch at a time (a hundred ids, say); they are gathered and written in one
 * transaction each ~20 ms or 5,000 entries, and answered then. Anything that must see them — a
 * lookup, a removal, the job's next status (`flush()`) — writes them first.
 *
 * A lost database connection is not the job's failure: each request is tried again until the
 * database answers (saves are upserts, removals and lookups repeat safely); the job process waits
 * for its answer meanwhile, and the lease rules decide if the outage outlasts the lease.
 */
export class RecordIdRequests {
  /** Streams the job looked up or wrote (for the record-id snapshot files). */
  readonly streams = new Set<string>();
  private waiting: Array<{ stream: string; entries: RecordIdSave[]; req: number; reply: Reply }> = [];
  private waitingEntries = 0;
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly job: Pick<Job, 'env_id' | 'tenant' | 'flow_id' | 'job_id'>,
    private readonly logger?: Logger,
  ) {}

  private scope(stream: string): RecordIdScope {
    return { env_id: this.job.env_id, tenant: this.job.tenant, flow_id: this.job.flow_id, stream };
  }

  async answer(request: RecordIdRequest, reply: Reply): Promise<void> {
    this.streams.add(request.stream);
    if (request.op === 'save') {
      this.waiting.push({ stream: request.stream, entries: request.entries, req: request.req, reply });
      this.waitingEntries += request.entries.length;
      if (this.waitingEntries >= SAVE_BATCH) await this.flush();
      else this.timer ??= setTimeout(() => void this.flush(), SAVE_DELAY_MS);
      return;
    }
    await this.flush();
    const scope = this.scope(request.stream);
    try {
      if (request.op === 'lookup') {
        const found = await this.retried('looking up record ids', () => this.store.recordIds.lookup(scope, request.ids));
        reply({ t: 'recordIds', req: request.req, found: [...found.values()].map((e) => [e.input_id, e.remote_id, e.record_hash]) });
      } else {
        await this.retried('removing record ids', () => this.store.recordIds.deleteMany(scope, request.ids));
        reply({ t: 'recordIds', req: request.req });
      }
    } catch (e) {
      reply({ t: 'recordIds', req: request.req, error: (e as Error).message });
    }
  }

  private retried<T>(what: string, work: () => Promise<T>): Promise<T> {
    return retryOnConnectionLoss(work, { what: `job ${this.job.job_id}: ${what}`, logger: this.logger });
  }

  /** Writes the saves gathered so far (one transaction) and answers them. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writeWaiting());
    return this.flushing;
  }

  private async writeWaiting(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.waiting;
    this.waiting = [];
    this.waitingEntries = 0;
    if (batch.length === 0) return;
    const custom = { job_id: this.job.job_id };
    let error: string | undefined;
    try {
      await this.retried('saving record ids', () =>
        this.store.transaction(async (tx) => {
          const byStream = new Map<string, RecordIdSave[]>();
          for (const save of batch) (byStream.get(save.stream) ?? byStream.set(save.stream, []).get(save.stream)!).push(...save.entries);
          for (const [stream, entries] of byStream) {
            // In the order sent: upsertMany keeps the last write of an id.
            await tx.recordIds.upsertMany(
              this.scope(stream),
              entries.map((e) => ({ ...e, job_id: this.job.job_id, custom_data: custom })),
            );
          }
        }),
      );
    } catch (e) {
      error = (e as Error).message;
    }
    for (const save of batch) save.reply({ t: 'recordIds', req: save.req, ...(error !== undefined ? { error } : {}) });
  }
}
