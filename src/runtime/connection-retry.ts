import { Backoff } from './backoff.js';
import { isConnectionLoss } from './postgres-connection-loss.js';

const FIRST_RETRY_MS = 200;
const MAX_RETRY_MS = 5000;

export interface ConnectionRetryOptions {
  /** What is being done, for the log line of each retry. */
  what: string;
  logger?: { warn(fields: object, message: string): void };
  /** Asked after each failure: false gives up (the error is thrown), e.g. once the job's run is over. */
  stillWanted?: () => boolean;
}

/**
 * Runs `work` again, with back-off, for as long as it fails because the database connection was
 * lost (isConnectionLoss) — an outage of any length — and throws any other error at once. Only for
 * work that is safe to repeat: a connection lost at the commit leaves it unknown whether the first
 * try landed, so the work must be idempotent or refuse a second time cleanly (a status change
 * already made is refused by the transition table).
 */
export async function retryOnConnectionLoss<T>(work: () => Promise<T>, opts: ConnectionRetryOptions): Promise<T> {
  const backoff = new Backoff(FIRST_RETRY_MS, MAX_RETRY_MS);
  for (;;) {
    try {
      return await work();
    } catch (e) {
      if (!isConnectionLoss(e) || opts.stillWanted?.() === false) throw e;
      const delay = backoff.next();
      opts.logger?.warn(
        { err: (e as Error).message, retry_in_ms: delay, failures: backoff.failures },
        `${opts.what}: the database connection was lost; trying again`,
      );
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
