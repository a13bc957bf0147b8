import { datadogSink } from './datadog-sink.js';
import type { EventSink } from './event-sink.js';
import { slackSink } from './slack-sink.js';
import { webhookSink } from './webhook-sink.js';

/** Every event sink, in the order an event's deliveries are created. A new sink: one line here. */
export const EVENT_SINKS = [webhookSink, datadogSink, slackSink] as const;

type Sink = (typeof EVENT_SINKS)[number];

/** The sinks' sections of `monitoring`, each typed by its sink. */
export type SinkSections = { [S in Sink as S['section']]?: S extends EventSink<infer Section> ? Section : never };

/** The names deliveries carry (`webhook`, `datadog`, `slack`). */
export const SINK_NAMES: readonly string[] = EVENT_SINKS.map((s) => s.name);

export function sinkNamed(name: string): EventSink<unknown> | undefined {
  return EVENT_SINKS.find((s) => s.name === name) as EventSink<unknown> | undefined;
}

/** A sink's own section of the monitoring settings. */
export function sectionOf(sink: EventSink<unknown>, monitoring: Record<string, unknown> | undefined): unknown {
  return monitoring?.[sink.section];
}

/** JSON Schema properties of `monitoring`: one per sink. */
export function sinkSectionSchemas(): Record<string, Record<string, unknown>> {
  return Object.fromEntries(EVENT_SINKS.map((s) => [s.section, s.schema]));
}

/** The credentials of the sinks' sections, as paths under `monitoring`. */
export function sinkSecretPaths(): string[][] {
  return EVENT_SINKS.flatMap((s) => s.secretPaths.map((p) => [s.section, ...p]));
}

/** Every URL the monitoring section being saved would send to. */
export function sinkUrls(monitoring: Record<string, unknown>): string[] {
  return EVENT_SINKS.flatMap((s) => s.urls(monitoring[s.section]));
}
