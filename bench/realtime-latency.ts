/**
 * Real-time write overhead: `POST /{env}/{flow}/{tenant}/connectors/http/{stream}` (sync, one
 * record with an externalId) against the same call made straight to the remote system, a loopback
 * collection answering in ~1 ms (bench/collection-server.ts, its own process). Calls are sequential
 * (latency, not throughput), on keep-alive connections, from the same client code; the first
 * --warmup calls of each are left out. Sinew's overhead at a percentile = Sinew's latency there
 * minus the direct call's. Two passes through Sinew: creates (new external ids) and updates (the
 * same ids again, changed: a map hit and a PATCH).
 * Targets: overhead p50 ≤ 3 ms, p99 ≤ 15 ms.
 * Usage: node --import tsx bench/realtime-latency.ts [--calls N (2000)] [--warmup W (200)] [--no-build]
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { buildDist } from './build-dist.js';
import { onCleanup, runMain } from './exit-cleanup.js';
import { describeMachine } from './machine-load.js';
import { startSinewServer } from './sinew-server.js';
import { formatTable } from './text-table.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const CALLS = arg('calls', 2000);
const WARMUP = arg('warmup', 200);
const P50_TARGET = 3;
const P99_TARGET = 15;

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

/** One POST, timed from the request to the last byte of the answer (ms). */
function timedPost(url: URL, headers: Record<string, string>, body: unknown): Promise<number> {
  const payload = Buffer.from(JSON.stringify(body));
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        agent,
        headers: { ...headers, 'content-type': 'application/json', 'content-length': payload.length },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          if (res.statusCode! >= 300)
            reject(new Error(`${url.pathname}: ${res.statusCode} ${Buffer.concat(chunks).toString().slice(0, 300)}`));
          else resolve(performance.now() - started);
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function series(n: number, call: (i: number) => Promise<number>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await call(i));
  return out.slice(WARMUP);
}

runMain(async () => {
  buildDist(process.argv.includes('--no-build'));
  const remote = fork(fileURLToPath(new URL('./collection-server.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'] });
  onCleanup(() => {
    remote.kill('SIGKILL');
  });
  const [{ port }] = (await once(remote, 'message')) as [{ port: number }];
  const items = new URL(`http://127.0.0.1:${port}/items`);
  const server = await startSinewServer();
  onCleanup(() => server.stop());
  const env = server.envId;
  await server.api('PUT', `/${env}/flows/rt-bench`, { name: 'rt-bench', type: 'v1-target', connectors: ['http'] });
  await server.api('POST', `/${env}/rt-bench/acme/linkedTargets`, {
    target: { target: 'http', config: { url: items.href, max_attempts: 1 } },
  });
  const write = new URL(`${server.url}/${env}/rt-bench/acme/connectors/http/Contacts`);
  const auth = { 'x-api-key': server.key };

  const n = CALLS + WARMUP;
  const direct = await series(n, (i) => timedPost(items, {}, { externalId: `d${i}`, name: `Name ${i}` }));
  const creates = await series(n, (i) => timedPost(write, auth, { data: { externalId: `c${i}`, name: `Name ${i}` } }));
  const updates = await series(n, (i) => timedPost(write, auth, { data: { externalId: `c${i}`, name: `Renamed ${i}` } }));

  const row = (name: string, values: number[]) => {
    const p50 = percentile(values, 50);
    const p99 = percentile(values, 99);
    const over50 = p50 - percentile(direct, 50);
    const over99 = p99 - percentile(direct, 99);
    return [name, p50.toFixed(2), p99.toFixed(2), values === direct ? '' : over50.toFixed(2), values === direct ? '' : over99.toFixed(2)];
  };
  process.stdout.write(
    `\n# real-time write, ${CALLS} sequential calls each (after ${WARMUP} warm-up), remote ~1 ms — ${describeMachine()}\n`,
  );
  process.stdout.write(
    `${formatTable(['calls', 'p50 ms', 'p99 ms', 'overhead p50 ms', 'overhead p99 ms'], [row('direct to the remote', direct), row('sinew: creates', creates), row('sinew: updates (map hit)', updates)])}\n`,
  );
  process.stdout.write(`# targets: overhead p50 ≤ ${P50_TARGET} ms, p99 ≤ ${P99_TARGET} ms\n`);
  agent.destroy();
});
