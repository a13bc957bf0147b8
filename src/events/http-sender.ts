import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { type AddressPolicy, addressRefusal } from '../outbound/address-policy.js';
import { guardedLookup } from '../outbound/guarded-lookup.js';
import type { OutgoingRequest } from '../sinks/event-sink.js';

/** What one POST came to: a status (any) or an error (refused, reset, timeout), never a throw. */
export interface SendOutcome {
  status_code: number | null;
  latency_ms: number;
  /** At most 1 KiB of the response body, as text. */
  response_excerpt: string | null;
  error: string | null;
}

const EXCERPT_BYTES = 1024;

/**
 * POSTs with keep-alive agents, one pair per address policy so the connection-time address check
 * (the agents' lookup) always matches the environment's policy.
 */
export class HttpSender {
  readonly #agents = new Map<string, { http: http.Agent; https: https.Agent }>();

  constructor(
    private readonly timeoutMs: number,
    private readonly maxSockets = 256,
  ) {}

  async post(req: OutgoingRequest, policy: AddressPolicy): Promise<SendOutcome> {
    const started = performance.now();
    const done = (o: Omit<SendOutcome, 'latency_ms'>): SendOutcome => ({ ...o, latency_ms: performance.now() - started });
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      return done({ status_code: null, response_excerpt: null, error: 'the URL is not valid' });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      return done({ status_code: null, response_excerpt: null, error: `${url.protocol} URLs are not supported` });
    // An IP literal never goes through the agent's lookup: check it here.
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (net.isIP(host)) {
      const why = addressRefusal(host, policy);
      if (why) return done({ status_code: null, response_excerpt: null, error: `refused ${host}: ${why}` });
    }
    const agents = this.#agentsFor(policy);
    const agent = url.protocol === 'https:' ? agents.https : agents.http;
    const request = url.protocol === 'https:' ? https.request : http.request;
    return new Promise<SendOutcome>((resolve) => {
      let settled = false;
      const finish = (o: Omit<SendOutcome, 'latency_ms'>): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(done(o));
      };
      const r = request(url, { method: 'POST', agent, headers: { ...req.headers, 'content-length': String(req.body.length) } }, (res) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        res.on('data', (chunk: Buffer) => {
          if (kept < EXCERPT_BYTES) {
            chunks.push(chunk.subarray(0, EXCERPT_BYTES - kept));
            kept += Math.min(chunk.length, EXCERPT_BYTES - kept);
          }
        });
        res.on('end', () =>
          finish({ status_code: res.statusCode ?? null, response_excerpt: Buffer.concat(chunks).toString('utf8'), error: null }),
        );
        res.on('error', (e) => finish({ status_code: res.statusCode ?? null, response_excerpt: null, error: e.message }));
      });
      const timer = setTimeout(() => {
        finish({ status_code: null, response_excerpt: null, error: `timed out after ${this.timeoutMs} ms` });
        r.destroy();
      }, this.timeoutMs);
      r.on('error', (e) => finish({ status_code: null, response_excerpt: null, error: e.message }));
      r.end(req.body);
    });
  }

  close(): void {
    for (const a of this.#agents.values()) {
      a.http.destroy();
      a.https.destroy();
    }
    this.#agents.clear();
  }

  #agentsFor(policy: AddressPolicy): { http: http.Agent; https: https.Agent } {
    const key = `${policy.allowPrivate}:${policy.allowLoopback}`;
    let agents = this.#agents.get(key);
    if (!agents) {
      const options = { keepAlive: true, maxSockets: this.maxSockets, lookup: guardedLookup(policy) };
      agents = { http: new http.Agent(options), https: new https.Agent(options) };
      this.#agents.set(key, agents);
    }
    return agents;
  }
}
