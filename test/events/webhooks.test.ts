import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { at, present } from '../support/elements.js';
import { eventsSettled } from '../support/events-settled.js';
import { type Harness, startHarness } from '../support/sinew-harness.js';
import { registerTestConnectors, sourceFlow } from '../support/singer-flow.js';
import { until } from '../support/until.js';
import { type Received, type Receiver, startReceiver, verifyHotglueSignature } from './test-receiver.js';

// Every key of the seeds' example payloads (seeds/003).
const SEED_JOB_KEYS = [
  'job_id',
  'env_id',
  'flow_id',
  'job_name',
  'tenant',
  'started_by',
  's3_root',
  'start_time',
  'state',
  'tap',
  'target',
  'connector_id',
  'job_type',
  'status',
  'scheduled_job',
  'sync_type',
  'override_start_date',
  'override_end_date',
  'override_field_map',
  'override_source_config',
  'override_target_config',
  'override_lifecycle_webhook',
  'task_id',
  'task_type',
  'task_definition',
  'discover_install_uri',
  'metrics',
  'data_sizes',
  'last_updated',
  'error',
  'status_timestamp',
  'resources_usage',
  'target_install_uri',
];
const SEED_DISCOVER_KEYS = ['connector', 'env_id', 'flow_id', 'status', 'tenant', 'timestamp'];
const SEED_CONNECTION_KEYS = ['tenant', 'flow_id', 'env_id', 'connector', 'connector_type', 'event', 'timestamp', 'event_id', 'first_link'];

const SECRET = 'whsec-Üñî-😀-test';
const signed = (r: Received, secret: string) =>
  verifyHotglueSignature({ normalizedHeaders: r.headers as Record<string, string>, rawBody: r.rawBody }, { webhookSecret: secret });

