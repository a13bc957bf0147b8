import type { Catalog } from '../singer/catalog.js';
import type { JobStatus } from '../model/job.js';

/** Messages from a job process to its worker, over the IPC channel. */
export type JobProcessMessage =
  | { t: 'status'; status: JobStatus; error?: string; message?: string }
  | { t: 'progress'; recordCount: Record<string, number>; invalidLines: number; memoryUsage: number; phase: string }
  | { t: 'discovered'; catalog: Catalog }
  | {
      t: 'finished';
      newState: Record<string, unknown> | null;
      recordCount: Record<string, number>;
      invalidLines: number;
      dataSizes: { sync_output: number; etl_output: number; snapshots: number; total: number };
      memoryUsage: number;
      message: string | null;
      /** A write target's per-record results, summed (the records themselves are in `export-details`). */
      writeSummary?: import('./process/write-results.js').WriteSummary;
    };

/** The one message a worker sends to a job process: its plan. */
export type WorkerMessage = { t: 'plan'; plan: import('./job-plan.js').JobPlan };
