import type { Job } from '../model/job.js';
import type { JobSettings } from '../model/job-settings.js';
import type { BlobStorage, JobWorkspace } from '../storage/blob-storage.js';
import type { Store } from '../store/store.js';
import type { JobSnapshots } from './job-snapshots.js';
import type { RecordIdRequests } from './record-ids/record-id-requests.js';
import { saveRecordIdSnapshots } from './record-ids/record-id-snapshots.js';

/**
 * What a run leaves in storage, saved before its end is recorded: anyone who learns that the job
 * ended (an event, the API) must find its files there. Its snapshots are settled (kept or not, by
 * how it ended), the record ids it wrote exported as snapshots when the settings ask, and the job
 * root published.
 */
export class JobRunFiles {
  constructor(
    private readonly parts: {
      store: Store;
      storage: BlobStorage;
      job: Job;
      settings: JobSettings;
      workspace: JobWorkspace;
      snapshots: JobSnapshots;
      recordIds: RecordIdRequests;
    },
  ) {}

  async settle(succeeded: boolean): Promise<void> {
    const { store, storage, job, settings, workspace, snapshots, recordIds } = this.parts;
    await snapshots.settle(succeeded);
    if (settings.save_record_ids_in_snapshots && recordIds.streams.size > 0) {
      await saveRecordIdSnapshots(store, storage, { env_id: job.env_id, tenant: job.tenant, flow_id: job.flow_id }, recordIds.streams);
    }
    await workspace.publish();
  }

  /** The job root as it is now, nothing settled: a run handed back, which starts again from it. */
  publish(): Promise<void> {
    return this.parts.workspace.publish();
  }
}