describe('webhooks: job lifecycle, discover and connection events', () => {
  let h: Harness;
  let rx: Receiver;
  let tap: string;
  let target: string;
  before(async () => {
    h = await startHarness({
      env: {
        SINEW_WEBHOOK_ALLOW_LOOPBACK: 'true',
        SINEW_WEBHOOK_RETRY_SCHEDULE: '0.05,0.1,0.2,0.4,0.8,1.6',
        SINEW_WEBHOOK_TIMEOUT_MS: '1500',
        SINEW_EVENT_POLL_MS: '200',
      },
    });
    rx = await startReceiver();
    ({ tap, target } = await registerTestConnectors(h, 'node'));
    const put = await h.api('PUT', `/${h.envId}/settings`, {
      monitoring: {
        webhooks: {
          job_lifecycle: { url: `${rx.url}/jobs`, secret: SECRET },
          discover: { url: `${rx.url}/discover`, secret: SECRET },
          connection: { url: `${rx.url}/conn` },
        },
      },
    });
    assert.equal(put.status, 200, put.text);
    assert.equal(JSON.stringify(put.body).includes(SECRET), false, 'the secret is never returned');
  });
  after(async () => {
    await h.stop();
    await rx.close();
  });

  const arrived = (path: string, pred: (r: Received) => boolean = () => true) => rx.received.filter((r) => r.path === path && pred(r));

  test('a real job, its discover and its link: seed payloads, signed (seed JS check), in lifecycle order', async () => {
    const out = await h.tmp('out');
    await sourceFlow(h, { flow: 'f1', tap, target, outDir: out, tenant: 't1', sourceConfig: { records: 20 } });
    const created = await h.api('POST', `/${h.envId}/f1/t1/jobs`, {});
    assert.equal(created.status, 200, created.text);
    const job = await h.waitForJob('f1', 't1', created.body.job_id);
    assert.equal(job.status, 'JOB_COMPLETED', job.error);
    const stamps = job.status_timestamp as Record<string, number>;
    const mine = (r: Received) => r.body?.job_id === job.job_id;
    await rx.waitFor(() => arrived('/jobs', mine).length >= Object.keys(stamps).length);
    const jobEvents = arrived('/jobs', mine);
    const expected = jobEvents.map((r) => r.body.status as string);
    assert.deepEqual([...expected].sort(), Object.keys(stamps).sort(), 'one event per status');
    assert.ok(
      expected.includes('DISCOVER_STARTED') && expected[0] === 'JOB_CREATED' && expected.at(-1) === 'JOB_COMPLETED',
      expected.join(),
    );
    const times = expected.map((status) => present(stamps[status], `${status} stamp`));
    assert.deepEqual(
      times,
      [...times].sort((a, b) => a - b),
      `lifecycle order: ${expected.join()}`,
    );
    for (const r of jobEvents)
      assert.deepEqual(
        Object.keys(r.body.status_timestamp),
        expected.slice(0, expected.indexOf(r.body.status) + 1).filter((s) => s in stamps),
      );
    for (const r of jobEvents) {
      for (const k of SEED_JOB_KEYS) assert.ok(k in r.body, `job payload has ${k}`);
      assert.equal(r.headers['content-type'], 'application/json');
      assert.match(String(r.headers['user-agent']), /^Sinew\//);
      assert.match(String(r.headers['x-sinew-event-id']), /^[0-9a-f-]{36}$/);
      assert.match(String(r.headers['x-sinew-timestamp']), /^\d{10}$/);
      assert.match(String(r.headers['x-hub-signature']), /^[0-9a-f]{40}$/);
      assert.equal(signed(r, SECRET), true, 'the seed check accepts the signature');
      assert.equal(signed({ ...r, rawBody: r.rawBody.replace('"status"', '"Status"') }, SECRET), false, 'and refuses a changed body');
      assert.equal(signed(r, 'another secret'), false);
    }
    const last = jobEvents.at(-1)!.body;
    assert.equal(last.status, 'JOB_COMPLETED');
    assert.deepEqual(last.metrics, job.metrics);

    await rx.waitFor(() => arrived('/discover', (r) => r.body?.flow_id === 'f1').length >= 2);
    const discovers = arrived('/discover', (r) => r.body?.flow_id === 'f1');
    assert.deepEqual(
      discovers.map((r) => r.body.status),
      ['DISCOVER_STARTED', 'DISCOVER_SUCCESS'],
    );
    for (const r of discovers) {
      assert.deepEqual(Object.keys(r.body).sort(), [...SEED_DISCOVER_KEYS].sort());
      assert.equal(signed(r, SECRET), true);
    }
    await rx.waitFor(() => arrived('/conn', (r) => r.body?.flow_id === 'f1').length >= 1);
    const link = at(
      arrived('/conn', (r) => r.body?.flow_id === 'f1'),
      0,
    );
    assert.deepEqual(Object.keys(link.body).sort(), [...SEED_CONNECTION_KEYS].sort());
    assert.equal(link.body.event, 'LINK');
    assert.equal(link.body.first_link, true);
    assert.equal(link.headers['x-hub-signature'], undefined, 'no secret, no signature');
    assert.equal(link.headers['x-sinew-event-id'], link.body.event_id);

    // The API lists them, newest first, and shows every attempt.
    const list = await h.api('GET', `/${h.envId}/events?kind=job_lifecycle&limit=500`);
    assert.equal(list.status, 200, list.text);
    const ids = list.body.filter((e: any) => e.payload.job_id === job.job_id).map((e: any) => e.payload.status);
    assert.deepEqual(ids, [...expected].reverse());
    const one = await h.api('GET', `/${h.envId}/events/${at(jobEvents, 0).headers['x-sinew-event-id']}`);
    assert.equal(one.status, 200, one.text);
    assert.equal(one.body.status, 'delivered');
    assert.equal(one.body.deliveries.length, 1);
    assert.equal(one.body.deliveries[0].destination, 'webhook');
    assert.equal(one.body.deliveries[0].attempts[0].status_code, 200);
    assert.equal(one.body.deliveries[0].attempts[0].response_excerpt, 'ok');
    assert.equal(one.text.includes(SECRET), false);
    const page = await h.api('GET', `/${h.envId}/events?limit=2&before=${list.body[0].event_id}`);
    assert.equal(page.body[0].event_id, list.body[1].event_id);
  });

  test('a receiver down for a while then up gets every event exactly once per id, in order; ids stable across retries', async () => {
    const down = await startReceiver(() => ({ status: 503, body: 'down for maintenance' }));
    const port = down.port;
    const out = await h.tmp('out');
    await sourceFlow(h, { flow: 'f2', tap, target, outDir: out, tenant: 't2', sourceConfig: { records: 5 } });
    const created = await h.api('POST', `/${h.envId}/f2/t2/jobs`, { override_lifecycle_webhook: `http://127.0.0.1:${port}/hook` });
    await down.waitFor((all) => all.length >= 2);
    await down.close(); // now connection refused for a while
    const job = await h.waitForJob('f2', 't2', created.body.job_id);
    // Up again only once a retry has met the closed port.
    const firstId = String(at(down.received, 0).headers['x-sinew-event-id']);
    await until('a retry refused while the receiver is gone', 30_000, async () => {
      const attempts: Array<{ status_code: number | null; error: string | null }> =
        (await h.api('GET', `/${h.envId}/events/${firstId}`)).body.deliveries[0]?.attempts ?? [];
      return attempts.some((a) => a.status_code === null && /ECONNREFUSED/.test(String(a.error)));
    });
    const up = await startReceiver(undefined, port);
    try {
      await up.waitFor((all) => all.some((r) => r.body?.status === job.status), 30_000);
      await eventsSettled(h, job.job_id);
      const ids = up.received.map((r) => String(r.headers['x-sinew-event-id']));
      assert.equal(new Set(ids).size, ids.length, 'each id accepted once');
      const statuses = up.received.map((r) => r.body.status);
      assert.equal(statuses[0], 'JOB_CREATED');
      assert.equal(statuses.at(-1), job.status);
      assert.deepEqual([...statuses].sort(), Object.keys(job.status_timestamp).sort());
      // The first event was tried while down, with the same id and the same bytes.
      const firstDown = at(down.received, 0);
      assert.equal(firstDown.headers['x-sinew-event-id'], at(up.received, 0).headers['x-sinew-event-id']);
      assert.equal(firstDown.rawBody, at(up.received, 0).rawBody);
      assert.equal(arrived('/jobs', (r) => r.body?.job_id === job.job_id).length, 0, 'the override replaces the environment webhook');
      const ev = await h.api('GET', `/${h.envId}/events/${ids[0]}`);
      const attempts = ev.body.deliveries[0].attempts;
      assert.ok(attempts.length >= 3, JSON.stringify(attempts));
      assert.equal(attempts[0].status_code, 503);
      assert.equal(attempts[0].response_excerpt, 'down for maintenance');
      assert.ok(
        attempts.some((a: any) => a.status_code === null && /ECONNREFUSED/.test(a.error)),
        JSON.stringify(attempts),
      );
      assert.equal(attempts.at(-1).status_code, 200);
      assert.equal(ev.body.status, 'delivered');
    } finally {
      await up.close();
    }
  });

  test('410 Gone stops retries; a timeout is retried; redeliver sends it again', async () => {
    const gone = await startReceiver(() => ({ status: 410, body: 'gone' }));
    let slowOnce = true;
    const slow = await startReceiver(() => {
      const delay = slowOnce ? 2500 : 0;
      slowOnce = false;
      return { status: 200, body: 'ok', delayMs: delay };
    });
    try {
      const out = await h.tmp('out');
      await sourceFlow(h, { flow: 'f3', tap, target, outDir: out, tenant: 't3', sourceConfig: { records: 3 } });
      const j1 = await h.api('POST', `/${h.envId}/f3/t3/jobs`, { override_lifecycle_webhook: `${gone.url}/x` });
      const job1 = await h.waitForJob('f3', 't3', j1.body.job_id);
      await gone.waitFor((all) => all.some((r) => r.body.status === job1.status));
      await eventsSettled(h, job1.job_id);
      const goneIds = gone.received.map((r) => r.headers['x-sinew-event-id']);
      assert.equal(new Set(goneIds).size, goneIds.length, 'a 410 is never retried');
      const ev = await h.api('GET', `/${h.envId}/events/${goneIds[0]}`);
      assert.equal(ev.body.deliveries[0].status, 'gone');
      assert.equal(ev.body.status, 'failed');

      const j2 = await h.api('POST', `/${h.envId}/f3/t3/jobs`, { override_lifecycle_webhook: `${slow.url}/y` });
      const job2 = await h.waitForJob('f3', 't3', j2.body.job_id);
      await slow.waitFor((all) => all.filter((r) => r.body.status === job2.status).length >= 1, 30_000);
      const first = String(at(slow.received, 0).headers['x-sinew-event-id']);
      assert.equal(at(slow.received, 1).headers['x-sinew-event-id'], first, 'the timed-out attempt is retried with the same id');
      const ev2 = await h.api('GET', `/${h.envId}/events/${first}`);
      assert.match(ev2.body.deliveries[0].attempts[0].error, /timed out/);
      assert.equal(ev2.body.deliveries[0].attempts.at(-1).status_code, 200);

      const before = slow.received.length;
      const re = await h.api('POST', `/${h.envId}/events/${first}/redeliver`);
      assert.equal(re.status, 200, re.text);
      await slow.waitFor((all) => all.length > before);
      assert.equal(slow.received.at(-1)!.headers['x-sinew-event-id'], first);
      assert.equal((await h.api('POST', `/${h.envId}/events/${first}/redeliver?destination=slack`)).status, 400);
      assert.equal((await h.api('POST', `/${h.envId}/events/nope/redeliver`)).status, 404);
    } finally {
      await gone.close();
      await slow.close();
    }
  });
});
