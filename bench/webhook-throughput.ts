/**
 * Event delivery bench: signed webhook deliveries per second to a loopback receiver (its own
 * process), and the latency from an event's commit to its arrival.
 *
 * Events are generated without running jobs, through the outbox path the job lifecycle uses
 * (`tx.events.insert` inside a store transaction, then the in-process notifier, as JobLifecycle does
 * after commit). Throughput: N events committed in batches of 500, delivered by the real
 * EventDispatcher (SQLite store, default concurrency), timed from the first commit to the last
 * arrival. Latency: events committed one per transaction at a steady rate over many ordering keys;
 * per event, arrival time at the receiver minus commit time. Baseline: a bare loop in the same
 * process POSTing the same number of signed bodies to the same receiver, as many at once as the
 * dispatcher's concurrency, on keep-alive sockets — no store, no outbox, no retries.
 * Targets (issue #19): ≥ 5,000 deliveries/s, p99 commit → delivery ≤ 50 ms.
 * Usage: node --import tsx bench/webhook-throughput.ts [--events N] [--rate R] [--latency-events N]
 */
import { fork } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { SecretBox } from '../src/crypto/secret-box.js';
import { readEventDeliveryConfig } from '../src/events/event-delivery-config.js';
import { EventDispatcher } from '../src/events/event-dispatcher.js';
import { OutboxNotifier } from '../src/events/outbox-notifier.js';
import { newEventId } from '../src/ids/short-id.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const N = arg('events', 20000);
const RATE = arg('rate', 500);
const LATENCY_EVENTS = arg('latency-events', 3000);
const ENV = 'bench.sinew.local';
const RATE_TARGET = 5000;
const P99_TARGET_MS = 50;
const SECRET = 'bench-secret';

const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sinew-webhook-bench-'));
const receiver = fork(fileURLToPath(new URL('./webhook-receiver.ts', import.meta.url)), {
  execArgv: ['--import', 'tsx'],
  env: { ...process.env, BENCH_SECRET: SECRET },
});
const [{ port }] = (await once(receiver, 'message')) as [{ port: number }];
const report = async (): Promise<{ arrivals: [string, number][]; badSignatures: number }> => {
  receiver.send({ t: 'report' });
  return ((await once(receiver, 'message')) as [{ arrivals: [string, number][]; badSignatures: number }])[0];
};

const store = await openSqliteStore(path.join(dir, 'sinew.db'));
await store.migrate();
await store.environments.put({
  env_id: ENV,
  name: ENV,
  settings: { monitoring: { webhooks: { job_lifecycle: { url: `http://127.0.0.1:${port}/hook`, secret: SECRET } } } },
} as never);
const notifier = new OutboxNotifier();
const deliveryConfig = readEventDeliveryConfig(process.env, true);
const dispatcher = new EventDispatcher({
  store,
  config: deliveryConfig,
  notifier,
  logger: pino({ level: 'warn' }),
  box: new SecretBox(SecretBox.generateSecret()),
});
await dispatcher.start();

const event = (i: number, commitTimes?: Map<string, number>) => {
  const id = newEventId();
  return {
    id,
    row: {
      event_id: id,
      env_id: ENV,
      kind: 'job_lifecycle' as const,
      ordering_key: `job:bench-${i % 1000}`,
      payload: { job_id: `bench-${i % 1000}`, env_id: ENV, status: 'SYNC_STARTED', seq: i, metrics: { recordCount: { users: i } } },
      created_at: new Date().toISOString(),
    },
    commitTimes,
  };
};

/** The baseline: `n` signed POSTs of the same bodies, `lanes` at a time, and nothing else. */
async function bareDeliveries(n: number, lanes: number): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: lanes });
  const post = (i: number) => {
    const e = event(i);
    const body = Buffer.from(JSON.stringify(e.row.payload));
    const signature = createHmac('sha1', SECRET).update(body).digest('hex');
    return new Promise<void>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          path: '/hook',
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': body.length,
            'x-hub-signature': signature,
            'x-sinew-event-id': e.id,
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  };
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < n) await post(next++);
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  const r = await report();
  if (r.arrivals.length !== n) throw new Error(`the receiver got ${r.arrivals.length} bare posts, not ${n}`);
  return n / seconds;
}

try {
  const barePerSecond = await bareDeliveries(N, deliveryConfig.concurrency);
  // Throughput.
  const t0 = performance.now();
  for (let i = 0; i < N; i += 500) {
    await store.transaction(async (tx) => {
      for (let j = i; j < Math.min(N, i + 500); j++) await tx.events.insert(event(j).row);
    });
    notifier.notify();
  }
  let got = 0;
  let bad = 0;
  while (got < N) {
    await new Promise((r) => setTimeout(r, 50));
    const r = await report();
    got += r.arrivals.length;
    bad = r.badSignatures;
  }
  const seconds = (performance.now() - t0) / 1000;
  const perSecond = N / seconds;

  // Latency: one event per transaction at RATE/s over 1000 ordering keys.
  const commits = new Map<string, number>();
  const gap = 1000 / RATE;
  const start = performance.now();
  for (let i = 0; i < LATENCY_EVENTS; i++) {
    const e = event(i);
    await store.transaction((tx) => tx.events.insert(e.row));
    commits.set(e.id, performance.timeOrigin + performance.now());
    notifier.notify();
    const next = start + (i + 1) * gap;
    const wait = next - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  const latencies: number[] = [];
  while (latencies.length < LATENCY_EVENTS) {
    await new Promise((r) => setTimeout(r, 50));
    for (const [id, at] of (await report()).arrivals) {
      const c = commits.get(id);
      if (c !== undefined) latencies.push(at - c);
    }
  }
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => (latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? Number.NaN).toFixed(1);
  process.stdout.write(
    [
      `webhook deliveries: ${N} signed events in ${seconds.toFixed(2)} s = ${perSecond.toFixed(0)} deliveries/s (target >= ${RATE_TARGET}) ${perSecond >= RATE_TARGET ? 'met' : 'MISSED'}; bad signatures: ${bad}`,
      `baseline, a bare loop of ${N} signed POSTs, ${deliveryConfig.concurrency} at a time: ${barePerSecond.toFixed(0)} posts/s; sinew / bare ${((perSecond / barePerSecond) * 100).toFixed(0)} %`,
      `commit -> delivery latency at ${RATE} events/s (${LATENCY_EVENTS} events): p50 ${pct(50)} ms, p95 ${pct(95)} ms, p99 ${pct(99)} ms, max ${latencies.at(-1)!.toFixed(1)} ms (target p99 <= ${P99_TARGET_MS} ms) ${Number(pct(99)) <= P99_TARGET_MS ? 'met' : 'MISSED'}`,
      `machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? ''}`,
      '',
    ].join('\n'),
  );
} finally {
  await dispatcher.stop();
  await store.close();
  receiver.send({ t: 'exit' });
  await fs.rm(dir, { recursive: true, force: true });
}
