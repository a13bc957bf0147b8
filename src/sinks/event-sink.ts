import type { EventKind } from '../model/event.js';

/**
 * Where events go besides the outbox: a sink turns one committed event into one HTTP request, from
 * its own section of the environment's `monitoring` settings. A new sink is one file of this shape
 * plus one line in sink-registry.ts: its settings schema, secrets, URL check and delivery all follow
 * from here (docs/architecture.md, "Event delivery").
 */
export interface OutgoingRequest {
  url: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface EventToSend {
  event_id: string;
  env_id: string;
  kind: EventKind;
  payload: Record<string, unknown>;
  /** The payload as committed, when at hand: sent byte for byte instead of serializing again. */
  payload_text?: string;
}

/** What a sink may need of the server's configuration (not of the environment's settings). */
export interface SinkServerConfig {
  /** Datadog's events endpoint, `{site}` replaced by the environment's site (tests point it at loopback). */
  datadogUrlTemplate: string;
}

export interface EventSink<Section = unknown, Key extends string = string> {
  /** The destination's name, stored with each of its deliveries (`GET /{env}/events/{id}` shows it). */
  readonly name: string;
  /** Its key under `monitoring` in the settings document. */
  readonly section: Key;
  /** JSON Schema of that section (unknown keys refused). */
  readonly schema: Record<string, unknown>;
  /** Paths of the section's credentials: sealed at rest, `********` in every answer. */
  readonly secretPaths: ReadonlyArray<readonly string[]>;
  /** The URLs a section being saved would send to, judged by the environment's outbound policy. */
  urls(section: unknown): string[];
  /** Whether this event goes here under the current settings (decided when the event is fanned out). */
  wants(event: Pick<EventToSend, 'kind' | 'payload'>, section: Section | undefined): boolean;
  /** The request for one event under the current settings, or why there is none any more. */
  request(event: EventToSend, section: Section | undefined, server: SinkServerConfig): OutgoingRequest | string;
}

/** Headers every sink's request carries: the event id is the same on every retry, so receivers can de-duplicate. */
export const USER_AGENT = 'Sinew/0.1.0';
export const EVENT_ID_HEADER = 'x-sinew-event-id';
export const TIMESTAMP_HEADER = 'x-sinew-timestamp';

export function commonHeaders(event: EventToSend): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
    [EVENT_ID_HEADER]: event.event_id,
    [TIMESTAMP_HEADER]: String(Math.floor(Date.now() / 1000)),
  };
}

/** A payload field as text ('' for none). */
export const text = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

/** A field of a section being saved (any value: it may not have been validated yet). */
export const fieldOf = (section: unknown, key: string): unknown =>
  typeof section === 'object' && section !== null ? (section as Record<string, unknown>)[key] : undefined;

/** A string field of a section being saved, if it is one. */
export const stringAt = (section: unknown, key: string): string | undefined => {
  const value = fieldOf(section, key);
  return typeof value === 'string' ? value : undefined;
};
