import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Scheduler } from '../../src/schedules/scheduler.js';
import { FakeHubspot } from '../fakes/fake-hubspot.js';
import { type Harness, startHarness } from '../support/sinew-harness.js';
import { type Caller, callerOf, tenantOf } from './oauth-support.js';

const TAP = fileURLToPath(new URL('../fixtures/oauth/tap-checked.mjs', import.meta.url));
const rand = (): string => Math.random().toString(36).slice(2);

/** A loopback receiver for the owner's link validation webhook: records each ask, answers `reply`. */
class Validator {
  readonly asked: Array<{ headers: http.IncomingHttpHeaders; text: string }> = [];
  reply: { status: number; body: unknown; delayMs?: number } = { status: 200, body: { valid: true } };
  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      this.asked.push({ headers: req.headers, text: Buffer.concat(chunks).toString('utf8') });
      const { status, body, delayMs } = this.reply;
      setTimeout(() => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body)), delayMs ?? 0).unref();
    });
  });
  url = '';
  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/validate`;
    return this;
  }
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * Credential checks (issue #15): linking asks the connector whether the credentials work — a
 * built-in's check() (hubspot lists one contact), a registered tap's --discover or a command of its
 * own — and refuses a link they do not work for, with the connector's words scrubbed of secrets;
 * `…/check` asks again and the link's health follows; the owner's validation webhook is asked
 * (signed, with a timeout) before a link is saved and may refuse it.
 */
describe('credential checks and the link validation webhook', () => {
  let h: Harness;
  let hubspot: FakeHubspot;
  let hubspotUrl: string;
  let owner: Caller;
  let acme: Caller;
  let globex: Caller;
  let validator: Validator;
  const GOOD = `pat-good-${rand()}`;
  const BAD = `pat-bad-${rand()}`;
  let accepted = GOOD;

  before(async () => {
    h = await startHarness();
    hubspot = new FakeHubspot({ accepts: (t) => t === accepted });
    hubspotUrl = await hubspot.server.start();
    validator = await new Validator().start();
    owner = callerOf(h.url, h.key);
    for (const [id, body] of [
      ['ck', { name: 'ck', type: 'v1-target', connectors: ['hubspot'] }],
      ['ck2', { name: 'ck2', type: 'v2', connectors: ['hubspot'] }],
    ] as const) {
      assert.equal((await owner('PUT', `/${h.envId}/flows/${id}`, body)).status, 200);
    }
    acme = await tenantOf(owner, h.url, h.envId, 'acme');
    globex = await tenantOf(owner, h.url, h.envId, 'globex');
  });
  after(async () => {
    await hubspot.server.stop();
    await validator.stop();
    await h.stop();
  });

  const linkHubspot = (caller: Caller, token: string) =>
    caller('POST', `/${h.envId}/ck/acme/linkedTargets`, {
      target: { target: 'hubspot', config: { access_token: token, base_url: hubspotUrl } },
    });
  const invalidEvents = async (): Promise<any[]> =>
    (await owner('GET', `/${h.envId}/events?kind=connection&limit=200`)).body
      .map((e: any) => e.payload)
      .filter((p: any) => p.event === 'INVALID');

  test('a built-in refuses a token its system refuses: 422 CREDENTIALS_REFUSED in its words, no token, nothing linked', async () => {
    const res = await linkHubspot(acme, BAD);
    assert.equal(res.status, 422, res.text);
    assert.equal(res.body.error.code, 'CREDENTIALS_REFUSED');
    assert.match(res.body.error.message, /HubSpot answered 401.*Authentication credentials not found/);
    assert.ok(!res.text.includes(BAD), 'the refused token is not repeated');
    assert.deepEqual((await acme('GET', `/${h.envId}/ck/acme/linkedTargets`)).body, []);

    const ok = await linkHubspot(acme, GOOD);
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.health.status, 'ok', 'a check that passed makes the link ok');
  });

  test('…/check asks again: refused → invalid with one INVALID event and a skipped tick; passed → ok', async () => {
    const check = () => acme('POST', `/${h.envId}/ck/acme/linkedTargets/check`);
    const first = await check();
    assert.equal(first.status, 200, first.text);
    assert.deepEqual([first.body.result, first.body.health.status], ['ok', 'ok']);

    // A tenant checks its own links only.
    const other = await globex('POST', `/${h.envId}/ck/acme/linkedTargets/check`);
    assert.equal(other.status, 403, other.text);

    accepted = `pat-rotated-${rand()}`; // the tenant revoked the token at HubSpot
    const refused = await check();
    assert.equal(refused.status, 200, refused.text);
    assert.equal(refused.body.result, 'refused');
    assert.equal(refused.body.health.status, 'invalid');
    assert.equal(refused.body.health.reason.code, 'check_failed');
    assert.equal((await check()).body.result, 'refused');
    const events = (await invalidEvents()).filter((p) => p.tenant === 'acme' && p.flow_id === 'ck');
    assert.equal(events.length, 1, 'one INVALID event, however often it is checked');
    assert.equal(events[0].error.code, 'check_failed');

    // Scheduled jobs of the invalid link are skipped, saying why.
    assert.equal((await owner('PUT', `/${h.envId}/ck/acme/jobs/schedule`, { schedule_expression: '0 0 1 1 *' })).status, 200);
    const key = { env_id: h.envId, flow_id: 'ck', tenant: 'acme', role: 'target' as const, connector_id: 'hubspot' };
    const due = (await h.sinew.services.store.schedules.getSchedule(key))!.next_fire_at!;
    await new Scheduler({
      store: h.sinew.services.store,
      jobs: h.sinew.services.jobs,
      box: h.sinew.services.box,
      logger: h.sinew.services.logger,
    }).runOnce(due + 1000);
    const outcome = (await owner('GET', `/${h.envId}/ck/acme/jobs/schedule`)).body.last_outcome;
    assert.equal(outcome.result, 'skipped', JSON.stringify(outcome));
    assert.match(outcome.reason, /invalid.*check_failed/);
    await owner('DELETE', `/${h.envId}/ck/acme/jobs/schedule`);

    accepted = GOOD;
    const back = await check();
    assert.deepEqual([back.body.result, back.body.health.status], ['ok', 'ok']);
  });

  test('the v2 path checks a linked connector the same way', async () => {
    const link = await acme('POST', `/v2/${h.envId}/ck2/acme/linkedConnectors`, {
      connector_id: 'hubspot',
      config: { access_token: GOOD, base_url: hubspotUrl },
    });
    assert.equal(link.status, 200, link.text);
    const res = await acme('POST', `/v2/${h.envId}/ck2/acme/linkedConnectors/check?connector_id=hubspot`);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.result, 'ok');
  });

  test("a registered tap's check by --discover or by a command: its message is scrubbed of the key it printed", async () => {
    const out = await h.tmp('checked-out');
    for (const [id, check] of [
      ['tap-checked', { run: 'discover' }],
      ['tap-checked-cmd', { run: 'command', command: [process.execPath, TAP, '--check'] }],
    ] as const) {
      const reg = await owner('PUT', `/${h.envId}/connectors/${id}`, {
        kind: 'source',
        command: [process.execPath, TAP],
        capabilities: { discover: true },
        config_schema: { type: 'object', properties: { api_key: { type: 'string', writeOnly: true } } },
        check,
      });
      assert.equal(reg.status, 200, reg.text);
      assert.deepEqual(reg.body.check, check);
      assert.equal(
        (
          await owner('PUT', `/${h.envId}/flows/f-${id}`, {
            name: id,
            type: 'v1-source',
            connectors: [id],
            target: { connector: 'jsonl', config: { path: out } },
          })
        ).status,
        200,
      );
      const wrongKey = `wrong-${rand()}`;
      const refused = await acme('POST', `/${h.envId}/f-${id}/acme/linkedSources`, { source: { tap: id, config: { api_key: wrongKey } } });
      assert.equal(refused.status, 422, refused.text);
      assert.equal(refused.body.error.code, 'CREDENTIALS_REFUSED');
      assert.equal(refused.body.error.details.check, check.run);
      assert.match(refused.body.error.message, /auth failed for api_key=\*\*\*: 401 Unauthorized/);
      assert.ok(!refused.text.includes(wrongKey), 'the key the tap printed is scrubbed');
      const linked = await acme('POST', `/${h.envId}/f-${id}/acme/linkedSources`, {
        source: { tap: id, config: { api_key: 'open-sesame' } },
      });
      assert.equal(linked.status, 200, linked.text);
      assert.equal(linked.body.health.status, 'ok');
      const again = await acme('POST', `/${h.envId}/f-${id}/acme/linkedSources/check`);
      assert.equal(again.body.result, 'ok', again.text);
    }
    // Checking a link that does not exist is a 404.
    const none = await owner('POST', `/${h.envId}/ck/acme/linkedTargets/check?target=nope`);
    assert.equal(none.status, 404, none.text);
  });

  test("the owner's validation webhook is asked, signed, before a link is saved; no, silence or an error refuse it", async () => {
    const secret = `whsec-${rand()}`;
    const put = await owner('PUT', `/${h.envId}/settings`, {
      monitoring: { webhooks: { link_validation: { url: validator.url, secret, timeout_ms: 500 } } },
    });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.body.monitoring.webhooks.link_validation.secret, '********');

    validator.reply = { status: 200, body: { valid: false, message: 'Link the EU portal, not the US one.' } };
    // A number JSON.parse would change reaches the owner as written (the body is sent as text to keep it).
    const config = `{"access_token":"${GOOD}","base_url":"${hubspotUrl}","portal_id":12345678901234567890123}`;
    const refused = await h.api('POST', `/${h.envId}/ck/acme/linkedTargets`, undefined, {
      rawBody: `{"target":{"target":"hubspot","config":${config}}}`,
    });
    assert.equal(refused.status, 422, refused.text);
    assert.equal(refused.body.error.code, 'LINK_VALIDATION_REFUSED');
    assert.equal(refused.body.error.message, 'Link the EU portal, not the US one.');
    const ask = validator.asked.at(-1)!;
    assert.equal(ask.headers['x-hub-signature'], createHmac('sha1', secret).update(ask.text).digest('hex'), 'signed like every webhook');
    const asked = JSON.parse(ask.text);
    assert.deepEqual(
      [asked.event, asked.tenant, asked.flow_id, asked.connector, asked.connector_type],
      ['LINK_VALIDATION', 'acme', 'ck', 'hubspot', 'target'],
    );
    assert.equal(asked.config.access_token, '********', 'the owner judges the account, never sees the credential');
    assert.equal(asked.config.base_url, hubspotUrl);
    assert.match(ask.text, /"portal_id":12345678901234567890123[,}]/, 'the config keeps its numbers as written');
    assert.ok(!ask.text.includes(GOOD));

    validator.reply = { status: 500, body: { oops: true } };
    const broken = await linkHubspot(acme, GOOD);
    assert.equal(broken.status, 503, broken.text);
    assert.equal(broken.body.error.code, 'LINK_VALIDATION_UNAVAILABLE');
    validator.reply = { status: 200, body: { valid: true }, delayMs: 3000 };
    const slow = await linkHubspot(acme, GOOD);
    assert.equal(slow.body.error?.code, 'LINK_VALIDATION_UNAVAILABLE', slow.text);
    assert.match(slow.body.error.message, /timed out after 500 ms/);

    validator.reply = { status: 200, body: { valid: true } };
    const ok = await linkHubspot(acme, GOOD);
    assert.equal(ok.status, 200, ok.text);
  });

  test('no token or webhook secret in any answer', () => {
    const all = [...owner.texts, ...acme.texts, ...globex.texts].join('\n');
    for (const secret of [GOOD, BAD, 'open-sesame']) assert.ok(!all.includes(secret), `leaked: ${secret.slice(0, 8)}…`);
  });
});
