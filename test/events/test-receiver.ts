import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  rawBody: string;
  body: any;
  at: number;
}

export type Answer = { status: number; body?: string; contentType?: string; delayMs?: number };

/** A real HTTP receiver on loopback recording every POST; `answer` decides each response. */
export interface Receiver {
  url: string;
  port: number;
  received: Received[];
  answer: (r: Received) => Answer;
  waitFor(pred: (all: Received[]) => boolean, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startReceiver(
  answer: (r: Received) => Answer = () => ({ status: 200, body: 'ok' }),
  port = 0,
  host = '127.0.0.1',
): Promise<Receiver> {
  const received: Received[] = [];
  const r: Receiver = {
    url: '',
    port: 0,
    received,
    answer,
    async waitFor(pred, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pred(received)) {
        if (Date.now() > deadline) throw new Error(`receiver: condition not met after ${timeoutMs} ms; got ${received.length} requests`);
        await new Promise((res) => setTimeout(res, 20));
      }
      return received;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((res) => server.close(() => res()));
    },
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = JSON.parse(rawBody);
      } catch {
        body = undefined;
      }
      const rec: Received = { path: req.url ?? '', headers: req.headers, rawBody, body, at: Date.now() };
      received.push(rec);
      const a = r.answer(rec);
      const reply = () => {
        if (res.destroyed) return;
        res.writeHead(a.status, { 'content-type': a.contentType ?? 'text/plain' });
        res.end(a.body ?? '');
      };
      if (a.delayMs) setTimeout(reply, a.delayMs);
      else reply();
    });
  });
  await new Promise<void>((res) => server.listen(port, host, () => res()));
  r.port = (server.address() as AddressInfo).port;
  r.url = `http://${host.includes(':') ? `[${host}]` : host}:${r.port}`;
  return r;
}

/** The seed's (docs.hotglue.com) JavaScript signature check, verbatim, around a request object. */
export { verifyHotglueSignature } from './seed-signature-check.js';
