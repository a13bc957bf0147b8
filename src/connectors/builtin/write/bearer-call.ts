import { SinewError } from '../../../errors/sinew-error.js';
import type { AccessTokenSource } from '../../sdk/access-token.js';
import { answerError, type HttpAnswer, type HttpCall, type HttpClient } from './http-client.js';
import { type RetryPolicy, sendWithRetry } from './retry-policy.js';

/** The link health's reason code when its system refused its token for good. */
export const CREDENTIALS_REJECTED = 'credentials_rejected';

/**
 * A call with a bearer token from `tokens`, asked for each call (a long run picks up a refreshed
 * token). A 401 gets one more try with the token the source gives after a refresh; a 401 then (or
 * no new token) makes every write impossible (CREDENTIALS_REJECTED) — the source has marked the
 * link invalid by then.
 */
export async function bearerCall(
  connectorId: string,
  label: string,
  client: HttpClient,
  tokens: AccessTokenSource,
  call: Omit<HttpCall, 'headers'> & { headers?: Record<string, string> },
  policy: RetryPolicy,
  log?: (message: string) => void,
): Promise<HttpAnswer> {
  // What the system answered is kept in the link's health and its INVALID event: never the token.
  const said = (sent: string, a: HttpAnswer): string => `${label} answered ${answerError(a, 200)}`.replaceAll(sent, '***');
  const send = (token: string) =>
    sendWithRetry(client, { ...call, headers: { ...call.headers, authorization: `Bearer ${token}` } }, policy, log);
  const token = await tokens.current();
  let answer = await send(token);
  if (answer.status !== 401) return answer;
  const next = await tokens.rejected(token, said(token, answer));
  if (next !== null) {
    log?.(`${call.method} ${call.url}: 401, trying once more with a refreshed access token`);
    answer = await send(next);
    if (answer.status !== 401) return answer;
    await tokens.rejected(next, said(next, answer));
  }
  const last = next ?? token;
  throw new SinewError(
    'CREDENTIALS_REJECTED',
    `${connectorId}: ${label} refused the access token${next !== null ? ' again after a refresh' : ''} (CREDENTIALS_REJECTED): the link is invalid and the tenant must link again; ${said(last, answer)}`,
    {
      connector_id: connectorId,
      status: 401,
      write_impossible: true,
    },
  );
}
