import type { Logger } from 'pino';
import type { LinkTokenBackend } from '../connectors/sdk/access-token.js';
import type { TokenReply, TokenRequest } from './token-messages.js';

/**
 * The worker's answer to a job process's token request (token-messages.ts), from the link's token
 * backend (src/oauth/token-refresher.ts). Never throws: a failure is the reply's `error`, which names
 * the token endpoint's code, never a token (token-endpoint.ts).
 */
export async function answerTokenRequest(backend: LinkTokenBackend | undefined, request: TokenRequest, log: Logger): Promise<TokenReply> {
  try {
    if (!backend) throw new Error("this job's connector has no link tokens to refresh");
    if (request.op === 'refresh') return { t: 'token', req: request.req, held: await backend.refresh(request.have, request.reason) };
    await backend.invalid(request.message);
    return { t: 'token', req: request.req };
  } catch (e) {
    log.warn({ err: (e as Error).message }, "could not refresh the job's link tokens");
    return { t: 'token', req: request.req, error: (e as Error).message };
  }
}
