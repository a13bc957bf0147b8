/** A long-running part of a Sinew process besides the API: the worker, the scheduler, event delivery. */
export interface BackgroundRole {
  readonly name: string;
  start(): Promise<void>;
  /** Stops taking new work and waits for what runs (up to its own grace period). */
  stop(): Promise<void>;
  /** Stops waiting for what runs, during or before `stop()` (a second stop signal): the worker hands its jobs back at once. */
  endGracePeriod?(): void;
}

/** Which roles a process runs: `sinew serve` runs all; `sinew api|worker|scheduler` one each. */
export interface RoleSelection {
  api: boolean;
  worker: boolean;
  scheduler: boolean;
}

export const ALL_ROLES: RoleSelection = { api: true, worker: true, scheduler: true };
