import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Harness, startHarness } from '../support/sinew-harness.js';
import { registerTestConnectors, sourceFlow } from '../support/singer-flow.js';
import { type Receiver, startReceiver } from './test-receiver.js';

/**
 * Loopback not allowed (as on a PostgreSQL deployment): webhook URLs to loopback or private
 * addresses are refused when saved, and — for URLs that got in while allowed — at connection time,
 * before any connection is made. `monitoring.allow_private_urls: true` lets them through.
 */
describe('webhook URL safety with loopback disallowed', () => {
  let h: Harness;
  let v4: Receiver;
  let v6: Receiver;
  let tap: string;
  let cases: string[];
  before(async () => {
    h = await startHarness({
      env: {
        SINEW_WEBHOOK_ALLOW_LOOPBACK: 'false',
        SINEW_WEBHOOK_RETRY_SCHEDULE: '0.05',
        SINEW_WEBHOOK_TIMEOUT_MS: '1500',
        SINEW_EVENT_POLL_MS: '200',
      },
    });
    v4 = await startReceiver();
    v6 = await startReceiver(undefined, 0, '::1');
    cases = [
      `http://127.0.0.1:${v4.port}/v4`,
      `http://localhost:${v4.port}/name`,
      `http://[::1]:${v6.port}/v6`,
      `http://[::ffff:127.0.0.1]:${v4.port}/mapped`,
      // A private address: never connected to (the refusal comes first), so nothing leaves the machine.
      'http://10.255.255.1:9/private',
    ];
    let target: string;
    ({ tap, target } = await registerTestConnectors(h, 'node'));
    await sourceFlow(h, { flow: 'safe', tap, target, outDir: await h.tmp('out'), tenant: 'first', sourceConfig: { records: 1 } });
  });
  after(async () => {
    await h.stop();
    await v4.close();
    await v6.close();
  });

  const connectionEvent = async (tenant: string) => {
    const list = await h.api('GET', `/${h.envId}/events?kind=connection&limit=100`);
    return list.body.find((e: any) => e.payload.tenant === tenant);
  };
  const settled = async (tenant: string, status: string) => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const e = await connectionEvent(tenant);
      if (e?.status === status) return (await h.api('GET', `/${h.envId}/events/${e.event_id}`)).body;
      if (Date.now() > deadline) throw new Error(`event of ${tenant}: ${JSON.stringify(e)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  test('saving a loopback or private URL is refused with 400', async () => {
    for (const url of cases) {
      const put = await h.api('PUT', `/${h.envId}/settings`, { monitoring: { webhooks: { connection: { url } } } });
      assert.equal(put.status, 400, `${url}: ${put.text}`);
      assert.match(put.body.error.message, /loopback|private/, url);
    }
    const slackPut = await h.api('PUT', `/${h.envId}/settings`, { monitoring: { slack: { webhook_url: cases[0] } } });
    assert.equal(slackPut.status, 400, slackPut.text);
    const got = await h.api('GET', `/${h.envId}/settings`);
    assert.equal(JSON.stringify(got.body).includes('/v4'), false, 'nothing was saved');
    assert.equal(
      (await h.api('PUT', `/${h.envId}/settings`, { monitoring: { webhooks: { connection: { url: 'https://hooks.example.com/sinew' } } } }))
        .status,
      200,
      'a public URL is accepted',
    );
  });

  test('a URL saved while allowed is refused at connection time: attempts fail with a clear error, nothing received', async () => {
    for (const [i, url] of cases.entries()) {
      assert.equal(
        (await h.api('PUT', `/${h.envId}/settings`, { monitoring: { allow_private_urls: true, webhooks: { connection: { url } } } }))
          .status,
        200,
      );
      assert.equal((await h.api('PUT', `/${h.envId}/settings`, { monitoring: { allow_private_urls: false } })).status, 200);
      const link = await h.api('POST', `/${h.envId}/safe/refused-${i}/linkedSources`, { source: { tap, config: { records: 1 } } });
      assert.equal(link.status, 200, link.text);
      const ev = await settled(`refused-${i}`, 'failed');
      const attempts = ev.deliveries[0].attempts;
      assert.equal(attempts.length, 2, `first attempt and one retry: ${JSON.stringify(attempts)}`);
      for (const a of attempts) {
        assert.equal(a.status_code, null);
        assert.match(a.error, /^refused .*(loopback|private)/, `${url}: ${a.error}`);
      }
    }
    // Every event ended 'failed' with its retries used up: no request can still come.
    assert.equal(v4.received.length + v6.received.length, 0, 'no receiver saw a request');
  });

  test('monitoring.allow_private_urls: true lets loopback through', async () => {
    const put = await h.api('PUT', `/${h.envId}/settings`, {
      monitoring: { allow_private_urls: true, webhooks: { connection: { url: cases[2] } } },
    });
    assert.equal(put.status, 200, put.text);
    await h.api('POST', `/${h.envId}/safe/allowed/linkedSources`, { source: { tap, config: { records: 1 } } });
    const ev = await settled('allowed', 'delivered');
    assert.equal(ev.deliveries[0].attempts[0].status_code, 200);
    await v6.waitFor((all) => all.some((r) => r.body?.tenant === 'allowed'));
    assert.equal(v6.received.at(-1)!.headers['x-sinew-event-id'], ev.event_id);
  });
});
