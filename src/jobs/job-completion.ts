import { SecretScrubber } from '../crypto/secret-scrubber.js';
import { isTerminal, isWriteJob, type Job } from '../model/job.js';
import { isConnectionLoss } from '../runtime/postgres-connection-loss.js';
import { canonicalFieldMap } from '../singer/field-map-keys.js';
import type { Store } from '../store/store.js';
import { type WriteSummary, writeResultsState } from '../writes/write-result-collector.js';
import { phaseFailedAs } from './final-status.js';
import type { JobLifecycle } from './job-lifecycle.js';
import type { JobPlan } from './job-plan.js';
import type { JobProcessMessage } from './job-process-messages.js';
import { stateToCommit } from './state-commit.js';

/** What of the plan the completion reads: the state the job started from, and the configs to scrub. */
type StartedPlan = Pick<JobPlan, 'inputState' | 'linkStateAtStart'> & Partial<Pick<JobPlan, 'source' | 'target'>>;

/** Applies what a job process reports; the success commit writes the new state in the same transaction. */
export class JobCompletion {
  constructor(
    private readonly store: Store,
    private readonly lifecycle: JobLifecycle,
  ) {}

  /**
   * `beforeEnd` runs before a terminal status is recorded: the job root must be in storage by the
   * time anyone learns that the job ended.
   */
  async apply(
    job: Job,
    message: JobProcessMessage,
    beforeEnd: (succeeded: boolean) => Promise<void> = async () => {},
    started: StartedPlan | null = null,
  ): Promise<void> {
    switch (message.t) {
      case 'failed':
        return this.#failed(job, message, beforeEnd, started);
      case 'status': {
        // A process of an older version reports its failure as its phase's failure status.
        const phase = phaseFailedAs(message.status);
        if (phase !== null) return this.#failed(job, { ...message, phase, error: message.error ?? '' }, beforeEnd, started);
        if (isTerminal(message.status)) await beforeEnd(false).catch(() => {});
        const scrub = scrubberOf(started);
        await this.lifecycle.transition(job.env_id, job.job_id, message.status, {
          ...(message.error !== undefined ? { error: scrub(message.error) } : {}),
          ...(message.message !== undefined ? { message: scrub(message.message) } : {}),
          ...writeJobState(job, message.writeSummary),
        });
        return;
      }
      case 'progress':
        await this.lifecycle.patch(job.env_id, job.job_id, {
          metrics: {
            recordCount: message.recordCount,
            invalidLines: message.invalidLines,
            ...(message.records ? { records: message.records } : {}),
          },
          resources_usage: { memoryUsage: message.memoryUsage },
        });
        return;
      case 'discovered': {
        const key = { env_id: job.env_id, flow_id: job.flow_id, tenant: job.tenant, role: job.link_role, connector_id: job.link_connector };
        await this.store.transaction(async (tx) => {
          const link = await tx.links.get(key);
          // The field map's keys take the catalog's tap_stream_ids; nothing in it is dropped (field-map-keys.ts).
          if (link)
            await tx.links.put({
              ...link,
              catalog: message.catalog,
              field_map: canonicalFieldMap(link.field_map, message.catalog, false),
              updated_at: new Date().toISOString(),
            });
        });
        return;
      }
      case 'finished':
        try {
          await beforeEnd(true);
        } catch (e) {
          // A database outage is not a failure to save the job's files: the worker tries again.
          if (isConnectionLoss(e)) throw e;
          await this.lifecycle.end(job.env_id, job.job_id, { how: 'notSaved', error: (e as Error).message });
          return;
        }
        // Incremental state is committed only here, when the job succeeded (never for API-sourced
        // writes), in the transaction of JOB_COMPLETED, and never backwards (state-commit.ts).
        await this.lifecycle.end(job.env_id, job.job_id, { how: 'finished' }, async (tx) => {
          const key = {
            env_id: job.env_id,
            flow_id: job.flow_id,
            tenant: job.tenant,
            role: job.link_role,
            connector_id: job.link_connector,
          };
          const link = isWriteJob(job) || message.newState === null ? null : await tx.links.get(key);
          const commit = link
            ? stateToCommit({
                current: link.state,
                atStart: started ? started.linkStateAtStart : link.state,
                startedFrom: started?.inputState ?? null,
                next: message.newState,
              })
            : null;
          if (link && commit && commit.state !== link.state)
            await tx.links.put({ ...link, state: commit.state, updated_at: new Date().toISOString() });
          return {
            metrics: { recordCount: message.recordCount, invalidLines: message.invalidLines, records: message.records },
            data_sizes: message.dataSizes,
            resources_usage: { memoryUsage: message.memoryUsage },
            message:
              [message.message === null ? null : scrubberOf(started)(message.message), commit?.note].filter(Boolean).join('; ') || null,
            ...writeJobState(job, message.writeSummary),
          };
        });
        return;
    }
  }

  /**
   * The process failed (in a phase, or where the job is): its files go to storage first, then the
   * job ends as `finalStatus` decides, with the results and rollback note the process had.
   */
  async #failed(
    job: Job,
    failure: Omit<Extract<JobProcessMessage, { t: 'failed' }>, 't'>,
    beforeEnd: (succeeded: boolean) => Promise<void>,
    started: StartedPlan | null,
  ): Promise<void> {
    await beforeEnd(false).catch(() => {});
    // The job process scrubs what it reports; this is the second lock, for whatever reports
    // without it (a process of another version, a path that forgot): the job's configs never
    // reach its error, its events, webhooks or logs.
    const scrub = scrubberOf(started);
    await this.lifecycle.end(
      job.env_id,
      job.job_id,
      { how: 'failed', phase: failure.phase, error: scrub(failure.error) },
      {
        ...(failure.message !== undefined ? { message: scrub(failure.message) } : {}),
        ...writeJobState(job, failure.writeSummary),
      },
    );
  }
}

/** Scrubs the job's configs from text its process reported (none known: as it is). */
function scrubberOf(plan: Partial<Pick<JobPlan, 'source' | 'target'>> | null): (text: string) => string {
  if (!plan?.source) return (text) => text;
  const scrubber = SecretScrubber.ofConnectors([plan.source, plan.target]);
  return (text) => scrubber.scrub(text);
}

/** A write job's `state` after it ran (completed or failed); other jobs keep theirs. */
export function writeJobState(job: Job, results: WriteSummary | undefined): { state?: Record<string, unknown> } {
  return isWriteJob(job) && results ? { state: writeResultsState(results) } : {};
}
