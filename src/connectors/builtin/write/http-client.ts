import http from 'node:http';
import https from 'node:https';
import { type AddressPolicy, hostRefusalText, isRefusedAddress } from '../../../outbound/address-policy.js';
import { guardedLookup } from '../../../outbound/guarded-lookup.js';
import { hostLiteralRefusal } from '../../../outbound/host-literal.js';
import { ConcurrencyLimit } from '../../../runtime/concurrency-limit.js';
import { parseJson, stringifyJson } from '../../../singer/lossless-json.js';
import { writeImpossible } from './write-failure.js';

export interface HttpCall {
  method: string;
  url: string;
  headers?: Record<string, string>;
  /** Sent as JSON (big numbers kept exact); omitted for undefined. */
  body?: unknown;
  timeoutMs: number;
}

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** The answer's body as JSON, or undefined when it is empty or not JSON. */
export function answerJson(answer: HttpAnswer): unknown {
  if (answer.text.trim() === '') return undefined;
  try {
    return parseJson(answer.text);
  } catch {
    return undefined;
  }
}

/** `<status> <body excerpt>`: what a record's `error` says about a failed call. */
export function answerError(answer: HttpAnswer, limit = 500): string {
  const body = answer.text.length > limit ? `${answer.text.slice(0, limit)}…` : answer.text;
  return `${answer.status}${body ? ` ${body}` : ''}`;
}

/**
 * A small JSON HTTP client on node:http with keep-alive agents, so a pool of requests reuses its
 * connections (the write targets make thousands of calls to one host). At most `maxInFlight` calls
 * are out at once, however the caller schedules them: a target's `concurrency` ("calls in flight
 * at once") holds even when several of its batches each run a pool of calls. `close()` drops the
 * sockets.
 *
 * Every connection passes the outbound address policy: names through the agents' lookup (checked
 * after DNS, connecting to the address checked), IP literals here. Redirects are never followed —
 * a 3xx is the answer the write gets — so no hop can lead past the check. A refused address makes
 * every write impossible (the job or real-time write fails, and is not retried); the error names
 * the host and the kind of address, and nothing was sent.
 */
export class HttpClient {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly calls: ConcurrencyLimit;

  constructor(
    maxInFlight: number,
    private readonly policy: AddressPolicy,
    /** Names the connector in a refusal. */
    private readonly connectorId: string,
  ) {
    this.calls = new ConcurrencyLimit(maxInFlight);
    // Twice the sockets: a call started as another's answer ends need not wait for its socket.
    const options = { keepAlive: true, maxSockets: maxInFlight * 2, lookup: guardedLookup(policy) };
    this.httpAgent = new http.Agent(options);
    this.httpsAgent = new https.Agent(options);
  }

  send(call: HttpCall): Promise<HttpAnswer> {
    return this.calls.run(() => this.call(call));
  }

  private refused(host: string, kind: 'loopback' | 'private'): Error {
    return writeImpossible(this.connectorId, `refused to connect: ${hostRefusalText(host, kind)}`, { address_refused: true });
  }

  private call(call: HttpCall): Promise<HttpAnswer> {
    const url = new URL(call.url);
    const secure = url.protocol === 'https:';
    // An IP literal never goes through the agent's lookup: judge it here.
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const literal = hostLiteralRefusal(host, this.policy);
    if (literal) return Promise.reject(this.refused(host, literal));
    const payload = call.body === undefined ? undefined : Buffer.from(stringifyJson(call.body));
    const headers: Record<string, string | number> = { accept: 'application/json', ...call.headers };
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = payload.length;
    }
    return new Promise<HttpAnswer>((resolve, reject) => {
      const request = (secure ? https : http).request(
        url,
        { method: call.method, headers, agent: secure ? this.httpsAgent : this.httpAgent, timeout: call.timeoutMs },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') }),
          );
        },
      );
      request.on('timeout', () => request.destroy(new Error(`no answer from ${url.origin} within ${call.timeoutMs} ms`)));
      request.on('error', (error) => reject(isRefusedAddress(error) ? this.refused(error.host, error.kind) : error));
      request.end(payload);
    });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
