import net from 'node:net';
import { SinewError } from '../errors/sinew-error.js';

/** The one-line error of a port Sinew cannot listen on, instead of a raw EADDRINUSE stack. */
export function portError(host: string, port: number, what: string, e: unknown): SinewError {
  const code = (e as NodeJS.ErrnoException).code;
  const why =
    code === 'EADDRINUSE'
      ? `is already in use (another Sinew, or another program): stop it, or set ${what} to a free port`
      : code === 'EACCES'
        ? `needs privileges this user does not have: set ${what} to a port above 1023`
        : code === 'EADDRNOTAVAIL'
          ? 'is not an address of this machine: check HOST'
          : `cannot be listened on (${code ?? (e as Error).message})`;
  return new SinewError('UNAVAILABLE', `${host}:${port} ${why}`, { host, port, code: code ?? null });
}

/**
 * Fails at once when host:port cannot be listened on. Run before anything is created: a first start
 * that died on a taken port after making the database would have made (and never shown) the
 * environment key. Port 0 (any free port) always works.
 */
export async function assertPortFree(host: string, port: number, what = 'PORT'): Promise<void> {
  if (port === 0) return;
  const probe = net.createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (e) => reject(portError(host, port, what, e)));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}
