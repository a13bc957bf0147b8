import type { EventKind } from '../model/event.js';
import type { MonitoringSettings } from '../settings/environment-settings.js';
import type { EventSink } from '../sinks/event-sink.js';
import { EVENT_SINKS, sectionOf } from '../sinks/sink-registry.js';

/**
 * Where an event goes: every sink (src/sinks) that wants it under the environment's settings at the
 * moment it is dispatched (fanned out, normally within milliseconds of the commit).
 */
export function destinationsFor(kind: EventKind, payload: Record<string, unknown>, monitoring: MonitoringSettings): string[] {
  return (EVENT_SINKS as readonly EventSink<unknown>[])
    .filter((sink) => sink.wants({ kind, payload }, sectionOf(sink, monitoring)))
    .map((sink) => sink.name);
}
