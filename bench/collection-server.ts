/**
 * The write benches' remote system (a child process, so it has its own core): a JSON collection
 * that answers every call after ~1 ms (`--latency-ms`, a timer; 0: at once), like a fast API on the
 * same network. `POST /items` creates (201 `{ id }`), `PATCH /items/{id}` updates, `POST /items/batch`
 * takes an array and answers one `{ id }` per element. It only counts what it got; on
 * `{ t: 'report' }` it sends `{ calls, items }` and resets.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const latencyArg = process.argv.indexOf('--latency-ms');
const LATENCY_MS = latencyArg === -1 ? 1 : Number(process.argv[latencyArg + 1]);
let calls = 0;
let items = 0;
let nextId = 1;

const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    calls++;
    const text = Buffer.concat(chunks).toString('utf8');
    let status = 200;
    let body: unknown;
    if (req.method === 'POST' && req.url === '/items/batch') {
      const list = JSON.parse(text) as unknown[];
      items += list.length;
      body = list.map(() => ({ id: `i${nextId++}` }));
    } else if (req.method === 'POST' && req.url === '/items') {
      items++;
      status = 201;
      body = { id: `i${nextId++}` };
    } else if (req.method === 'PATCH' && req.url?.startsWith('/items/')) {
      items++;
      body = { id: decodeURIComponent(req.url.slice('/items/'.length)) };
    } else {
      status = 404;
      body = { message: 'no such route' };
    }
    const payload = JSON.stringify(body);
    const answer = () => {
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
      res.end(payload);
    };
    // --latency-ms 0 answers at once (a timer of 0 would still wait for the next timers phase, ~1 ms).
    if (LATENCY_MS > 0) setTimeout(answer, LATENCY_MS);
    else answer();
  });
});
server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
process.on('message', (m: { t: string }) => {
  if (m.t === 'report') {
    process.send!({ calls, items });
    calls = 0;
    items = 0;
  }
  if (m.t === 'exit') server.close(() => process.exit(0));
});
