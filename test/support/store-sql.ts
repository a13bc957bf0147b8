import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { Harness } from './sinew-harness.js';

/**
 * Runs one SQL statement on the harness's own store, beside the server: for what no API does,
 * such as making rows older than the test's minutes (retention). `?` placeholders on both
 * dialects; returns the rows of a select.
 */
export async function storeSql(h: Harness, statement: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  if (h.pg) {
    const client = new pg.Client({ connectionString: h.pg.url });
    await client.connect();
    try {
      await client.query(`set search_path to "${h.pg.schema}"`);
      let n = 0;
      return (
        await client.query(
          statement.replace(/\?/g, () => `$${++n}`),
          params,
        )
      ).rows;
    } finally {
      await client.end();
    }
  }
  const db = new Database(path.join(h.dataDir, 'sinew.db'));
  try {
    db.pragma('busy_timeout = 5000');
    const prepared = db.prepare(statement);
    if (prepared.reader) return prepared.all(...params) as Record<string, unknown>[];
    prepared.run(...params);
    return [];
  } finally {
    db.close();
  }
}
