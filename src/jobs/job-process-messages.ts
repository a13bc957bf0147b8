import type { Catalog } from '../model/catalog.js';
import type { JobStatus, StreamRecordCounts } from '../model/job.js';
import type { JobPhaseName } from '../model/job-phases.js';
import type { WriteSummary } from '../writes/write-result-collector.js';
import type { JobPlan } from './job-plan.js';
import type { RecordIdReply, RecordIdRequest } from './record-ids/record-id-messages.js';
import type { TokenReply, TokenRequest } from './token-messages.js';

/** Messages from a job process to its worker, over the IPC channel. */
export type JobProcessMessage =
  /**
   * The connector configs as the job's connectors left them, sent last, just before their files are
   * removed: a Singer SDK tap rewrites its config with the tokens it refreshed (the worker saves
   * those of an OAuth link: src/oauth/token-refresher.ts saveLeftTokens).
   */
  | { t: 'configsLeft'; source: Record<string, unknown> | null; target: Record<string, unknown> | null }
  /** A phase started or succeeded (a failure is reported as `failed`: the worker decides the final status). */
  | {
      t: 'status';
      status: JobStatus;
      error?: string;
      message?: string;
      writeSummary?: WriteSummary;
    }
  /**
   * What went wrong, and in which phase when the process knows (null: the one the job is in); the
   * final status is decided from it (final-status.ts), not here.
   */
  | {
      t: 'failed';
      phase: JobPhaseName | null;
      error: string;
      /** What a rollback did (roll back on failure). */
      message?: string;
      /** A failed write job's results so far (and its rollback), for the job's state. */
      writeSummary?: WriteSummary;
    }
  | {
      t: 'progress';
      recordCount: Record<string, number>;
      invalidLines: number;
      memoryUsage: number;
      phase: string;
      records?: StreamRecordCounts;
    }
  | { t: 'discovered'; catalog: Catalog }
  | {
      t: 'finished';
      newState: Record<string, unknown> | null;
      recordCount: Record<string, number>;
      invalidLines: number;
      /** Records per stream at each step (synced, after ETL, exported). */
      records: StreamRecordCounts;
      dataSizes: { sync_output: number; etl_output: number; snapshots: number; total: number };
      memoryUsage: number;
      message: string | null;
      /** A write target's per-record results, summed (the records themselves are in `export-details`). */
      writeSummary?: WriteSummary;
    }
  | { t: 'rolledBack'; message: string | null; writeSummary?: WriteSummary }
  | RecordIdRequest
  | TokenRequest;

/** What a worker sends a job process: its plan (once), then record-id and token answers; all as lossless JSON text (lossless-ipc.ts). */
export type WorkerMessage = { t: 'plan'; plan: JobPlan } | { t: 'lease'; expiresAt: number } | RecordIdReply | TokenReply;
