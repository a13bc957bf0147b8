import assert from 'node:assert/strict';
import dns from 'node:dns/promises';
import os from 'node:os';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { refusedKind, STRICT_POLICY } from '../../src/outbound/address-policy.js';
import { FakeApiServer } from '../fakes/fake-api-server.js';
import { FakeCollectionApi } from '../fakes/fake-collection-api.js';
import { TEST_DATABASE_URL } from '../support/postgres-schema.js';
import { type Harness, startHarness } from '../support/sinew-harness.js';
import { until } from '../support/until.js';
import { AttackTally } from './attack-tally.js';
import { type TenantCaller, tenantCaller } from './tenant-caller.js';

// Issue #12, finding 3: the built-in connectors connected anywhere — loopback, private ranges,
// `localhost`, `2130706433` — and a real-time write handed the internal server's answer to the tenant.

/** What the internal server answers: it must never reach a tenant. */
const INTERNAL_ANSWER = 'internal-answer-7c1f';

/** A server inside the deployment's network (it listens on loopback): answers everything, and counts. */
function internalServer(): FakeApiServer {
  return new FakeApiServer(() => ({ status: 200, body: { id: 'internal-1', secret: INTERNAL_ANSWER } }));
}

const FLOW = 'out';
const TARGETS = ['http', 'hubspot', 'salesforce', 'postgres'];

async function targetFlow(h: Harness): Promise<void> {
  const put = await h.api('PUT', `/${h.envId}/flows/${FLOW}`, { name: FLOW, type: 'v1-target', connectors: TARGETS });
  assert.equal(put.status, 200, put.text);
}

async function allowPrivate(h: Harness, allow: boolean): Promise<void> {
  const put = await h.api('PUT', `/${h.envId}/settings`, { network: { allow_private_addresses: allow } });
  assert.equal(put.status, 200, put.text);
}

/** Polls an async real-time write until it ends. */
async function taskOutcome(h: Harness, tenant: string, taskId: string): Promise<any> {
  return until(`task ${taskId} ends`, 20_000, async () => {
    const res = await h.api('GET', `/${h.envId}/${FLOW}/${tenant}/connectors/status?taskId=${taskId}`);
    return res.body.status === 'COMPLETED' || res.body.status === 'FAILED' ? res.body : undefined;
  });
}

