/** The bench's loopback receiver (a child process, so it has its own core): checks every signature, records arrival times. */

import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const secret = process.env.BENCH_SECRET ?? '';
const arrivals: [string, number][] = [];
let badSignatures = 0;
const server = http.createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    if (createHmac('sha1', secret).update(body).digest('hex') !== req.headers['x-hub-signature']) badSignatures++;
    arrivals.push([String(req.headers['x-sinew-event-id']), performance.timeOrigin + performance.now()]);
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  });
});
server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
process.on('message', (m: { t: string }) => {
  if (m.t === 'report') process.send!({ arrivals: arrivals.splice(0), badSignatures });
  if (m.t === 'exit') server.close(() => process.exit(0));
});
