import pg from 'pg';

/** Where a pool reports connections it lost (a pino logger fits); absent, they are dropped quietly. */
export interface ConnectionLossLog {
  warn(fields: object, message: string): void;
  debug(fields: object, message: string): void;
}

/**
 * What a Sinew connection calls itself in `pg_stat_activity`: `sinew:<schema>:<use>` (at most the
 * 63 bytes PostgreSQL keeps), so an operator sees which deployment and which pool a backend serves
 * — and can end exactly those (the connection-loss tests do). An `application_name` in the
 * database URL wins over it.
 */
export function connectionName(schema: string | undefined, use: string): string {
  return `sinew:${schema ?? 'public'}:${use}`.slice(0, 63);
}

export interface PoolOptions {
  url: string;
  /** The store's schema (names the connections; see connectionName). */
  schema: string | undefined;
  /** Which pool: `store`, `locks`, `queue`. */
  use: string;
  max: number;
  /** libpq `options` (e.g. `-c search_path=…`). */
  options?: string;
  logger?: ConnectionLossLog;
}

/** A pg pool whose connections may die at any time without taking the process with them (see guardPool). */
export function openPool(opts: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.max,
    application_name: connectionName(opts.schema, opts.use),
    ...(opts.options === undefined ? {} : { options: opts.options }),
  });
  guardPool(pool, opts.use, opts.logger);
  return pool;
}

/**
 * A pg client whose connection ends (the backend is terminated, the server restarts, the network
 * drops) emits 'error'; with no listener, Node makes that an uncaught exception and the process
 * exits. The pool listens only while a client is idle (and re-emits it as the pool's 'error'); a
 * client checked out — by Kysely for a query or a transaction, by the key locks for as long as a
 * lock is held — has no listener at all. So every client gets one of its own as it is made. The
 * error itself changes nothing here: the query running on the client (if any) fails with it, the
 * client answers every later query with an error, and the pool discards it when it is released
 * (or, idle, at once); the next checkout opens a new connection.
 */
export function guardPool(pool: pg.Pool, use: string, logger?: ConnectionLossLog): void {
  pool.on('connect', (client: pg.PoolClient) => guardClient(client, use, logger));
  pool.on('error', (e: Error) =>
    logger?.warn({ pool: use, err: e.message }, 'PostgreSQL: an idle connection was lost; the next query opens a new one'),
  );
}

/** An 'error' listener for one client (a pooled one, or a dedicated one such as a LISTEN connection). */
export function guardClient(client: pg.ClientBase, use: string, logger?: ConnectionLossLog): void {
  client.on('error', (e: Error) => logger?.debug({ pool: use, err: e.message }, 'PostgreSQL: a connection in use was lost'));
}