describe('outbound address policy, production default (loopback not allowed)', () => {
  let h: Harness;
  let internal: FakeApiServer;
  let port: number;
  let mallory: TenantCaller;

  before(async () => {
    h = await startHarness({ env: { SINEW_OUTBOUND_ALLOW_LOOPBACK: 'false' } });
    internal = internalServer();
    port = Number(new URL(await internal.start()).port);
    await targetFlow(h);
    mallory = await tenantCaller(h, 'mallory');
  });
  after(async () => {
    await internal.stop();
    await h.stop();
  });

  test('link time: a loopback, private or metadata host in any spelling is refused with 422 ADDRESS_REFUSED naming the field, and nothing is linked', async (t) => {
    const tally = new AttackTally();
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['http', { url: `http://127.0.0.1:${port}/items` }, 'url'],
      ['http', { url: `http://2130706433:${port}/items` }, 'url'],
      ['http', { url: `http://0x7f.1:${port}/items` }, 'url'],
      ['http', { url: `http://[::ffff:127.0.0.1]:${port}/items` }, 'url'],
      ['http', { url: `http://[::1]:${port}/items` }, 'url'],
      ['http', { url: `http://localhost:${port}/items` }, 'url'],
      ['http', { url: `http://localhost.:${port}/items` }, 'url'],
      ['http', { url: 'http://10.20.30.40/items' }, 'url'],
      ['http', { url: 'http://192.168.0.10/items' }, 'url'],
      ['http', { url: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/' }, 'url'],
      ['http', { url: 'http://[fd00:ec2::254]/latest/meta-data/' }, 'url'],
      ['http', { url: 'https://api.example.com/items', create_url: `http://127.0.0.1:${port}/steal` }, 'create_url'],
      ['http', { url: 'https://api.example.com/items', batch_url: 'http://10.0.0.1/batch' }, 'batch_url'],
      ['hubspot', { access_token: 't', base_url: `http://127.0.0.1:${port}` }, 'base_url'],
      ['salesforce', { access_token: 't', instance_url: 'http://172.16.0.9' }, 'instance_url'],
      ['postgres', { host: '127.0.0.1', port }, 'host'],
      ['postgres', { host: '2130706433', port }, 'host'],
      ['postgres', { host: '/var/run/postgresql' }, 'host'],
      ['postgres', { connection_string: `postgres://u:p@localhost:${port}/db` }, 'connection_string'],
      ['postgres', { connection_string: 'postgres://u:p@[::1]/db' }, 'connection_string'],
      ['postgres', { connection_string: 'postgres://u:p@db.example.com/db?host=/tmp' }, 'connection_string'],
      ['postgres', { connection_string: 'postgres://u:p@10.1.2.3:5432/db' }, 'connection_string'],
    ];
    for (const [target, config, field] of cases) {
      const res = await mallory.api('POST', `/${h.envId}/${FLOW}/mallory/linkedTargets`, { target: { target, config } });
      tally.refusal(res, 422, 'ADDRESS_REFUSED');
      assert.equal(res.body.error.details.field, field, res.text);
      assert.match(res.body.error.message, new RegExp(`^config\\.${field}: the host is a (loopback|private)`), res.text);
      // The answer names the field and the kind of address, nothing of the network itself.
      assert.doesNotMatch(res.text, /127\.0\.0\.1|10\.\d+\.\d+\.\d+|169\.254|::1|localhost|fd00/, res.text);
    }
    assert.deepEqual((await mallory.api('GET', `/${h.envId}/${FLOW}/mallory/linkedTargets`)).body, []);
    assert.equal(internal.requests.length, 0);
    tally.report(t, 'item 3: internal hosts at link time');
  });

  test('a hostname that resolves to a loopback or private address links, and is refused after DNS: real-time write, async write and job', async (t) => {
    // The machine's own name resolves to loopback (or, in a container, to a private address) almost
    // everywhere; a public answer would leave nothing to test here.
    const name = os.hostname();
    const addresses = await dns.lookup(name, { all: true }).catch(() => []);
    if (addresses.length === 0 || addresses.every((a) => refusedKind(a.address, STRICT_POLICY) === null)) {
      t.skip(`${name} does not resolve to an internal address here`);
      return;
    }
    const tally = new AttackTally();
    const caller = await tenantCaller(h, 'dns-tenant');
    const link = await caller.api('POST', `/${h.envId}/${FLOW}/dns-tenant/linkedTargets`, {
      target: { target: 'http', config: { url: `http://${name}:${port}/items`, max_attempts: 3, retry_base_ms: 10 } },
    });
    assert.equal(link.status, 200, link.text);

    const sync = await caller.api('POST', `/${h.envId}/${FLOW}/dns-tenant/connectors/http/items`, { data: { name: 'x' } });
    tally.refusal(sync, 422, 'ADDRESS_REFUSED');
    assert.match(sync.body.error.message, new RegExp(`refused to connect: ${name} is or resolves to a (loopback|private)`));
    assert.equal(sync.text.includes(INTERNAL_ANSWER), false);
    for (const a of addresses) assert.equal(sync.text.includes(a.address), false, 'the resolved address is not told');

    const queued = await caller.api('POST', `/${h.envId}/${FLOW}/dns-tenant/connectors/http/items`, { data: { name: 'y' }, async: true });
    assert.equal(queued.status, 200, queued.text);
    const task = await taskOutcome(h, 'dns-tenant', queued.body.taskId);
    tally.attack(task.status === 'FAILED' && task.error?.code === 'ADDRESS_REFUSED');
    assert.equal(task.status, 'FAILED');
    assert.equal(task.error.code, 'ADDRESS_REFUSED');

    const job = await caller.api('POST', `/${h.envId}/${FLOW}/dns-tenant/jobs`, { tap: 'api', state: { items: [{ name: 'z' }] } });
    assert.equal(job.status, 200, job.text);
    const done = await h.waitForJob(FLOW, 'dns-tenant', job.body.job_id);
    tally.attack(done.status === 'EXPORT_FAILED');
    assert.equal(done.status, 'EXPORT_FAILED', JSON.stringify(done));
    assert.match(done.error, /refused to connect/);
    assert.equal(JSON.stringify(done).includes(INTERNAL_ANSWER), false);
    assert.equal(internal.requests.length, 0, 'the internal server saw nothing');
    tally.report(t, 'item 3: a name resolving to an internal address');
  });

  test('hosts linked while the owner allowed them are refused at connect time once it does not: http and postgres, write and job', async (t) => {
    const tally = new AttackTally();
    await allowPrivate(h, true);
    const caller = await tenantCaller(h, 'was-allowed');
    for (const [target, config] of [
      ['http', { url: `http://2130706433:${port}/items`, max_attempts: 1 }],
      ['postgres', { host: '127.0.0.1', port, user: 'u', database: 'd' }],
    ] as const) {
      const link = await caller.api('POST', `/${h.envId}/${FLOW}/was-allowed/linkedTargets`, { target: { target, config } });
      assert.equal(link.status, 200, link.text);
    }
    await allowPrivate(h, false);
    // Real-time targets are cached for a second: wait until the refusal is in force.
    const write = await until('the real-time write is refused', 10_000, async () => {
      const res = await caller.api('POST', `/${h.envId}/${FLOW}/was-allowed/connectors/http/items`, { data: { name: 'x' } });
      return res.body?.error?.code === 'ADDRESS_REFUSED' ? res : undefined;
    });
    tally.refusal(write, 422, 'ADDRESS_REFUSED');
    assert.equal(write.text.includes(INTERNAL_ANSWER), false);
    const pgWrite = await until('the postgres write is refused', 10_000, async () => {
      const res = await caller.api('POST', `/${h.envId}/${FLOW}/was-allowed/connectors/postgres/items`, { data: { id: 1 } });
      return res.body?.error?.code === 'ADDRESS_REFUSED' ? res : undefined;
    });
    tally.refusal(pgWrite, 422, 'ADDRESS_REFUSED');
    assert.match(pgWrite.body.error.message, /refused to connect: 127\.0\.0\.1 is or resolves to a loopback address/);

    const job = await caller.api('POST', `/${h.envId}/${FLOW}/was-allowed/jobs`, {
      tap: 'api',
      target: 'http',
      state: { items: [{ name: 'z' }] },
    });
    assert.equal(job.status, 200, job.text);
    const done = await h.waitForJob(FLOW, 'was-allowed', job.body.job_id);
    tally.attack(done.status === 'EXPORT_FAILED');
    assert.equal(done.status, 'EXPORT_FAILED', JSON.stringify(done));
    assert.match(done.error, /refused to connect/);
    assert.equal(internal.requests.length, 0, 'the internal server saw nothing');
    tally.report(t, 'item 3: hosts no longer allowed, at connect time');
  });

  test('a tenant cannot grant itself the allowance', async (t) => {
    const tally = new AttackTally();
    tally.refusal(await mallory.api('PUT', `/${h.envId}/settings`, { network: { allow_private_addresses: true } }), 403, 'FORBIDDEN');
    const sneaky = await mallory.api('POST', `/${h.envId}/${FLOW}/mallory/linkedTargets`, {
      target: {
        target: 'http',
        config: { url: `http://127.0.0.1:${port}/items`, allow_private_addresses: true, network: { allow_private_addresses: true } },
      },
    });
    tally.refusal(sneaky, 422, 'ADDRESS_REFUSED');
    tally.report(t, 'item 3: a tenant granting itself the allowance');
  });

  test('the allowed case: with network.allow_private_addresses the owner lets connectors (and webhooks) reach internal hosts', async () => {
    const api = new FakeCollectionApi('ok-token');
    const url = await api.server.start();
    try {
      const hook = `http://127.0.0.1:${port}/hook`;
      assert.equal(
        (await h.api('PUT', `/${h.envId}/settings`, { monitoring: { webhooks: { job_lifecycle: { url: hook } } } })).status,
        400,
        'refused while not allowed',
      );
      await allowPrivate(h, true);
      assert.equal(
        (await h.api('PUT', `/${h.envId}/settings`, { monitoring: { webhooks: { job_lifecycle: { url: hook } } } })).status,
        200,
      );
      assert.equal((await h.api('PUT', `/${h.envId}/settings`, { monitoring: { webhooks: {} } })).status, 200);

      const caller = await tenantCaller(h, 'allowed');
      const link = await caller.api('POST', `/${h.envId}/${FLOW}/allowed/linkedTargets`, {
        target: { target: 'http', config: { url: `${url}/items`, headers: { Authorization: 'Bearer ok-token' } } },
      });
      assert.equal(link.status, 200, link.text);
      const write = await caller.api('POST', `/${h.envId}/${FLOW}/allowed/connectors/http/items`, { data: { name: 'hello' } });
      assert.equal(write.status, 200, write.text);
      assert.equal(write.body.state.summary.items.success, 1, write.text);
      const job = await caller.api('POST', `/${h.envId}/${FLOW}/allowed/jobs`, { tap: 'api', state: { items: [{ name: 'from-job' }] } });
      const done = await h.waitForJob(FLOW, 'allowed', job.body.job_id);
      assert.equal(done.status, 'JOB_COMPLETED', JSON.stringify(done.error));
      assert.equal(api.server.count('POST', '/items'), 2);
    } finally {
      await allowPrivate(h, false);
      await api.server.stop();
    }
  });

  test('the allowed case for postgres: the checked connection to the database works, through the API', async (t) => {
    const probe = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 3000 });
    try {
      await probe.connect();
    } catch {
      t.skip(`PostgreSQL at ${TEST_DATABASE_URL} is unreachable`);
      return;
    }
    const schema = `addr_policy_${Math.random().toString(36).slice(2, 10)}`;
    try {
      await allowPrivate(h, true);
      const caller = await tenantCaller(h, 'pg-allowed');
      const link = await caller.api('POST', `/${h.envId}/${FLOW}/pg-allowed/linkedTargets`, {
        target: { target: 'postgres', config: { connection_string: TEST_DATABASE_URL, schema } },
      });
      assert.equal(link.status, 200, link.text);
      const write = await caller.api('POST', `/${h.envId}/${FLOW}/pg-allowed/connectors/postgres/people`, {
        data: { name: 'ada', externalId: 'p-1' },
      });
      assert.equal(write.status, 200, write.text);
      assert.equal(write.body.state.summary.people.success, 1, write.text);
      const rows = await probe.query(`select name from "${schema}".people`);
      assert.deepEqual(rows.rows, [{ name: 'ada' }]);
    } finally {
      await allowPrivate(h, false);
      await probe.query(`drop schema if exists "${schema}" cascade`).catch(() => undefined);
      await probe.end();
    }
  });
});

