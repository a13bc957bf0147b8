import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { at } from '../support/elements.js';
import { eventsSettled } from '../support/events-settled.js';
import { type Harness, startHarness } from '../support/sinew-harness.js';
import { registerTestConnectors, sourceFlow } from '../support/singer-flow.js';
import { until } from '../support/until.js';
import { type FakeDatadog, startFakeDatadog } from './fake-datadog.js';
import { type FakeSlack, startFakeSlack } from './fake-slack.js';

const DD_KEY = 'dd-api-key-0123456789abcdef';
const waitUntil = (what: string, pred: () => boolean) => until(what, 30_000, async () => pred());

describe('Datadog and Slack: real jobs to loopback servers that check what the real services require', () => {
  let h: Harness;
  let dd: FakeDatadog;
  let slack: FakeSlack;
  let tap: string;
  let target: string;
  before(async () => {
    dd = await startFakeDatadog(DD_KEY);
    slack = await startFakeSlack();
    h = await startHarness({
      env: {
        SINEW_DATADOG_URL_TEMPLATE: dd.urlTemplate,
        SINEW_WEBHOOK_ALLOW_LOOPBACK: 'true',
        SINEW_WEBHOOK_RETRY_SCHEDULE: '0.05,0.1,0.2',
        SINEW_EVENT_POLL_MS: '200',
      },
    });
    ({ tap, target } = await registerTestConnectors(h, 'node'));
    const put = await h.api('PUT', `/${h.envId}/settings`, {
      monitoring: { datadog: { site: 'datadoghq.eu', api_key: DD_KEY }, slack: { webhook_url: slack.url } },
    });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.text.includes(DD_KEY), false, 'the API key is never returned');
  });
  after(async () => {
    await h.stop();
    await dd.close();
    await slack.close();
  });

  test('the fakes refuse what the real services refuse', async () => {
    const post = (url: string, body: string, headers: Record<string, string> = {}) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const ddUrl = dd.urlTemplate.replace('{site}', 'x');
    const ok = { title: 't', text: 'x', tags: ['a:b'], alert_type: 'info' };
    assert.equal((await post(ddUrl, JSON.stringify(ok))).status, 403, 'no DD-API-KEY');
    assert.equal((await post(ddUrl, JSON.stringify({ ...ok, alert_type: 'bad' }), { 'dd-api-key': DD_KEY })).status, 400);
    assert.equal((await post(ddUrl, JSON.stringify({ ...ok, tags: 'a:b' }), { 'dd-api-key': DD_KEY })).status, 400);
    const good = await post(ddUrl, JSON.stringify(ok), { 'dd-api-key': DD_KEY });
    assert.equal(good.status, 202);
    assert.equal(((await good.json()) as { status: string }).status, 'ok');
    const bad = await post(slack.url, '{"text": ');
    assert.deepEqual([bad.status, await bad.text()], [400, 'invalid_payload']);
    const noText = await post(slack.url, '{"blocks": []}');
    assert.deepEqual([noText.status, await noText.text()], [400, 'no_text']);
    dd.accepted.length = 0;
    dd.refused.length = 0;
    slack.refused.length = 0;
  });

  test('every status change of a job is a Datadog event; a failed job is one Slack message naming tenant, flow, job, phase and error', async () => {
    const out = await h.tmp('out');
    await sourceFlow(h, { flow: 'mon', tap, target, outDir: out, tenant: 'acme', sourceConfig: { records: 50, fail_after: 5 } });
    const created = await h.api('POST', `/${h.envId}/mon/acme/jobs`, {});
    assert.equal(created.status, 200, created.text);
    const job = await h.waitForJob('mon', 'acme', created.body.job_id);
    assert.match(job.status, /_FAILED$/, `the job should fail: ${job.status}`);
    assert.ok(job.error, 'the failed job has an error');
    const statuses = Object.keys(job.status_timestamp);
    const mine = () => dd.accepted.filter((e) => e.tags.includes(`flow:mon`) && e.text.includes(job.job_id));
    await waitUntil('a Datadog event per status', () => mine().length >= statuses.length);
    await waitUntil('the Slack message', () => slack.messages.length >= 1);
    // Nothing more arrives: every event of the job is delivered as far as it goes.
    await eventsSettled(h, job.job_id);
    assert.deepEqual(dd.refused, [], 'Datadog accepted every request');
    assert.deepEqual(slack.refused, [], 'Slack accepted every request');

    const events = mine();
    assert.deepEqual(
      events.map((e) => e.tags.find((t) => t.startsWith('status:'))!.slice(7)).sort(),
      [...statuses].sort(),
      'one Datadog event per status change',
    );
    for (const e of events) {
      const status = e.tags.find((t) => t.startsWith('status:'))!.slice(7);
      assert.equal(e.site, 'datadoghq.eu', 'posted to the configured site');
      assert.equal(e.title, 'sinew-job-event');
      assert.ok(e.tags.includes(`env:${h.envId}`) && e.tags.includes('flow:mon') && e.tags.includes('tenant:acme'), e.tags.join());
      assert.equal(e.alert_type === 'error', status.endsWith('_FAILED'), `alert_type ${e.alert_type} for ${status}`);
      assert.match(e.text, new RegExp(`status: ${status}`));
    }

    assert.equal(slack.messages.length, 1, 'one message for the failed job');
    const text = at(slack.messages, 0).text;
    for (const part of ['acme', 'mon', job.job_id, job.status, String(job.error).slice(0, 40)])
      assert.ok(text.includes(part), `Slack message names ${part}: ${text}`);

    // Through the events API: the failure event went to webhook-less destinations datadog and slack.
    const list = await h.api('GET', `/${h.envId}/events?kind=job_lifecycle&limit=100`);
    const failed = list.body.find((e: any) => e.payload.job_id === job.job_id && e.payload.status === job.status);
    const detail = await h.api('GET', `/${h.envId}/events/${failed.event_id}`);
    assert.deepEqual(detail.body.deliveries.map((d: any) => d.destination).sort(), ['datadog', 'slack']);
    assert.deepEqual(detail.body.deliveries.map((d: any) => d.attempts.at(-1).status_code).sort(), [200, 202]);
    assert.equal(detail.text.includes(DD_KEY), false);
  });

  test('a job that succeeds sends Datadog events (success at the end) and no Slack message', async () => {
    const before = slack.messages.length;
    const out = await h.tmp('out');
    await sourceFlow(h, { flow: 'mon-ok', tap, target, outDir: out, tenant: 'acme', sourceConfig: { records: 5 } });
    const created = await h.api('POST', `/${h.envId}/mon-ok/acme/jobs`, {});
    const job = await h.waitForJob('mon-ok', 'acme', created.body.job_id);
    assert.equal(job.status, 'JOB_COMPLETED', job.error);
    const mine = () => dd.accepted.filter((e) => e.text.includes(job.job_id));
    await waitUntil('a Datadog event per status', () => mine().length >= Object.keys(job.status_timestamp).length);
    assert.ok(mine().every((e) => e.alert_type !== 'error'));
    assert.equal(mine().find((e) => e.tags.includes('status:JOB_COMPLETED'))?.alert_type, 'success');
    await eventsSettled(h, job.job_id);
    assert.equal(slack.messages.length, before);
  });
});
