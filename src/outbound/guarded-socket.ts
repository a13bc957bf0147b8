import net from 'node:net';
import { type AddressPolicy, hostRefusalText, RefusedAddressError } from './address-policy.js';
import { guardedLookup } from './guarded-lookup.js';
import { hostLiteralRefusal } from './host-literal.js';

/**
 * A TCP socket whose `connect(port, host)` passes the address policy: an IP literal (which
 * net.connect would not look up) or a Unix socket path is judged as it is, a name through
 * guardedLookup, and the socket connects to the address that was checked. For clients that take a
 * socket rather than a `lookup` option (node-postgres: its `stream` option); TLS upgraded on this
 * socket still verifies the certificate against the host name, which is unchanged.
 */
export function guardedSocket(policy: AddressPolicy): net.Socket {
  const socket = new net.Socket();
  const connect = socket.connect.bind(socket) as (options: net.NetConnectOpts) => net.Socket;
  const guarded = (port: number | string, host?: string): net.Socket => {
    const target = host ?? (typeof port === 'string' && !/^\d+$/.test(port) ? port : 'localhost');
    const kind = hostLiteralRefusal(target, policy);
    if (kind) {
      // Asynchronously, as a failed connection would: the caller has not attached its listeners yet.
      process.nextTick(() => socket.destroy(new RefusedAddressError(target, kind, `refused ${target}: ${hostRefusalText(target, kind)}`)));
      return socket;
    }
    if (typeof port === 'string' && !/^\d+$/.test(port)) return connect({ path: port });
    return connect({ port: Number(port), host: target, lookup: guardedLookup(policy) });
  };
  socket.connect = guarded as unknown as net.Socket['connect'];
  return socket;
}
