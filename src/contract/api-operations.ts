import type { paths } from './sinew-api.js';

/**
 * The typed shape of one call to Sinew's API, from src/contract/sinew-api.ts (generated from
 * /openapi.json): a path, method, parameter, body or answer field the document does not have is a
 * compile error in every client built on this — the CLI (src/cli/api-client.ts) and the browser
 * faces (web/shared/api-client.ts). No Node or DOM here: both sides import it.
 */
export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
/** The document's paths that have an operation for this method. */
export type PathWith<M extends Method> = { [P in keyof paths]: paths[P] extends Record<M, unknown> ? P : never }[keyof paths];
export type Operation<P extends keyof paths, M extends Method> = paths[P] extends Record<M, infer O> ? O : never;

type OpParameters<O> = O extends { parameters: infer X } ? X : Record<never, never>;
/** Path parameters; `env` defaults to the client's environment. */
type PathParameters<O> = OpParameters<O> extends { path: infer X } ? Omit<X, 'env'> & { env?: string } : Record<never, never>;
type QueryParameters<O> = OpParameters<O> extends { query?: infer X } ? X : never;
type RequestBody<O> = O extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;
type Content<R> = R extends { content: infer C } ? C[keyof C] : undefined;
/** The success answer: the first of 200, 201, 204 the operation documents. */
export type Answer<O> = O extends { responses: infer R }
  ? 200 extends keyof R
    ? Content<R[200]>
    : 201 extends keyof R
      ? Content<R[201]>
      : undefined
  : never;

export interface CallOptions<O> {
  path?: PathParameters<O>;
  query?: QueryParameters<O>;
  body?: RequestBody<O>;
}

/** `/{env}/{flow}/…` with each `{name}` filled in, encoded. */
export function fillPath(template: string, values: Record<string, unknown>): string {
  return template.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for {${name}} in ${template}`);
    return encodeURIComponent(String(value));
  });
}

export function queryString(query: object | undefined): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) if (value !== undefined) params.set(name, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The path and query of a call, ready to append to the API's base URL. */
export function operationUrl(template: string, env: string, options: { path?: object; query?: object }): string {
  return `${fillPath(template, { env, ...(options.path ?? {}) })}${queryString(options.query)}`;
}
