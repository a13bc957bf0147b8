import { withTimeout } from '../runtime/with-timeout.js';
import type { JobStatusCount } from '../store/job-stats-ops.js';
import type { Store } from '../store/store.js';

const FRESH_MS = 2000;
const READ_TIMEOUT_MS = 2000;

/**
 * Job counts by environment and status for scrapes. The count reads the whole jobs table (from an
 * index), so scrapes in quick succession (several Prometheus replicas, a dashboard) share one read
 * (for 2 s); a store that does not answer fails the read in bounded time rather than
 * hanging the scrape of every other metric.
 */
export class JobStatusCounts {
  #last: { at: number; rows: Promise<JobStatusCount[]> } | undefined;

  constructor(private readonly store: Store) {}

  read(): Promise<JobStatusCount[]> {
    const now = Date.now();
    if (this.#last && now - this.#last.at < FRESH_MS) return this.#last.rows;
    const rows = withTimeout(this.store.jobStats.countByStatus(), READ_TIMEOUT_MS, 'the store did not answer in time');
    const entry = { at: now, rows };
    this.#last = entry;
    // A failed read is not kept: the next scrape asks again.
    rows.catch(() => {
      if (this.#last === entry) this.#last = undefined;
    });
    return rows;
  }
}
