import { parseJson, stringifyJson } from '../singer/lossless-json.js';
/** A small HTTP client of Sinew's own API, for the CLI. */
export interface ApiTarget {
  url: string;
  key: string;
  env: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function callApi<T>(target: ApiTarget, method: string, path: string, body?: unknown): Promise<T> {
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
  return (type.includes('json') ? parseJson(text) : text) as T;
}
