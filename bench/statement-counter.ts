/**
 * Counts the statements this process sends to PostgreSQL, by kind and first table, by wrapping
 * node-postgres's `Client.prototype.query` — the one door Kysely's pool and pg-boss both go through.
 * For bench/job-store-cost.ts: the server runs in the same process, so nothing is missed but the
 * job process's own connections (none today: it talks to its worker over IPC).
 */
import pg from 'pg';

const counts = new Map<string, number>();
let counting = false;
const ignored = new WeakSet<object>();
const original = pg.Client.prototype.query;

(pg.Client.prototype as { query: unknown }).query = function (this: pg.Client, ...args: unknown[]) {
  if (counting && !ignored.has(this)) {
    const first = args[0] as string | { text?: string } | undefined;
    const text = typeof first === 'string' ? first : first?.text;
    if (typeof text === 'string') {
      const key = classify(text);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return (original as (...a: unknown[]) => unknown).apply(this, args);
};

/** `insert jobs`, `select events`, `begin`…: the statement's verb and the first table it names. */
function classify(text: string): string {
  const sql = text.trim().replace(/\s+/g, ' ').toLowerCase();
  const verb = /^(with|select|insert|update|delete|begin|commit|rollback|notify|listen|set|savepoint|release)/.exec(sql)?.[1] ?? 'other';
  const table = /(?:from|into|update|join)\s+"?([a-z_]+)"?(?:\."?([a-z_]+)"?)?/.exec(sql);
  const name = table ? (table[2] ?? table[1]) : '';
  if (/pgboss/.test(sql)) return `pg-boss ${verb}`;
  return `${verb}${name ? ` ${name}` : ''}`;
}

export function countStatements(on: boolean): void {
  counting = on;
}

/** The benchmark's own client (its polling is not the job's cost). */
export function ignoreClient(client: pg.Client): void {
  ignored.add(client);
}

export function statementCounts(): Map<string, number> {
  return new Map(counts);
}
