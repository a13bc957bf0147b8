import { parseJson, stringifyJson } from '../singer/lossless-json.js';
import type { components, paths } from '../contract/sinew-api.js';

/**
 * The CLI's client of Sinew's own API, typed by src/contract/sinew-api.ts (generated from
 * /openapi.json by `npm run api:types`): a path, method, parameter, body or answer field the
 * document does not have is a compile error here, so the contract and its first client cannot
 * drift apart.
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

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
/** The document's paths that have an operation for this method. */
export type PathWith<M extends Method> = { [P in keyof paths]: paths[P] extends Record<M, unknown> ? P : never }[keyof paths];
type Operation<P extends keyof paths, M extends Method> = paths[P] extends Record<M, infer O> ? O : never;

type OpParameters<O> = O extends { parameters: infer X } ? X : Record<never, never>;
/** Path parameters; `env` defaults to the target's environment. */
type PathParameters<O> = OpParameters<O> extends { path: infer X } ? Omit<X, 'env'> & { env?: string } : Record<never, never>;
type QueryParameters<O> = OpParameters<O> extends { query?: infer X } ? X : never;
type RequestBody<O> = O extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;
type Content<R> = R extends { content: infer C } ? C[keyof C] : undefined;
/** The success answer: the first of 200, 201, 204 the operation documents. */
type Answer<O> = O extends { responses: infer R } ? (200 extends keyof R ? Content<R[200]> : 201 extends keyof R ? Content<R[201]> : undefined) : never;

export interface CallOptions<O> {
  path?: PathParameters<O>;
  query?: QueryParameters<O>;
  body?: RequestBody<O>;
}

/** `/{env}/{flow}/…` with each `{name}` filled in, encoded. */
function fillPath(template: string, values: Record<string, unknown>): string {
  return template.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for {${name}} in ${template}`);
    return encodeURIComponent(String(value));
  });
}

function queryString(query: object | undefined): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) if (value !== undefined) params.set(name, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/**
 * Calls one operation of the API: `callApi(t, 'get', '/{env}/{flow}/{tenant}/jobs/{job_id}', { path: { flow, tenant, job_id } })`.
 * Throws ApiError with the catalogue code of an error answer (or UNREACHABLE).
 */
export async function callApi<M extends Method, P extends PathWith<M>>(target: ApiTarget, method: M, template: P, options: CallOptions<Operation<P, M>> = {}): Promise<Answer<Operation<P, M>>> {
  const path = `${fillPath(template, { env: target.env, ...(options.path ?? {}) })}${queryString(options.query as object | undefined)}`;
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
    let code = 'HTTP_' + response.status;
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
