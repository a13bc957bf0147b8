import type { Logger } from 'pino';
import { isConnectionLoss } from '../runtime/postgres-connection-loss.js';

/**
 * The process-wide rule for a promise rejected with nobody waiting for it. One from a lost
 * database connection (a query of a background task, a driver's internal promise) is not a reason
 * to stop a process that otherwise retries and recovers: it is logged and the process carries on.
 * Anything else is a bug, and a process with a bug in an unknown place may have lost a loop
 * without a trace (a worker that takes no jobs yet looks alive): it is logged with its stack and
 * the process exits with 1, as Node would — its jobs are taken over by the lease rules.
 */
export function handleUnhandledRejections(logger: Logger): void {
  process.on('unhandledRejection', (reason: unknown) => {
    if (isConnectionLoss(reason)) {
      logger.warn({ err: (reason as Error).message }, 'a database call nobody waited for failed: the connection was lost; carrying on');
      return;
    }
    logger.fatal({ err: reason }, 'unhandled promise rejection (a bug); exiting');
    process.exit(1);
  });
}
