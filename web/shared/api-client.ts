import {
  type Answer,
  type CallOptions,
  type Method,
  type Operation,
  operationUrl,
  type PathWith,
} from '../../src/contract/api-operations.js';

/**
 * The browser faces' client of the public HTTP API (the widget with the public key and a tenant
 * token, the dashboard with an environment key), typed by the same contract as the CLI's. The
 * faces call nothing else: no private route.
 */
export interface ApiCredentials {
  /** The API's base URL, without a trailing slash ('' for the page's own origin and path prefix). */
  baseUrl: string;
  env: string;
  /** The headers that authenticate a call (`x-api-key`, and `authorization: Bearer <tenant token>`), asked per call. */
  headers(): Promise<Record<string, string>> | Record<string, string>;
}

/** An error answer of the API (`{ error: { code, message, details } }`), or UNREACHABLE. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export interface ApiClient {
  call<M extends Method, P extends PathWith<M>>(
    method: M,
    template: P,
    options?: CallOptions<Operation<P, M>>,
  ): Promise<Answer<Operation<P, M>>>;
}

export function createApiClient(credentials: ApiCredentials): ApiClient {
  return {
    async call(method, template, options = {}) {
      const url = `${credentials.baseUrl}${operationUrl(template, credentials.env, options as { path?: object; query?: object })}`;
      const body = (options as { body?: unknown }).body;
      let response: Response;
      try {
        response = await fetch(url, {
          method: method.toUpperCase(),
          headers: { ...(await credentials.headers()), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
          body: body !== undefined ? JSON.stringify(body) : undefined,
        });
      } catch (e) {
        throw new ApiError(0, 'UNREACHABLE', `cannot reach Sinew (${(e as Error).message})`);
      }
      const text = await response.text();
      if (!response.ok) {
        let error: { code?: string; message?: string; details?: unknown } = {};
        try {
          error = (JSON.parse(text) as { error?: typeof error }).error ?? {};
        } catch {
          /* not JSON */
        }
        throw new ApiError(
          response.status,
          error.code ?? `HTTP_${response.status}`,
          error.message ?? (text || response.statusText),
          error.details,
        );
      }
      const type = response.headers.get('content-type') ?? '';
      return (type.includes('json') ? (text === '' ? undefined : JSON.parse(text)) : text) as never;
    },
  };
}
