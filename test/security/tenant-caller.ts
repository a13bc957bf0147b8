import assert from 'node:assert/strict';
import http from 'node:http';
import type { ApiResponse, Harness } from '../support/sinew-harness.js';

/** Calls the API as one tenant: the environment's public key plus that tenant's token (Bearer). */
export type TenantApi = (method: string, urlPath: string, body?: unknown) => Promise<ApiResponse>;

export interface TenantCaller {
  publicKey: string;
  token: string;
  api: TenantApi;
}

/** A public key of the harness's environment and a token for `tenant`, issued through the API. */
export async function tenantCaller(h: Harness, tenant: string, publicKey?: string): Promise<TenantCaller> {
  const key = publicKey ?? (await h.sinew.services.environments.createPublicKey(h.envId));
  const issued = await h.api('POST', `/tenant/${h.envId}/${tenant}/token`, {});
  assert.equal(issued.status, 200, issued.text);
  const token = issued.body.token as string;
  return { publicKey: key, token, api: tenantApiOf(h, key, token) };
}

export function tenantApiOf(h: Harness, publicKey: string, token: string): TenantApi {
  return (method, urlPath, body) => h.api(method, urlPath, body, { key: publicKey, headers: { authorization: `Bearer ${token}` } });
}

export function assertError(res: ApiResponse, status: number, code: string): void {
  assert.equal(res.status, status, res.text);
  assert.equal(res.body?.error?.code, code, res.text);
  assert.equal(typeof res.body.error.message, 'string');
}

/**
 * A request with the path sent byte for byte: fetch() resolves `..` and `%2E%2E` segments before
 * sending, which would hide exactly the ids an attacker sends.
 */
export function rawRequest(h: Harness, method: string, rawPath: string, body?: unknown): Promise<ApiResponse> {
  const url = new URL(h.url);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path: rawPath,
        headers: { 'x-api-key': h.key, ...(payload ? { 'content-type': 'application/json' } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode ?? 0, body: parsed as ApiResponse['body'], text, headers: new Headers() });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
