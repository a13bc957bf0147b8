import { type Answer, type CallOptions, type Method, type Operation, operationUrl, type PathWith } from '../contract/api-operations.js';
import type { components } from '../contract/sinew-api.js';
import { parseJson, stringifyJson } from '../singer/lossless-json.js';

/**
 * The CLI's client of Sinew's own API, typed by src/contract/api-operations.ts (from the document
 * `npm run api:types` generates): the contract and its clients cannot drift apart.
 */
export interface ApiTarget {
  url: string;
  key: string;
  env: string;
}

export type Job = components['schemas']['Job'];

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Calls one operation of the API: `callApi(t, 'get', '/{env}/{flow}/{tenant}/jobs/{job_id}', { path: { flow, tenant, job_id } })`.
 * Throws ApiError with the catalogue code of an error answer (or UNREACHABLE).
 */
export async function callApi<M extends Method, P extends PathWith<M>>(
  target: ApiTarget,
  method: M,
  template: P,
  options: CallOptions<Operation<P, M>> = {},
): Promise<Answer<Operation<P, M>>> {
  const path = operationUrl(template, target.env, options as { path?: object; query?: object });
  return (await requestApi(target, method.toUpperCase(), path, options.body)) as Answer<Operation<P, M>>;
}

/**
 * The request under callApi, untyped: for tests that call paths as text (a deployment's processes).
 * The answer is parsed as lossless JSON when it is JSON, else returned as text.
 */
export async function requestApi<T = unknown>(target: ApiTarget, method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${target.url}${path}`, {
      method,
      headers: { 'x-api-key': target.key, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? stringifyJson(body) : undefined,
    });
  } catch (e) {
    throw new ApiError(0, 'UNREACHABLE', `cannot reach Sinew at ${target.url} (${(e as Error).message}); is \`sinew serve\` running?`);
  }
  const text = await response.text();
  if (!response.ok) {
    let code = `HTTP_${response.status}`;
    let message = text;
    try {
      const parsed = JSON.parse(text) as { error?: { code?: string; message?: string } };
      code = parsed.error?.code ?? code;
      message = parsed.error?.message ?? text;
    } catch {
      /* not JSON */
    }
    throw new ApiError(response.status, code, message);
  }
  const type = response.headers.get('content-type') ?? '';
  // Lossless: a job's state or config may hold numbers a double cannot (bigint ids).
  if (type.includes('json')) return (text === '' ? undefined : parseJson(text)) as T;
  // A text answer stays text when empty: a job that has not logged yet has logs "", not none.
  return (text === '' && !type.startsWith('text/') ? undefined : text) as T;
}
