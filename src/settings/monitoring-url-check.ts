import { urlRefusal } from '../outbound/url-refusal.js';
import type { AddressPolicy } from '../outbound/address-policy.js';

/**
 * Why the monitoring URLs being saved may not be reached (empty when all may): the webhook and
 * Slack URLs of `patch` (the monitoring section of a settings PUT), judged with the environment's
 * policy as it will stand after the save. Hostnames are not resolved here; the connection-time
 * check is what counts.
 */
export function refusedMonitoringUrls(patch: Record<string, unknown> | undefined, policy: AddressPolicy): string[] {
  if (!patch) return [];
  const webhooks = (patch.webhooks ?? {}) as Record<string, { url?: unknown } | undefined>;
  const slack = patch.slack as { webhook_url?: unknown } | undefined;
  const urls = [...Object.values(webhooks).map((s) => s?.url), slack?.webhook_url].filter((u): u is string => typeof u === 'string');
  return urls.map((u) => urlRefusal(u, policy)).filter((why): why is string => why !== null);
}
