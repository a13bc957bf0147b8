import type { CheckOutcome } from '../../../model/credential-check.js';
import type { AddressPolicy } from '../../../outbound/address-policy.js';
import { answerError, HttpClient } from './http-client.js';

const CHECK_TIMEOUT_MS = 10_000;

/**
 * A credential check of a bearer-token API: one GET that any working token may make. 2xx: the
 * token works; 401/403: the system refuses it (its answer says why); anything else, or no answer,
 * concludes nothing. The token never appears in the outcome.
 */
export async function bearerCheck(
  connectorId: string,
  label: string,
  url: string,
  token: string,
  policy: AddressPolicy,
): Promise<CheckOutcome> {
  const client = new HttpClient(1, policy, connectorId);
  const hide = (text: string): string => text.replaceAll(token, '***');
  try {
    const answer = await client.send({ method: 'GET', url, headers: { authorization: `Bearer ${token}` }, timeoutMs: CHECK_TIMEOUT_MS });
    if (answer.status >= 200 && answer.status < 300) return { result: 'ok', message: null };
    const said = hide(`${label} answered ${answerError(answer, 300)}`);
    return { result: answer.status === 401 || answer.status === 403 ? 'refused' : 'inconclusive', message: said };
  } catch (e) {
    return { result: 'inconclusive', message: hide(`${label} could not be asked: ${(e as Error).message}`) };
  } finally {
    client.close();
  }
}
