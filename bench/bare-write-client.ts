/**
 * The write bench's baseline (a child process): the same calls the http target makes, from a bare
 * loop — read the records (JSONL), send them as batches (`POST {url}/batch`, `--batch N`) or one
 * per call (`POST {url}`), `--concurrency C` calls at a time, on keep-alive connections — and
 * nothing else: no Singer, no job, no results kept. Prints `{ seconds, records, calls }` as JSON.
 */

import { readFile } from 'node:fs/promises';
import http from 'node:http';

const arg = (name: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  const value = i === -1 ? undefined : process.argv[i + 1];
  if (value === undefined) throw new Error(`--${name} is required`);
  return value;
};
const url = new URL(arg('url'));
const batch = Number(arg('batch'));
const concurrency = Number(arg('concurrency'));
const file = arg('records');

// The same pool as the http target's client (twice the concurrency): with exactly `concurrency`
// sockets, a call issued as the last one's answer ends can wait for that socket to be freed.
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency * 2 });

function post(path: string, body: unknown): Promise<void> {
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': payload.length },
      },
      (res) => {
        res.on('data', () => {});
        res.on('end', () => (res.statusCode! < 300 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const started = performance.now();
const records = (await readFile(file, 'utf8'))
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l));
const calls: Array<() => Promise<void>> = [];
if (batch > 1) for (let i = 0; i < records.length; i += batch) calls.push(() => post(`${url.pathname}/batch`, records.slice(i, i + batch)));
else for (const r of records) calls.push(() => post(url.pathname, r));
// One iterator shared by the lanes: each call is made by exactly one of them.
const queue = calls.values();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    for (const call of queue) await call();
  }),
);
const seconds = (performance.now() - started) / 1000;
agent.destroy();
process.stdout.write(`${JSON.stringify({ seconds, records: records.length, calls: calls.length })}\n`);
