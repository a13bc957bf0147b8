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
  readonly #held = new Map<string, number>();

  constructor(owner = `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`) {
    this.owner = owner;
  }

  /** `expiresAt`: the lease expiry written into the job's row by the claim. */
  hold(jobId: string, expiresAt: number): void {
    this.#held.set(jobId, expiresAt);
  }

  /** A renewal wrote `expiresAt` into the row of a job still held. */
  renewed(jobId: string, expiresAt: number): void {
    if (this.#held.has(jobId)) this.#held.set(jobId, expiresAt);
  }

  /** Until when this process holds the job's lease, as written in its row (undefined: not held). */
  expiryOf(jobId: string): number | undefined {
    return this.#held.get(jobId);
  }

  drop(jobId: string): void {
    this.#held.delete(jobId);
  }

  ids(): string[] {
    return [...this.#held.keys()];
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
