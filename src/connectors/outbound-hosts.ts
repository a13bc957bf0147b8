import { SinewError } from '../errors/sinew-error.js';
import type { AddressPolicy } from '../outbound/address-policy.js';
import { hostLiteralRefusal } from '../outbound/host-literal.js';
import { getBuiltinConnector } from './builtin/registry.js';

/**
 * Refuses a built-in connector's config whose host is, by its spelling, one the policy refuses —
 * an IP literal in any form, `localhost`, a Unix socket path — with ADDRESS_REFUSED naming the
 * field and the kind of address, nothing else. Names are not resolved here (a link is not the
 * moment to probe DNS on a tenant's behalf); every connection is checked again after resolution.
 * Registered executables open their own sockets, which this policy cannot see (docs/security.md).
 */
export function checkConnectorHosts(connectorId: string, config: Record<string, unknown>, policy: AddressPolicy): void {
  const hosts = getBuiltinConnector(connectorId)?.outboundHosts?.(config) ?? [];
  for (const { field, host } of hosts) {
    const kind = hostLiteralRefusal(host, policy);
    if (kind === null) continue;
    const what = kind === 'loopback' ? 'a loopback address' : 'a private, link-local or reserved address';
    throw new SinewError('ADDRESS_REFUSED', `config.${field}: the host is ${what}, which the outbound address policy refuses`, {
      connector_id: connectorId,
      field,
    });
  }
}
