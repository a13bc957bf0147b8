/**
 * Old, settled outbox events for bench/scale.ts's retention pass: `n` delivered job-lifecycle
 * events created at `createdAtMs`, each with one delivery and one attempt, as the dispatcher leaves
 * them. Three set-based inserts (generate_series), so the pass, not the load, is what is timed.
 */
import type pg from 'pg';
import { ENV } from './scale-data.js';

export async function loadSettledEvents(pool: pg.Pool, n: number, createdAtMs: number): Promise<void> {
  const at = new Date(createdAtMs).toISOString();
  await pool.query(
    `insert into events (event_id, env_id, kind, ordering_key, payload, created_at, status, attempts, next_attempt_at, delivered_at)
     select 'evbench' || g, $1, 'job_lifecycle', 'job:jold' || (g / 7), $2, $3, 'delivered', 1, null, $4
       from generate_series(1, $5) g`,
    [ENV, JSON.stringify({ status: 'JOB_COMPLETED', job_id: 'jold', env_id: ENV, tenant: 't000001' }), at, createdAtMs, n],
  );
  await pool.query(
    `insert into event_deliveries (event_id, event_seq, env_id, destination, ordering_key, status, attempts, delivered_at)
     select event_id, seq, env_id, 'webhook:job_lifecycle', ordering_key, 'delivered', 1, $2 from events where event_id like 'evbench%' and env_id = $1`,
    [ENV, createdAtMs],
  );
  await pool.query(
    `insert into event_delivery_attempts (delivery_id, attempted_at, status_code, latency_ms, outcome)
     select delivery_id, $1, 200, 12, 'delivered' from event_deliveries where event_id like 'evbench%'`,
    [new Date(createdAtMs).toISOString()],
  );
}
