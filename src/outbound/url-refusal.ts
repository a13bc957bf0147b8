import type { AddressPolicy } from './address-policy.js';
import { hostRefusalText } from './address-policy.js';
import { hostLiteralRefusal } from './host-literal.js';

/** The host of an http(s) URL as connect() will see it (brackets off), or null when it is not one. */
export function httpUrlHost(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.hostname.replace(/^\[|\]$/g, '') : null;
  } catch {
    return null;
  }
}

/**
 * The static check when a URL is saved: scheme, and a host that is an IP literal (any spelling)
 * or `localhost`. Hostnames are not resolved here; the connection-time check (guardedLookup) is
 * what counts.
 */
export function urlRefusal(url: string, policy: AddressPolicy): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `${url} is not a valid URL`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `${parsed.protocol} URLs are not supported (http or https only)`;
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const kind = hostLiteralRefusal(host, policy);
  return kind === null ? null : hostRefusalText(host, kind);
}
