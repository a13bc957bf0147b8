/**
 * Mutual exclusion by key among everyone who shares the store: the processes of one SQLite file
 * (one server) or of one PostgreSQL database (any number). Real-time writes take the lock of each
 * external id they write, so two concurrent writes of one id never both create it.
 */
export interface KeyLocks {
  /**
   * Runs fn holding the lock of every key; keys are taken in sorted order, so callers cannot
   * deadlock. `lost` aborts when the locks are gone before fn ends (their database session was
   * terminated): fn must then start nothing more that needs them (see AdvisoryKeyLocks).
   */
  withKeys<T>(keys: readonly string[], fn: (lost: AbortSignal) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** The keys once each, in the order every holder takes them. */
export const lockOrder = (keys: readonly string[]): string[] => [...new Set(keys)].sort();

/** Locks inside one process: a queue per key (the embedded mode, where one server owns the store). */
export class InProcessKeyLocks implements KeyLocks {
  private readonly tails = new Map<string, Promise<void>>();

  async withKeys<T>(keys: readonly string[], fn: (lost: AbortSignal) => Promise<T>): Promise<T> {
    const releases: Array<() => void> = [];
    try {
      for (const key of lockOrder(keys)) releases.push(await this.acquire(key));
      // Locks in memory are lost only with the process.
      return await fn(new AbortController().signal);
    } finally {
      for (const release of releases.reverse()) release();
    }
  }

  private acquire(key: string): Promise<() => void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => held);
    this.tails.set(key, tail);
    return previous.then(() => () => {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
  }

  async close(): Promise<void> {}
}
