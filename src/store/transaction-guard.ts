import { AsyncLocalStorage } from 'node:async_hooks';
import { SinewError } from '../errors/sinew-error.js';

/**
 * Catches the one way a store transaction can hang: code inside `transaction(fn)` calling the
 * store itself instead of the `tx` handed to fn. On SQLite the transaction holds the only
 * connection, so that call would wait for it forever; on PostgreSQL it would silently run outside
 * the transaction. Either way it is a bug, so it fails fast, the same on both dialects.
 */
export class TransactionGuard {
  readonly #open = new AsyncLocalStorage<{ open: boolean }>();

  /** Runs fn (the whole transaction) marked as "inside"; the mark ends when fn's promise settles. */
  async inside<T>(fn: () => Promise<T>): Promise<T> {
    const mark = { open: true };
    try {
      return await this.#open.run(mark, fn);
    } finally {
      // Work fn left running in the background keeps the async context, so the mark must be
      // switched off explicitly rather than relying on leaving run().
      mark.open = false;
    }
  }

  assertOutside(): void {
    if (this.#open.getStore()?.open === true) {
      throw new SinewError('INTERNAL', 'the store was called from inside its own transaction(fn): use the StoreOps passed to fn');
    }
  }
}
