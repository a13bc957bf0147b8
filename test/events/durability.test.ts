import assert from 'node:assert/strict';
import { once } from 'node:events';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { migratedSchemaInPostgresMode, type PostgresTestSchema } from '../support/postgres-schema.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';
import { fixture } from '../support/singer-flow.js';
import { until } from '../support/until.js';
import { type Receiver, startReceiver } from './test-receiver.js';

const ENV = 'durable.sinew.local';
const KEY = `sk_test_durable_${Math.random().toString(36).slice(2)}`;
const TENANTS = 10;
const POSTS_PER_TENANT = 3; // LINK, OVERWRITE, OVERWRITE: three events on one ordering key

/**
 * A real `sinew serve` process, SIGKILLed while a slow receiver holds deliveries in flight and
 * others have not been attempted yet, then restarted on the same data dir (or PostgreSQL schema):
 * every event reaches the receiver, which de-duplicates by X-Sinew-Event-Id; none is lost.
 */
describe('event delivery survives SIGKILL mid-delivery', () => {
  let dataDir: string;
  let pg: PostgresTestSchema | null = null;
  let rx: Receiver;
  let server: ServerProcess | undefined;
  const env = () => ({
    SINEW_DATA_DIR: dataDir,
    SINEW_ENV_ID: ENV,
    SINEW_API_KEY: KEY,
    SINEW_WEBHOOK_ALLOW_LOOPBACK: 'true',
    SINEW_WEBHOOK_TIMEOUT_MS: '2000',
    SINEW_WEBHOOK_RETRY_SCHEDULE: '0.1,0.2,0.5,1,1,1',
    SINEW_EVENT_POLL_MS: '200',
    ...(pg ? { SINEW_DATABASE_URL: pg.url, SINEW_DATABASE_SCHEMA: pg.schema } : {}),
  });
  const api = async (method: string, p: string, body?: unknown) => {
    const res = await fetch(`${server!.url}${p}`, {
      method,
      headers: { 'x-api-key': KEY, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${p}: ${res.status} ${text}`);
    return JSON.parse(text);
  };

  before(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'sinew-durable-'));
    pg = await migratedSchemaInPostgresMode();
    // Slow: every delivery is held 300 ms, so a kill always finds some in flight.
    rx = await startReceiver(() => ({ status: 200, body: 'ok', delayMs: 300 }));
  });
  after(async () => {
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGKILL');
      await once(server.child, 'exit');
    }
    await rx.close();
    await pg?.drop();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  test('killed with SIGKILL and restarted: every event delivered, each id seen, none lost', async () => {
    server = await startServerProcess(env());
    await api('PUT', `/${ENV}/connectors/tap-durable`, { kind: 'source', command: [process.execPath, fixture('tap-numbers.mjs')] });
    await api('PUT', `/${ENV}/connectors/target-durable`, { kind: 'target', command: [process.execPath, fixture('target-jsonl.mjs')] });
    await api('PUT', `/${ENV}/flows/durable`, {
      name: 'durable',
      type: 'v1-source',
      connectors: ['tap-durable'],
      target: { connector: 'target-durable', config: { path: dataDir } },
    });
    await api('PUT', `/${ENV}/settings`, { monitoring: { webhooks: { connection: { url: `${rx.url}/conn`, secret: 's3cret' } } } });
    for (let n = 0; n < POSTS_PER_TENANT; n++) {
      await Promise.all(
        Array.from({ length: TENANTS }, (_, t) =>
          api('POST', `/${ENV}/durable/tenant-${t}/linkedSources`, { source: { tap: 'tap-durable', config: { records: n } } }),
        ),
      );
    }
    const expected = TENANTS * POSTS_PER_TENANT;

    // Kill once some deliveries were answered and others are in flight or not yet attempted.
    await rx.waitFor((all) => all.length >= TENANTS + 2, 30_000);
    server.child.kill('SIGKILL');
    await once(server.child, 'exit');
    const seenBeforeKill = new Set(rx.received.map((r) => String(r.headers['x-sinew-event-id']))).size;
    assert.ok(seenBeforeKill < expected, `the kill came mid-delivery (${seenBeforeKill} of ${expected} seen)`);

    server = await startServerProcess(env());
    const ids = () => new Set(rx.received.map((r) => String(r.headers['x-sinew-event-id'])));
    await rx.waitFor(() => ids().size >= expected, 60_000);

    const events: any[] = await api('GET', `/${ENV}/events?kind=connection&limit=500`);
    assert.equal(events.length, expected, 'every link change wrote an event');
    assert.deepEqual(
      [...ids()].sort(),
      events.map((e) => e.event_id).sort(),
      'after de-duplication the receiver saw each event id exactly once',
    );
    await until('every event recorded as delivered', 30_000, async () =>
      (await api('GET', `/${ENV}/events?kind=connection&limit=500`)).every((e: any) => e.status === 'delivered'),
    );
    // Per tenant, the three events arrived in order (first arrival of each id): LINK, OVERWRITE, OVERWRITE.
    for (let t = 0; t < TENANTS; t++) {
      const first = new Map<string, string>();
      for (const r of rx.received)
        if (r.body?.tenant === `tenant-${t}` && !first.has(r.body.event_id)) first.set(r.body.event_id, r.body.event);
      assert.deepEqual([...first.values()], ['LINK', 'OVERWRITE', 'OVERWRITE'], `tenant-${t}`);
    }
  });
});
