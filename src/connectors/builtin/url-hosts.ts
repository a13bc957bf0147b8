import { httpUrlHost } from '../../outbound/url-refusal.js';
import type { OutboundHost } from '../sdk/connector.js';

/** The host of each http(s) URL among `fields` of a config (templates filled with a placeholder). */
export function urlHosts(
  config: Record<string, unknown>,
  fields: readonly string[],
  fill: (text: string) => string = (t) => t,
): OutboundHost[] {
  const out: OutboundHost[] = [];
  for (const field of fields) {
    const value = config[field];
    if (typeof value !== 'string' || value === '') continue;
    const host = httpUrlHost(fill(value));
    if (host !== null) out.push({ field, host });
  }
  return out;
}
