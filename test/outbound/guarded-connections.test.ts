import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { postgresWriter } from '../../src/connectors/builtin/postgres/postgres-target.js';
import { HttpClient } from '../../src/connectors/builtin/write/http-client.js';
import { isSinewError } from '../../src/errors/sinew-error.js';
import { type AddressPolicy, STRICT_POLICY } from '../../src/outbound/address-policy.js';
import { guardedSocket } from '../../src/outbound/guarded-socket.js';

const LOOPBACK_ONLY: AddressPolicy = { allowPrivate: false, allowLoopback: true };

/** A loopback TCP server that counts the connections it accepted (and closes them). */
async function countingServer(): Promise<{ port: number; accepted: () => number; close: () => Promise<void> }> {
  let accepted = 0;
  const server = net.createServer((socket) => {
    accepted++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    accepted: () => accepted,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function connectOutcome(socket: net.Socket, port: number, host: string): Promise<'connected' | Error> {
  return new Promise((resolve) => {
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (e) => resolve(e));
    socket.connect(port, host);
  });
}

describe('connections made under the outbound address policy', () => {
  let server: Awaited<ReturnType<typeof countingServer>>;
  before(async () => {
    server = await countingServer();
  });
  after(() => server.close());

  test('guardedSocket refuses loopback in any spelling, and a Unix socket path, before connecting', async () => {
    for (const host of ['127.0.0.1', '2130706433', '0x7f.1', '::ffff:127.0.0.1', 'localhost']) {
      const outcome = await connectOutcome(guardedSocket(STRICT_POLICY), server.port, host);
      assert.ok(outcome instanceof Error, host);
      assert.equal((outcome as NodeJS.ErrnoException).code, 'ERR_SINEW_REFUSED_ADDRESS', host);
    }
    const socketPath = await new Promise<Error | 'connected'>((resolve) => {
      const s = guardedSocket(STRICT_POLICY);
      s.once('error', resolve);
      s.once('connect', () => resolve('connected'));
      (s.connect as unknown as (path: string) => void)('/var/run/postgresql/.s.PGSQL.5432');
    });
    assert.equal((socketPath as NodeJS.ErrnoException).code, 'ERR_SINEW_REFUSED_ADDRESS');
    assert.equal(server.accepted(), 0, 'no connection was made');
  });

  test('guardedSocket connects when loopback is allowed (by address and by name)', async () => {
    assert.equal(await connectOutcome(guardedSocket(LOOPBACK_ONLY), server.port, '127.0.0.1'), 'connected');
    assert.equal(await connectOutcome(guardedSocket(LOOPBACK_ONLY), server.port, 'localhost'), 'connected');
    const outcome = await connectOutcome(guardedSocket(LOOPBACK_ONLY), 9, '169.254.169.254');
    assert.equal((outcome as NodeJS.ErrnoException).code, 'ERR_SINEW_REFUSED_ADDRESS', 'metadata stays refused');
  });

  test("the write targets' HTTP client refuses before sending, as an error that stops every write", async () => {
    const client = new HttpClient(2, STRICT_POLICY, 'http');
    try {
      const before = server.accepted();
      for (const url of [`http://127.0.0.1:${server.port}/x`, `http://2130706433:${server.port}/x`, `http://localhost:${server.port}/x`]) {
        const error = await client.send({ method: 'POST', url, body: { a: 1 }, timeoutMs: 2000 }).then(
          () => null,
          (e: unknown) => e,
        );
        assert.ok(isSinewError(error), url);
        assert.equal(error.details.write_impossible, true);
        assert.equal(error.details.address_refused, true);
        assert.match(error.message, /^http: refused to connect: .* loopback address/);
      }
      assert.equal(server.accepted(), before, 'nothing was sent');
    } finally {
      client.close();
    }
  });

  test('the postgres target refuses its host before connecting (node-postgres gets a guarded socket)', async () => {
    const before = server.accepted();
    for (const config of [
      { host: '127.0.0.1', port: server.port },
      { connection_string: `postgres://u:p@localhost:${server.port}/db` },
      { host: '2130706433', port: server.port },
    ]) {
      const writer = postgresWriter(config, () => undefined, STRICT_POLICY);
      try {
        const error = await writer.schema!({
          type: 'SCHEMA',
          stream: 's',
          schema: { properties: { id: { type: 'integer' } } },
          key_properties: ['id'],
        }).then(
          () => null,
          (e: unknown) => e,
        );
        assert.ok(isSinewError(error), JSON.stringify(config));
        assert.equal(error.details.address_refused, true);
        assert.match(error.message, /refused to connect: .* loopback address/);
      } finally {
        await writer.close?.();
      }
    }
    assert.equal(server.accepted(), before, 'no connection was made');
  });
});
