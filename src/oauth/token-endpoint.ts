import http from 'node:http';
import https from 'node:https';
import { SinewError } from '../errors/sinew-error.js';
import { type AddressPolicy, hostRefusalText, isRefusedAddress } from '../outbound/address-policy.js';
import { guardedLookup } from '../outbound/guarded-lookup.js';
import { hostLiteralRefusal } from '../outbound/host-literal.js';

const TIMEOUT_MS = 15_000;
/** A token response is small; a larger answer is not one. */
const MAX_BYTES = 256 * 1024;

/** A successful token response (RFC 6749 §5.1): what Sinew keeps of it is chosen by the connector's auth. */
export type TokenResponse = Record<string, unknown> & { access_token: string };

/**
 * Why the token endpoint did not give tokens. `oauth_error` is the endpoint's own error code
 * (`invalid_grant`, …) or ours (`unreachable`, `bad_response`, `address_refused`): a code, never the
 * answer's text, which may echo what was sent.
 */
export const tokenFailure = (oauthError: string, message: string): SinewError =>
  new SinewError('OAUTH_TOKEN_FAILED', message, { oauth_error: oauthError });

/**
 * POSTs a token request (form-encoded, client credentials in the body) through the outbound
 * address policy: the name is resolved and checked once, an IP literal judged as it is, and a
 * redirect is an answer, never followed.
 */
export async function requestTokens(tokenUrl: string, params: Record<string, string>, policy: AddressPolicy): Promise<TokenResponse> {
  const url = new URL(tokenUrl);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const literal = hostLiteralRefusal(host, policy);
  if (literal) throw tokenFailure('address_refused', `token endpoint refused: ${hostRefusalText(host, literal)}`);
  const body = Buffer.from(new URLSearchParams(params).toString());
  let answer: { status: number; text: string };
  try {
    answer = await post(url, body, policy);
  } catch (e) {
    if (isRefusedAddress(e)) throw tokenFailure('address_refused', `token endpoint refused: ${hostRefusalText(e.host, e.kind)}`);
    throw tokenFailure('unreachable', `token endpoint ${url.host} could not be reached: ${(e as Error).message}`);
  }
  let parsed: Record<string, unknown> | null = null;
  try {
    const value: unknown = JSON.parse(answer.text);
    if (value && typeof value === 'object' && !Array.isArray(value)) parsed = value as Record<string, unknown>;
  } catch {
    /* not JSON: judged below */
  }
  if (answer.status >= 200 && answer.status < 300 && parsed && typeof parsed.access_token === 'string' && parsed.access_token !== '') {
    return parsed as TokenResponse;
  }
  const code = typeof parsed?.error === 'string' && /^[\w.-]{1,100}$/.test(parsed.error) ? parsed.error : 'bad_response';
  throw tokenFailure(
    code,
    `token endpoint ${url.host} answered ${answer.status}${code === 'bad_response' ? ' without tokens' : `: ${code}`}`,
  );
}

function post(url: URL, body: Buffer, policy: AddressPolicy): Promise<{ status: number; text: string }> {
  const secure = url.protocol === 'https:';
  const transport = secure ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(
      url,
      {
        method: 'POST',
        lookup: guardedLookup(policy),
        timeout: TIMEOUT_MS,
        agent: false,
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', 'content-length': body.length },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_BYTES) req.destroy(new Error('the answer is too large'));
          else chunks.push(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer in ${TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
