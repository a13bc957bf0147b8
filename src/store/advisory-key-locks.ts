import type pg from 'pg';
import { InProcessKeyLocks, type KeyLocks, lockOrder } from './key-locks.js';

/**
 * Locks across processes on PostgreSQL: session advisory locks (`pg_advisory_lock` on a 64-bit
 * hash of each key) held on a connection of a pool of their own, so lock holders never starve the
 * store's pool of the connections their own work needs. A process that dies loses its session and
 * with it its locks. Callers of one process first queue in memory, so a busy key costs one
 * connection, not one per waiter. A hash collision only makes two keys share a lock. Advisory
 * locks are database-wide, hence the namespace. Keys are text: PostgreSQL refuses NUL characters.
 *
 * A session that ends while fn runs (the backend terminated, the server restarted, the network
 * dropped) takes its locks with it, and another holder may take them at once. Nothing can undo a
 * remote call already under way, so fn is not interrupted; it is told through the `lost` signal,
 * and must start nothing more that needs the locks (a real-time write records what it already
 * wrote, then fails with UNAVAILABLE: external-id-upsert.ts). The lost client is discarded, never
 * put back in the pool.
 */
export class AdvisoryKeyLocks implements KeyLocks {
  private readonly local = new InProcessKeyLocks();

  /** `namespace` (the store's schema) keeps two installations sharing one database apart. */
  constructor(
    private readonly pool: pg.Pool,
    private readonly namespace: string,
  ) {}

  withKeys<T>(keys: readonly string[], fn: (lost: AbortSignal) => Promise<T>): Promise<T> {
    const ordered = lockOrder(keys);
    if (ordered.length === 0) return fn(new AbortController().signal);
    return this.local.withKeys(ordered, async () => {
      const client = await this.pool.connect();
      const lost = new AbortController();
      const onGone = (): void => lost.abort(new Error('the database session holding the locks ended'));
      // Both: 'error' when the connection fails under us, 'end' when the server closes it cleanly.
      client.on('error', onGone);
      client.on('end', onGone);
      try {
        // One round trip for all keys, taken in the order of their hashes (the same for every holder).
        await client.query(
          'select pg_advisory_lock(h) from (select distinct hashtextextended(k, 0) as h from unnest($1::text[]) as k order by 1) as ordered',
          [ordered.map((key) => `${this.namespace}\u001f${key}`)],
        );
        return await fn(lost.signal);
      } finally {
        if (!lost.signal.aborted) {
          try {
            await client.query('select pg_advisory_unlock_all()');
          } catch {
            onGone(); // the session is gone, and its locks with it
          }
        }
        client.off('error', onGone);
        client.off('end', onGone);
        client.release(lost.signal.aborted);
      }
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
