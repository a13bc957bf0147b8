import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { requestApi } from '../../src/cli/api-client.js';

/** A server answering every request with this content type and body. */
async function answering(type: string, body: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': type }).end(body));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

test('an empty text answer (a job that has not logged yet) is "", an empty JSON answer is none', async () => {
  const text = await answering('text/plain; charset=utf-8', '');
  const json = await answering('application/json', '');
  try {
    assert.equal(await requestApi({ url: text.url, key: 'k', env: 'e' }, 'GET', '/logs'), '');
    assert.equal(await requestApi({ url: json.url, key: 'k', env: 'e' }, 'GET', '/x'), undefined);
  } finally {
    await text.close();
    await json.close();
  }
});

test('JSON answers are parsed losslessly; text answers are returned as they are', async () => {
  const json = await answering('application/json', '{"id":12345678901234567890}');
  const text = await answering('text/plain', '==> job <==\nline\n');
  try {
    const parsed = await requestApi<{ id: unknown }>({ url: json.url, key: 'k', env: 'e' }, 'GET', '/x');
    assert.equal(String(parsed.id), '12345678901234567890');
    assert.equal(await requestApi({ url: text.url, key: 'k', env: 'e' }, 'GET', '/logs'), '==> job <==\nline\n');
  } finally {
    await json.close();
    await text.close();
  }
});
