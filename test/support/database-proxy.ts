import net from 'node:net';

export interface DatabaseProxy {
  /** The database URL, pointing at the proxy instead of the server. */
  url: string;
  /** The database goes away: every open connection is reset, every new one is reset at once. */
  cut(): void;
  /** The database is back: new connections reach it again. */
  restore(): void;
  /** Connections reset so far (open ones at a cut, and those refused while cut). */
  readonly resets: number;
  close(): Promise<void>;
}

/**
 * A TCP proxy in front of PostgreSQL for one test, so that test can take the database away from
 * the processes it started — and only from them: a total outage, as a server restart or a network
 * partition looks to a client (ECONNRESET on open connections, new ones failing), without touching
 * the server every other test uses.
 */
export async function startDatabaseProxy(targetUrl: string): Promise<DatabaseProxy> {
  const target = new URL(targetUrl);
  const open = new Set<net.Socket>();
  let down = false;
  let resets = 0;
  const reset = (socket: net.Socket): void => {
    resets++;
    socket.resetAndDestroy();
  };
  const server = net.createServer((client) => {
    if (down) return reset(client);
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    open.add(client);
    const forget = (): void => {
      open.delete(client);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', forget).on('close', forget);
    upstream.on('error', forget).on('close', forget);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const url = new URL(targetUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  const cut = (): void => {
    down = true;
    for (const socket of open) reset(socket);
    open.clear();
  };
  return {
    url: url.toString(),
    cut,
    restore() {
      down = false;
    },
    get resets() {
      return resets;
    },
    async close() {
      cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
