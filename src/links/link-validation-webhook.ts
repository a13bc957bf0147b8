import { SinewError } from '../errors/sinew-error.js';
import { HttpSender } from '../events/http-sender.js';
import type { LinkKey } from '../model/link.js';
import type { AddressPolicy } from '../outbound/address-policy.js';
import { stringifyJson } from '../singer/lossless-json.js';
import { TIMESTAMP_HEADER, USER_AGENT } from '../sinks/event-sink.js';
import { hubSignature, type LinkValidationWebhook } from '../sinks/webhook-sink.js';

export const DEFAULT_VALIDATION_TIMEOUT_MS = 10_000;
const MAX_MESSAGE = 500;

/**
 * Asks the owner's link validation webhook (`monitoring.webhooks.link_validation`) whether a link
 * may be saved — hotglue's credentials validator. The POST is signed as every webhook is
 * (`X-Hub-Signature`, HMAC-SHA1 of the body) and carries the link's names and its config with every
 * secret `********`: the owner judges the account linked (a portal id, an instance URL), never
 * sees a credential. A 2xx JSON `{ "valid": true }` lets it through; `{ "valid": false, "message" }`
 * refuses it with that message; anything else — another status, no verdict, no answer in time —
 * refuses it as unavailable: an owner who asked to validate links is never bypassed.
 */
export async function askLinkValidator(
  hook: LinkValidationWebhook,
  key: LinkKey,
  redactedConfig: Record<string, unknown>,
  policy: AddressPolicy,
): Promise<void> {
  // Lossless: a number in the config (read losslessly from the request) goes out as written.
  const body = Buffer.from(
    stringifyJson({
      event: 'LINK_VALIDATION',
      env_id: key.env_id,
      flow_id: key.flow_id,
      tenant: key.tenant,
      connector: key.connector_id,
      connector_type: key.role,
      config: redactedConfig,
      timestamp: new Date().toISOString(),
    }),
  );
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
    [TIMESTAMP_HEADER]: String(Math.floor(Date.now() / 1000)),
  };
  if (hook.secret) headers['x-hub-signature'] = hubSignature(hook.secret, body);
  const sender = new HttpSender(hook.timeout_ms ?? DEFAULT_VALIDATION_TIMEOUT_MS, 1);
  let outcome: Awaited<ReturnType<HttpSender['post']>>;
  try {
    outcome = await sender.post({ url: hook.url, headers, body }, policy);
  } finally {
    sender.close();
  }
  const unavailable = (why: string): SinewError =>
    new SinewError('LINK_VALIDATION_UNAVAILABLE', `the link validation webhook gave no verdict (${why}); nothing was linked`, {
      connector_id: key.connector_id,
    });
  if (outcome.error !== null) throw unavailable(outcome.error);
  if (outcome.status_code === null || outcome.status_code < 200 || outcome.status_code >= 300)
    throw unavailable(`it answered ${outcome.status_code}`);
  let verdict: { valid?: unknown; message?: unknown } | null = null;
  try {
    verdict = JSON.parse(outcome.response_excerpt ?? '') as { valid?: unknown; message?: unknown };
  } catch {
    /* judged below */
  }
  if (typeof verdict?.valid !== 'boolean') throw unavailable('its answer has no boolean "valid"');
  if (verdict.valid) return;
  const message =
    typeof verdict.message === 'string' && verdict.message !== '' ? verdict.message.slice(0, MAX_MESSAGE) : 'the owner refused this link';
  throw new SinewError('LINK_VALIDATION_REFUSED', message, { connector_id: key.connector_id });
}
