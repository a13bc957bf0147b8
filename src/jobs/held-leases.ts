import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { SinewError } from '../errors/sinew-error.js';

/**
 * The job leases this process holds, and the fence that goes with them. A worker whose lease
 * expired (it stalled, or lost the database for longer than the lease) may still have a job process
 * reporting; by then another worker may have re-queued and started the job. So every status change
 * of a job this process runs checks, in its transaction, that the row still names this process as
 * the lease holder (JobLifecycle calls `assertStillHeld` on the locked row).
 */
export class HeldLeases {
  /** Who this process is in `jobs.lease_owner`: host and pid for whoever reads the row, plus a nonce. */
  readonly owner: string;
  readonly #held = new Set<string>();

  constructor(owner = `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`) {
    this.owner = owner;
  }

  hold(jobId: string): void {
    this.#held.add(jobId);
  }

  drop(jobId: string): void {
    this.#held.delete(jobId);
  }

  ids(): string[] {
    return [...this.#held];
  }

  /** Throws when this process runs `jobId` but the row's lease names someone else (or nobody). */
  assertStillHeld(jobId: string, rowOwner: string | null): void {
    if (!this.#held.has(jobId) || rowOwner === this.owner) return;
    throw new SinewError('CONFLICT', `job ${jobId} is no longer held by this worker: its lease expired and it was taken over`, {
      job_id: jobId,
      lease_owner: rowOwner,
    });
  }
}