describe('outbound address policy, loopback allowed (the embedded default)', () => {
  let h: Harness;
  let internal: FakeApiServer;
  let internalUrl: string;
  let redirector: FakeApiServer;
  let redirectorUrl: string;

  before(async () => {
    h = await startHarness({ env: { SINEW_OUTBOUND_ALLOW_LOOPBACK: 'true' } });
    internal = internalServer();
    internalUrl = await internal.start();
    // The tenant's own server (allowed), answering every call with a redirect somewhere inside.
    redirector = new FakeApiServer((r) => {
      const to = r.path.startsWith('/metadata')
        ? 'http://169.254.169.254/latest/meta-data/iam/security-credentials/'
        : r.path.startsWith('/private')
          ? 'http://10.0.0.1/admin'
          : `${internalUrl}/items`;
      return { status: r.path.includes('found') ? 302 : 307, headers: { location: to }, body: { moved: to } };
    });
    redirectorUrl = await redirector.start();
    await targetFlow(h);
  });
  after(async () => {
    await redirector.stop();
    await internal.stop();
    await h.stop();
  });

  test('loopback is allowed, private and metadata addresses still are not', async (t) => {
    const tally = new AttackTally();
    const caller = await tenantCaller(h, 'local');
    for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://10.0.0.1/items', 'http://0xa9.0xfe.0xa9.0xfe/']) {
      tally.refusal(
        await caller.api('POST', `/${h.envId}/${FLOW}/local/linkedTargets`, { target: { target: 'http', config: { url } } }),
        422,
        'ADDRESS_REFUSED',
      );
    }
    const ok = await caller.api('POST', `/${h.envId}/${FLOW}/local/linkedTargets`, {
      target: { target: 'http', config: { url: `${redirectorUrl}/items` } },
    });
    assert.equal(ok.status, 200, ok.text);
    tally.report(t, 'item 3: private and metadata hosts with loopback allowed');
  });

  test('a redirect is never followed: to the metadata address, a private address or an internal server, the record fails with the 3xx and nothing connects', async (t) => {
    const tally = new AttackTally();
    for (const [i, path] of ['/metadata', '/private', '/internal', '/internal-found'].entries()) {
      const tenant = `redirected-${i}`;
      const caller = await tenantCaller(h, tenant);
      const link = await caller.api('POST', `/${h.envId}/${FLOW}/${tenant}/linkedTargets`, {
        target: { target: 'http', config: { url: `${redirectorUrl}${path}`, max_attempts: 1, timeout_ms: 20_000 } },
      });
      assert.equal(link.status, 200, link.text);
      const started = Date.now();
      const write = await caller.api('POST', `/${h.envId}/${FLOW}/${tenant}/connectors/http/items`, { data: { name: 'x' } });
      assert.equal(write.status, 200, write.text);
      const [result] = write.body.state.bookmarks.items;
      tally.attack(result.success === false && /^30[27] /.test(result.error));
      assert.equal(result.success, false, write.text);
      assert.match(result.error, /^30[27] /, write.text);
      // Following the metadata or private hop would have waited for a connection that never comes.
      assert.ok(Date.now() - started < 10_000, 'answered without trying the redirect');
      assert.equal(write.text.includes(INTERNAL_ANSWER), false);
    }
    assert.equal(internal.requests.length, 0, 'the internal server saw nothing');
    assert.equal(redirector.requests.length, 4);
    tally.report(t, 'item 3: redirects to internal addresses');
  });
});
