import type { Harness } from './sinew-harness.js';
import { until } from './until.js';

/**
 * Waits until every lifecycle event of the job has been delivered as far as it goes — none pending
 * (not fanned out yet) or delivering (an attempt or a retry still to come). What a test then counts
 * is final: a fixed "nothing more arrives" wait would pass without checking on a slow machine.
 */
export function eventsSettled(h: Harness, jobId: string, timeoutMs = 30_000): Promise<true> {
  return until(`every event of job ${jobId} delivered as far as it goes`, timeoutMs, async () => {
    const events = (await h.api('GET', `/${h.envId}/events?kind=job_lifecycle&limit=200`)).body.filter(
      (e: { payload: { job_id?: string } }) => e.payload.job_id === jobId,
    );
    return events.length > 0 && events.every((e: { status: string }) => ['delivered', 'failed', 'no_destination'].includes(e.status))
      ? true
      : undefined;
  });
}
