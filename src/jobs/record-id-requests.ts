import type { Job } from '../model/job.js';
import type { Store } from '../store/store.js';
import type { RecordIdScope } from '../store/record-id-ops.js';
import type { RecordIdReply, RecordIdRequest } from './record-id-messages.js';

/**
 * The worker's side of a job's record-id map: answers its job process's requests from the store,
 * in the order they came (the worker chains them with the job's other messages). The map is per
 * (environment, tenant, flow, stream); what a job writes carries its id as `created_job_id` and in
 * `CustomData`.
 */
export class RecordIdRequests {
  /** Streams the job looked up or wrote (for the record-id snapshot files). */
  readonly streams = new Set<string>();

  constructor(
    private readonly store: Store,
    private readonly job: Pick<Job, 'env_id' | 'tenant' | 'flow_id' | 'job_id'>,
  ) {}

  private scope(stream: string): RecordIdScope {
    return { env_id: this.job.env_id, tenant: this.job.tenant, flow_id: this.job.flow_id, stream };
  }

  async answer(request: RecordIdRequest): Promise<RecordIdReply> {
    this.streams.add(request.stream);
    const scope = this.scope(request.stream);
    try {
      switch (request.op) {
        case 'lookup': {
          const found = await this.store.recordIds.lookup(scope, request.ids);
          return { t: 'recordIds', req: request.req, found: [...found.values()].map((e) => [e.input_id, e.remote_id, e.record_hash]) };
        }
        case 'save':
          await this.store.recordIds.upsertMany(
            scope,
            request.entries.map((e) => ({ ...e, job_id: this.job.job_id, custom_data: { job_id: this.job.job_id } })),
          );
          return { t: 'recordIds', req: request.req };
        case 'remove':
          await this.store.recordIds.deleteMany(scope, request.ids);
          return { t: 'recordIds', req: request.req };
      }
    } catch (e) {
      return { t: 'recordIds', req: request.req, error: (e as Error).message };
    }
  }
}
