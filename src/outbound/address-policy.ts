import net from 'node:net';

/**
 * Which addresses Sinew may connect to on an environment's behalf: webhooks, Datadog, Slack and the
 * built-in connectors' hosts all pass this one policy (docs/security.md, "The outbound address
 * policy"). It lives below every service so that events and connectors import the same rule.
 */
export interface AddressPolicy {
  /**
   * The environment allows every address (`network.allow_private_addresses`, or for monitoring URLs
   * `monitoring.allow_private_urls`): the owner's choice, set only with the environment key.
   */
  allowPrivate: boolean;
  /** Loopback only is allowed: the operator's runtime flag (SINEW_OUTBOUND_ALLOW_LOOPBACK; embedded default). */
  allowLoopback: boolean;
}

/** Refuses everything that is not public: what a process that was told nothing must assume. */
export const STRICT_POLICY: AddressPolicy = Object.freeze({ allowPrivate: false, allowLoopback: false });

const loopback = new net.BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

// Private, link-local (169.254.169.254, the cloud metadata address, among them), multicast,
// reserved and otherwise non-public ranges (IANA special-purpose registries).
const restricted = new net.BlockList();
for (const [net4, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  restricted.addSubnet(net4, bits, 'ipv4');
// `::/96` holds the unspecified address and the deprecated IPv4-compatible form (`::127.0.0.1`).
for (const [net6, bits] of [
  ['::', 96],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const)
  restricted.addSubnet(net6, bits, 'ipv6');

/** `::ffff:127.0.0.1` and `::ffff:7f00:1` are IPv4 behind an IPv6 face: judge them as IPv4. */
export function unmapped(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const lower = address.toLowerCase().replace(/^\[|\]$/g, '');
  const [, dotted] = /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower) ?? [];
  if (dotted) return { address: dotted, family: 'ipv4' };
  const [, high, low] = /^(?:0{0,4}:){0,5}:?ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower) ?? [];
  if (high && low) {
    const hi = parseInt(high, 16);
    const lo = parseInt(low, 16);
    return { address: `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`, family: 'ipv4' };
  }
  return { address: lower, family: net.isIPv4(lower) ? 'ipv4' : 'ipv6' };
}

/** The kind of address the policy refuses, or null when it may be reached. */
export function refusedKind(address: string, policy: AddressPolicy): 'loopback' | 'private' | null {
  if (policy.allowPrivate) return null;
  const ip = unmapped(address);
  if (loopback.check(ip.address, ip.family)) return policy.allowLoopback ? null : 'loopback';
  if (restricted.check(ip.address, ip.family)) return 'private';
  return null;
}

const KIND_TEXT = {
  loopback: 'a loopback address',
  private: 'a private, link-local, multicast or reserved address',
} as const;

/** Why this IP address may not be reached under the policy, or null when it may. */
export function addressRefusal(address: string, policy: AddressPolicy): string | null {
  const kind = refusedKind(address, policy);
  return kind === null ? null : `${address} is ${KIND_TEXT[kind]}`;
}

/** A connection the policy refused before it was made (`code` lets callers tell it from network errors). */
export class RefusedAddressError extends Error {
  readonly code = 'ERR_SINEW_REFUSED_ADDRESS';

  constructor(
    /** The host as it was asked for (never the address it resolved to: see hostRefusalText). */
    readonly host: string,
    readonly kind: 'loopback' | 'private',
    message: string,
  ) {
    super(message);
  }
}

export function isRefusedAddress(error: unknown): error is RefusedAddressError {
  return error instanceof RefusedAddressError || (error as { code?: unknown } | null)?.code === 'ERR_SINEW_REFUSED_ADDRESS';
}

/**
 * The refusal as a tenant may read it: the host it gave and the kind of address, never the address
 * a name resolved to (an internal name's address is the internal network's, not the tenant's).
 */
export function hostRefusalText(host: string, kind: 'loopback' | 'private'): string {
  return `${host} is or resolves to ${KIND_TEXT[kind]}, which the outbound address policy refuses`;
}
