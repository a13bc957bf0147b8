/**
 * A job process's own guard against running on after its worker lost the job's lease. The worker
 * tells it, at the claim and after every renewal, until when the lease is held (`expiresAt`, epoch
 * ms, the value written into the job's row). If no later word comes in time — the worker is paused
 * (SIGSTOP), stalled, or cut off from the database — the fence fires `margin` before the lease
 * expires, on this process's own timer, so its connectors are stopped before another worker may take
 * the job over: no two runs of a job ever write at once. The worker's heartbeat cannot do this: a
 * paused worker runs no timer at all.
 */
/** Exit code of a job process that stopped itself because its lease was not confirmed in time. */
export const LEASE_FENCE_EXIT_CODE = 75;

export class LeaseFence {
  #timer: NodeJS.Timeout | undefined;
  #expiresAt: number;

  constructor(
    expiresAt: number,
    private readonly marginMs: number,
    private readonly onExpiring: (expiresAt: number) => void,
  ) {
    this.#expiresAt = expiresAt;
    this.#arm();
  }

  /** The margin for a lease of `leaseMs`: a fifth of it, at most 2 s (stopping connectors takes a SIGKILL; the rest is slack for a late timer). */
  static marginFor(leaseMs: number): number {
    return Math.min(2000, Math.floor(leaseMs / 5));
  }

  get expiresAt(): number {
    return this.#expiresAt;
  }

  /** The lease was renewed until `expiresAt` (an older word arriving late changes nothing). */
  extend(expiresAt: number): void {
    if (expiresAt <= this.#expiresAt) return;
    this.#expiresAt = expiresAt;
    this.#arm();
  }

  stop(): void {
    clearTimeout(this.#timer);
  }

  #arm(): void {
    clearTimeout(this.#timer);
    const wait = Math.max(0, this.#expiresAt - this.marginMs - Date.now());
    this.#timer = setTimeout(() => {
      // A timer can fire late (a busy event loop): check the clock again, and re-arm if renewed.
      if (Date.now() >= this.#expiresAt - this.marginMs) this.onExpiring(this.#expiresAt);
      else this.#arm();
    }, wait);
    this.#timer.unref();
  }
}
