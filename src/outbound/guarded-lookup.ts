import dns from 'node:dns';
import type net from 'node:net';
import { type AddressPolicy, hostRefusalText, RefusedAddressError, refusedKind } from './address-policy.js';

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

/** dns.lookup with `all: true`: the one resolution a connection makes (a test may hand its own answers). */
export type ResolveAll = (
  hostname: string,
  options: dns.LookupAllOptions,
  callback: (err: NodeJS.ErrnoException | null, addresses: dns.LookupAddress[]) => void,
) => void;

/**
 * A `lookup` for sockets and http(s) agents that resolves as usual and then refuses the connection
 * when any address is not allowed. The socket connects to the very address checked here — there
 * is no second resolution — so DNS that changes between a check and the connection (rebinding)
 * gains nothing, and the check holds whatever the config said when it was saved.
 */
export function guardedLookup(policy: AddressPolicy, resolveAll: ResolveAll = dns.lookup as unknown as ResolveAll): net.LookupFunction {
  return ((hostname: string, options: dns.LookupOptions, callback: LookupCallback) => {
    resolveAll(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      for (const a of addresses) {
        const kind = refusedKind(a.address, policy);
        if (kind)
          return callback(new RefusedAddressError(hostname, kind, `refused ${hostname}: ${hostRefusalText(hostname, kind)}`), '', 0);
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
      callback(null, first.address, first.family);
    });
  }) as unknown as net.LookupFunction;
}
