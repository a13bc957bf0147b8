import dns from 'node:dns';
import net from 'node:net';

/** Which receiver addresses an environment may reach. */
export interface AddressPolicy {
  /** `monitoring.allow_private_urls`: every address is allowed. */
  allowPrivate: boolean;
  /** Runtime flag (embedded default): loopback only is allowed. */
  allowLoopback: boolean;
}

const loopback = new net.BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

// Private, link-local, multicast, reserved and otherwise non-public ranges (IANA special-purpose).
const restricted = new net.BlockList();
for (const [net4, bits] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.0.0.0', 24],
  ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) restricted.addSubnet(net4, bits, 'ipv4');
for (const [net6, bits] of [
  ['::', 128], ['64:ff9b::', 96], ['100::', 64], ['2001:db8::', 32], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
] as const) restricted.addSubnet(net6, bits, 'ipv6');

/** `::ffff:127.0.0.1` and `::ffff:7f00:1` are IPv4 behind an IPv6 face: judge them as IPv4. */
function unmapped(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const lower = address.toLowerCase().replace(/^\[|\]$/g, '');
  const dotted = /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return { address: dotted[1], family: 'ipv4' };
  const hex = /^(?:0{0,4}:){0,5}:?ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex) {
    const hi = parseInt(hex[1], 16);
    const lo = parseInt(hex[2], 16);
    return { address: `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`, family: 'ipv4' };
  }
  return { address: lower, family: net.isIPv4(lower) ? 'ipv4' : 'ipv6' };
}

/** Why this IP address may not be reached under the policy, or null when it may. */
export function addressRefusal(address: string, policy: AddressPolicy): string | null {
  if (policy.allowPrivate) return null;
  const ip = unmapped(address);
  if (loopback.check(ip.address, ip.family)) {
    return policy.allowLoopback ? null : `${address} is a loopback address (allowed only with monitoring.allow_private_urls or SINEW_WEBHOOK_ALLOW_LOOPBACK)`;
  }
  if (restricted.check(ip.address, ip.family)) return `${address} is a private, link-local, multicast or reserved address (allowed only with monitoring.allow_private_urls)`;
  return null;
}

export class RefusedAddressError extends Error {
  readonly code = 'ERR_SINEW_REFUSED_ADDRESS';
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http(s) agents that resolves as usual and then refuses the connection when any
 * address is not allowed: the check holds at connection time, whatever the URL said when saved
 * (a hostname that resolves to 127.0.0.1, DNS that changed since).
 */
export function guardedLookup(policy: AddressPolicy): net.LookupFunction {
  return ((hostname: string, options: dns.LookupOptions, callback: LookupCallback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      for (const a of addresses) {
        const why = addressRefusal(a.address, policy);
        if (why) return callback(new RefusedAddressError(`refused ${hostname}: ${why}`), '', 0);
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
      callback(null, first.address, first.family);
    });
  }) as unknown as net.LookupFunction;
}

/**
 * The static check when a URL is saved: scheme, and a host that is an IP literal or `localhost`.
 * Hostnames are not resolved here; the connection-time check (guardedLookup) is what counts.
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
  if (net.isIP(host) || net.isIP(unmapped(host).address)) return addressRefusal(host, policy);
  if (host === 'localhost' || host.endsWith('.localhost')) return addressRefusal('127.0.0.1', policy);
  return null;
}
