import type { MonitoringSettings } from '../settings/environment-settings.js';
import type { EventToSend, OutgoingRequest, SinkServerConfig } from '../sinks/event-sink.js';
import { sectionOf, sinkNamed } from '../sinks/sink-registry.js';

/** The request for one delivery under the current settings, or why there is none. */
export function buildDeliveryRequest(
  destination: string,
  event: EventToSend,
  monitoring: MonitoringSettings,
  server: SinkServerConfig,
): OutgoingRequest | string {
  const sink = sinkNamed(destination);
  if (!sink) return `unknown destination ${destination}`;
  return sink.request(event, sectionOf(sink, monitoring), server);
}
