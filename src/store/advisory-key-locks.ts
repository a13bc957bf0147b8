import type pg from 'pg';
import { InProcessKeyLocks, lockOrder, type KeyLocks } from './key-locks.js';

/**
 * Locks across processes on PostgreSQL: session advisory locks (`pg_advisory_lock` on a 64-bit
 * hash of each key) held on a connection of a pool of their own, so lock holders never starve the
 * store's pool of the connections their own work needs. A process that dies loses its session and
 * with it its locks. Callers of one process first queue in memory, so a busy key costs one
 * connection, not one per waiter. A hash collision only makes two keys share a lock. Advisory
 * locks are database-wide, hence the namespace. Keys are text: PostgreSQL refuses NUL characters.
 */
export class AdvisoryKeyLocks implements KeyLocks {
  private readonly local = new InProcessKeyLocks();

  /** `namespace` (the store's schema) keeps two installations sharing one database apart. */
  constructor(
    private readonly pool: pg.Pool,
    private readonly namespace: string,
  ) {}

  withKeys<T>(keys: readonly string[], fn: () => Promise<T>): Promise<T> {
    const ordered = lockOrder(keys);
    if (ordered.length === 0) return fn();
    return this.local.withKeys(ordered, async () => {
      const client = await this.pool.connect();
      let broken = false;
      try {
        // One round trip for all keys, taken in the order of their hashes (the same for every holder).
        await client.query(
          'select pg_advisory_lock(h) from (select distinct hashtextextended(k, 0) as h from unnest($1::text[]) as k order by 1) as ordered',
          [ordered.map((key) => `${this.namespace}\u001f${key}`)],
        );
        return await fn();
      } finally {
        try {
          await client.query('select pg_advisory_unlock_all()');
        } catch {
          broken = true; // the session is gone, and its locks with it
        }
        client.release(broken);
      }
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
