import { dateTime, nullableDateTime, nullableText, openObject, text } from './schema-parts.js';

const eventProperties = {
  event_id: { type: 'string', description: 'Stable across redeliveries' },
  kind: { type: 'string', enum: ['job_lifecycle', 'discover', 'connection'] },
  ordering_key: text,
  created_at: dateTime,
  status: { type: 'string', enum: ['pending', 'delivering', 'delivered', 'failed', 'no_destination'] },
  payload: openObject('The body sent to the webhook'),
} as const;

/** An event in `GET /{env}/events` (src/events/event-service.ts `EventView`). */
export const eventSchema = {
  type: 'object',
  additionalProperties: false,
  required: Object.keys(eventProperties),
  properties: eventProperties,
} as const;

const attemptSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    attempted_at: dateTime,
    status_code: { type: ['integer', 'null'] },
    latency_ms: { type: 'number' },
    response_excerpt: { type: ['string', 'null'], description: 'At most 1 KiB of the response body' },
    error: nullableText,
    outcome: { type: 'string', enum: ['delivered', 'retry', 'failed', 'gone'] },
  },
} as const;

const deliverySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    destination: { type: 'string', description: '`webhook`, `datadog` or `slack` (never its URL)' },
    status: { type: 'string', enum: ['pending', 'delivered', 'failed', 'gone'] },
    attempt_count: { type: 'integer' },
    next_attempt_at: nullableDateTime,
    delivered_at: nullableDateTime,
    last_error: nullableText,
    attempts: { type: 'array', items: attemptSchema },
  },
} as const;

/** `GET /{env}/events/{event_id}` and redelivery: the event with every delivery and attempt. */
export const eventDetailSchema = {
  type: 'object',
  additionalProperties: false,
  required: [...Object.keys(eventProperties), 'deliveries'],
  properties: { ...eventProperties, deliveries: { type: 'array', items: deliverySchema } },
} as const;
