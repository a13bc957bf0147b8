import type pg from 'pg';

let driver: Promise<typeof pg> | undefined;

/**
 * node-postgres, imported the first time a connector connects: every Sinew process loads the
 * built-in connectors' definitions, and ~70 ms of driver loading is a tenth of a server's start-up
 * that most servers would pay for nothing.
 */
export function loadPg(): Promise<typeof pg> {
  driver ??= import('pg').then((m) => m.default);
  return driver;
}
