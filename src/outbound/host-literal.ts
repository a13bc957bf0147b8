import net from 'node:net';
import { type AddressPolicy, refusedKind, unmapped } from './address-policy.js';

/**
 * The IP address a host names by its spelling alone, or null for a name that needs DNS. Every form
 * the WHATWG URL parser (and inet_aton) reads as IPv4 counts: `2130706433`, `0x7f.1`, `017700000001`,
 * `127.1`; IPv6 with or without brackets, IPv4-mapped included.
 */
export function literalAddress(host: string): string | null {
  let h = host.trim().replace(/\.$/, '');
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (net.isIP(h)) return unmapped(h).address;
  if (!/^[0-9a-fA-FxX.]+$/.test(h)) return null;
  try {
    // The URL parser turns every numeric IPv4 spelling into dotted form, as connect() would.
    const parsed = new URL(`http://${h}/`).hostname;
    return net.isIPv4(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

/** `localhost` and `*.localhost` (RFC 6761: always loopback), with or without the root dot. */
export function isLocalhostName(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/\.$/, '');
  return h === 'localhost' || h.endsWith('.localhost');
}

/**
 * What the policy says of a host from its spelling alone (an IP literal in any form, `localhost`,
 * a Unix socket path): the kind refused, or null when the spelling says nothing against it. A
 * hostname is not resolved here; the connection-time check (guardedLookup) is what counts.
 */
export function hostLiteralRefusal(host: string, policy: AddressPolicy): 'loopback' | 'private' | null {
  if (host.startsWith('/')) return policy.allowPrivate || policy.allowLoopback ? null : 'loopback';
  if (isLocalhostName(host)) return refusedKind('127.0.0.1', policy);
  const address = literalAddress(host);
  return address === null ? null : refusedKind(address, policy);
}
