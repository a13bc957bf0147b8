import { JOB_STATUSES } from '../model/job.js';

/** The live progress line of `sinew jobs run|show --follow`: phase and records per stream. */
export interface JobSnapshot {
  job_id: string;
  status: string;
  metrics?: { recordCount?: Record<string, number> };
  error?: string | null;
  status_timestamp?: Record<string, number>;
  start_time?: string;
}

/** Every status in a column as wide as the longest (DISCOVER_STARTED), so the counts line up. */
const STATUS_WIDTH = Math.max(...JOB_STATUSES.map((s) => s.length));

export function progressLine(job: JobSnapshot): string {
  const counts = Object.entries(job.metrics?.recordCount ?? {});
  const total = counts.reduce((n, [, c]) => n + c, 0);
  const streams = counts.map(([s, c]) => `${s}=${c}`).join(' ');
  const elapsed = job.start_time ? ((Date.now() - Date.parse(job.start_time)) / 1000).toFixed(1) : '?';
  return `${job.job_id} ${job.status.padEnd(STATUS_WIDTH)} ${total} records${streams ? ` (${streams})` : ''} ${elapsed}s`;
}

export class ProgressPrinter {
  private lastStatus = '';
  private lastWidth = 0;

  constructor(private readonly out: NodeJS.WriteStream) {}

  update(job: JobSnapshot): void {
    const line = progressLine(job);
    if (this.out.isTTY) {
      // Redraw one line in place.
      this.out.write(`\r${line.padEnd(this.lastWidth)}`);
      this.lastWidth = line.length;
    } else if (job.status !== this.lastStatus) {
      this.out.write(`${line}\n`);
    }
    this.lastStatus = job.status;
  }

  done(): void {
    if (this.out.isTTY) this.out.write('\n');
  }
}
