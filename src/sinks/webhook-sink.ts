import { createHmac } from 'node:crypto';
import type { EventKind } from '../model/event.js';
import { stringifyJson } from '../singer/lossless-json.js';
import { commonHeaders, type EventSink, fieldOf, stringAt } from './event-sink.js';

export interface WebhookSubscription {
  url: string;
  /** Signs each body with HMAC-SHA1 into X-Hub-Signature. Never returned in clear. */
  secret?: string;
}

/**
 * The owner's link validation webhook (issue #15): asked before a link is saved, it may refuse it
 * (src/links/link-validation-webhook.ts). It sits beside the subscriptions but is not one: no event
 * is delivered to it.
 */
export interface LinkValidationWebhook extends WebhookSubscription {
  /** How long it has to answer (ms; default 10 s); no verdict in time refuses the link. */
  timeout_ms?: number;
}

/** One subscription per event kind (seeds/000), and the link validation webhook. */
export type WebhookSubscriptions = Partial<Record<EventKind, WebhookSubscription>> & { link_validation?: LinkValidationWebhook };

const KINDS: readonly EventKind[] = ['job_lifecycle', 'discover', 'connection'];

const subscription = {
  type: 'object',
  required: ['url'],
  additionalProperties: false,
  properties: { url: { type: 'string', minLength: 1, maxLength: 2048 }, secret: { type: 'string', maxLength: 512 } },
} as const;

/** Lowercase hex HMAC-SHA1 of the exact body bytes: what the seed's JavaScript check recomputes. */
export function hubSignature(secret: string, body: Buffer): string {
  return createHmac('sha1', secret).update(body).digest('hex');
}

/** The job's own lifecycle URL, when the job was created with one. */
function overrideWebhook(kind: EventKind, payload: Record<string, unknown>): string | null {
  if (kind !== 'job_lifecycle') return null;
  const url = payload.override_lifecycle_webhook;
  return typeof url === 'string' && url !== '' ? url : null;
}

/**
 * The webhook an event of this kind goes to: the kind's subscription, or for a job lifecycle event
 * the job's `override_lifecycle_webhook` instead, signed with the environment's job lifecycle secret
 * when one is set.
 */
function webhookFor(kind: EventKind, payload: Record<string, unknown>, subs: WebhookSubscriptions | undefined): WebhookSubscription | null {
  const sub = subs?.[kind];
  const override = overrideWebhook(kind, payload);
  if (override) return { url: override, ...(sub?.secret ? { secret: sub.secret } : {}) };
  return sub?.url ? sub : null;
}

/** The signed webhook POST of every event kind: the payload as stored (numbers exact). */
export const webhookSink: EventSink<WebhookSubscriptions, 'webhooks'> = {
  name: 'webhook',
  section: 'webhooks',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      ...Object.fromEntries(KINDS.map((k) => [k, subscription])),
      link_validation: {
        ...subscription,
        properties: { ...subscription.properties, timeout_ms: { type: 'integer', minimum: 100, maximum: 60_000 } },
      },
    },
  },
  secretPaths: [...KINDS, 'link_validation'].map((k) => [k, 'secret']),
  // The validation webhook's URL is judged like the subscriptions': the link service calls it.
  urls: (section) =>
    [...KINDS, 'link_validation'].map((k) => stringAt(fieldOf(section, k), 'url')).filter((u): u is string => u !== undefined),
  wants: (event, subs) => webhookFor(event.kind, event.payload, subs) !== null,
  request(event, subs) {
    const sub = webhookFor(event.kind, event.payload, subs);
    if (!sub) return `no ${event.kind} webhook is configured any more`;
    const body = Buffer.from(event.payload_text ?? stringifyJson(event.payload), 'utf8');
    const headers = commonHeaders(event);
    if (sub.secret) headers['x-hub-signature'] = hubSignature(sub.secret, body);
    return { url: sub.url, headers, body };
  },
};
