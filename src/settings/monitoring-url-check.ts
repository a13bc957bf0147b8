import type { AddressPolicy } from '../outbound/address-policy.js';
import { urlRefusal } from '../outbound/url-refusal.js';
import { sinkUrls } from '../sinks/sink-registry.js';

/**
 * Why the monitoring URLs being saved may not be reached (empty when all may): the URLs of every
 * sink in `patch` (the monitoring section of a settings PUT), judged with the environment's
 * policy as it will stand after the save. Hostnames are not resolved here; the connection-time
 * check is what counts.
 */
export function refusedMonitoringUrls(patch: Record<string, unknown> | undefined, policy: AddressPolicy): string[] {
  if (!patch) return [];
  return sinkUrls(patch)
    .map((u) => urlRefusal(u, policy))
    .filter((why): why is string => why !== null);
}
