import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Answer only after this long (a remote system that hangs). */
  delayMs?: number;
}

/** A fault the next N requests get instead of their normal answer. */
interface Fault {
  remaining: number;
  reply: Reply;
}

/**
 * The loopback HTTP server under the fake SaaS APIs: parses JSON bodies, records every request,
 * and can be told to answer the next N requests with a fault (rate limit, 5xx) before the API's
 * own handler sees them.
 */
export class FakeApiServer {
  readonly requests: SeenRequest[] = [];
  /** Every answer waits this long (a remote's own latency), unless the reply sets its own delay. */
  latencyMs = 0;
  /** The most requests that were in progress (arrived, not yet answered) at one time. */
  peakInFlight = 0;
  private inFlight = 0;
  private readonly server: http.Server;
  private faults: Fault[] = [];

  constructor(private readonly handle: (request: SeenRequest) => Reply) {
    this.server = http.createServer((req, res) => {
      this.peakInFlight = Math.max(this.peakInFlight, ++this.inFlight);
      res.once('close', () => this.inFlight--);
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        let reply: Reply;
        try {
          body = text === '' ? undefined : JSON.parse(text);
        } catch {
          body = Symbol.for('invalid-json');
        }
        const seen: SeenRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body };
        this.requests.push(seen);
        const fault = this.faults[0];
        if (fault) {
          reply = fault.reply;
          if (--fault.remaining === 0) this.faults.shift();
        } else if (body === Symbol.for('invalid-json')) {
          reply = { status: 400, body: { message: 'body is not valid JSON' } };
        } else {
          reply = this.handle(seen);
        }
        const payload = reply.body === undefined ? '' : JSON.stringify(reply.body);
        const send = (): void => {
          if (res.destroyed) return;
          res.writeHead(reply.status, { ...(payload ? { 'content-type': 'application/json' } : {}), ...reply.headers });
          res.end(payload);
        };
        const delay = reply.delayMs ?? this.latencyMs;
        if (delay > 0) setTimeout(send, delay).unref();
        else send();
      });
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The next `count` requests get `reply` (e.g. 429 with Retry-After, or a 503). */
  failNext(count: number, reply: Reply): void {
    this.faults.push({ remaining: count, reply });
  }

  count(method: string, pathPrefix: string): number {
    return this.requests.filter((r) => r.method === method && r.path.startsWith(pathPrefix)).length;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
