import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Harness, startHarness } from '../support/sinew-harness.js';
import { registerTestConnectors, sourceFlow } from '../support/singer-flow.js';

describe('schedule API: PUT/GET/DELETE …/jobs/schedule, v1 and v2', () => {
  let h: Harness;
  const v1 = (tenant = 't') => `/${h.envId}/sched/${tenant}/jobs/schedule`;
  const v2 = (tenant = 't') => `/v2/${h.envId}/bi/${tenant}/jobs/schedule`;

  before(async () => {
    h = await startHarness();
    const { tap, target } = await registerTestConnectors(h, 'node');
    await sourceFlow(h, { flow: 'sched', tap, target, outDir: await h.tmp('out'), tenant: 't', sourceConfig: { records: 3 } });
    const dir = await h.tmp('v2');
    await fs.writeFile(path.join(dir, 'contacts.csv'), 'id,email\n1,a@example.com\n');
    assert.equal((await h.api('PUT', `/${h.envId}/flows/bi`, { name: 'bi', type: 'v2', connectors: ['csv'] })).status, 200);
    assert.equal((await h.api('POST', `/v2/${h.envId}/bi/t/linkedConnectors`, { connector_id: 'csv', config: { path: dir } })).status, 200);
  });
  after(() => h.stop());

  test('a bad expression is a 400 that says why, on v1 and v2', async () => {
    for (const [url, expr] of [
      [v1(), 'every day'],
      [v1(), '0 0 * * * *'], // seconds: not allowed
      [v1(), '61 * * * *'],
      [v1(), 'cron(0 0 * *)'],
      [v1(), '0 0 30 2 *'], // never fires
      [v2(), 'cron(0 0 * * * * *)'],
      [v2(), 'cron(x y z a b)'],
    ] as const) {
      const res = await h.api('PUT', url, { schedule_expression: expr });
      assert.equal(res.status, 400, `${expr}: ${res.text}`);
      assert.equal(res.body.error.code, 'VALIDATION_FAILED');
      assert.match(res.body.error.message, /schedule_expression/);
    }
    const badState = await h.api('PUT', v1(), { schedule_expression: '0 0 * * *', state: 'ON' });
    assert.equal(badState.status, 400);
    const v2Field = await h.api('PUT', v1(), { schedule_expression: '0 0 * * *', connector_id: 'csv' });
    assert.equal(v2Field.status, 400, 'connector_id is a v2 field');
  });

  test('an unknown link, tenant or flow is a 404; the wrong version for the flow a 400', async () => {
    assert.equal((await h.api('PUT', v1('nobody'), { schedule_expression: 'cron(0 0 * * *)' })).status, 404);
    assert.equal((await h.api('PUT', v2('nobody'), { schedule_expression: 'cron(0 0 * * *)' })).status, 404);
    assert.equal((await h.api('PUT', v1(), { schedule_expression: 'cron(0 0 * * *)', tap: 'other-tap' })).status, 404);
    assert.equal((await h.api('PUT', `/${h.envId}/nope/t/jobs/schedule`, { schedule_expression: 'cron(0 0 * * *)' })).status, 404);
    assert.equal((await h.api('GET', v1('nobody'))).status, 404);
    const wrong = await h.api('PUT', `/${h.envId}/bi/t/jobs/schedule`, { schedule_expression: 'cron(0 0 * * *)' });
    assert.equal(wrong.status, 400);
    assert.match(wrong.body.error.message, /v2/);
  });

  test('PUT then GET: next_run in UTC, overrides kept (credentials redacted), DISABLED has no next run, DELETE removes it', async () => {
    assert.equal((await h.api('GET', v1())).status, 404, 'no schedule yet');
    const put = await h.api('PUT', v1(), {
      schedule_expression: 'cron(15 3 * * *)',
      job_name: 'nightly',
      reset_source_state: true,
      override_source_config: { records: 2, password: 'hunter2' },
    });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.body.tap, 'tap-numbers-node');
    assert.equal(put.body.state, 'ENABLED');
    assert.equal(put.body.when_active, 'skip');
    assert.equal(put.body.job_name, 'nightly');
    assert.deepEqual(put.body.override_source_config, { records: 2, password: '********' });
    const next = new Date(put.body.next_run);
    assert.equal(put.body.next_run.slice(11), '03:15:00.000Z');
    assert.ok(next.getTime() > Date.now() && next.getTime() <= Date.now() + 24 * 3600_000);
    assert.equal(put.body.last_fired_at, null);
    assert.equal(put.body.last_outcome, null);
    const got = await h.api('GET', v1());
    assert.deepEqual(got.body, put.body);
    assert.doesNotMatch(
      JSON.stringify(
        (await h.sinew.services.store.schedules.getSchedule({
          env_id: h.envId,
          flow_id: 'sched',
          tenant: 't',
          role: 'source',
          connector_id: 'tap-numbers-node',
        }))!.schedule,
      ),
      /hunter2/,
    );

    const off = await h.api('PUT', v1(), { schedule_expression: '*/5 * * * *', state: 'DISABLED' });
    assert.equal(off.status, 200);
    assert.equal(off.body.next_run, null);
    assert.equal(off.body.job_name, undefined, 'a PUT replaces the schedule as a whole');
    assert.equal((await h.api('DELETE', v1())).status, 204);
    assert.equal((await h.api('GET', v1())).status, 404);
    assert.equal((await h.api('DELETE', v1())).status, 404);
  });

  test('PATCH changes only the fields it names: {"state":"DISABLED"} pauses, ENABLED resumes; overrides and request fields stay', async () => {
    assert.equal((await h.api('PATCH', v1(), { state: 'DISABLED' })).status, 404, 'no schedule to change yet');
    const put = await h.api('PUT', v1(), {
      schedule_expression: 'cron(15 3 * * *)',
      job_name: 'nightly',
      override_source_config: { records: 2, password: 'hunter2' },
    });
    assert.equal(put.status, 200, put.text);
    const off = await h.api('PATCH', v1(), { state: 'DISABLED' });
    assert.equal(off.status, 200, off.text);
    assert.equal(off.body.state, 'DISABLED');
    assert.equal(off.body.next_run, null);
    assert.equal(off.body.schedule_expression, 'cron(15 3 * * *)');
    assert.equal(off.body.job_name, 'nightly');
    assert.deepEqual(off.body.override_source_config, { records: 2, password: '********' });
    const on = await h.api('PATCH', v1(), { state: 'ENABLED', when_active: 'queue' });
    assert.equal(on.status, 200, on.text);
    assert.equal(on.body.next_run, put.body.next_run);
    assert.equal(on.body.when_active, 'queue');
    // The override is still the real one, not the redacted view.
    const stored = await h.sinew.services.store.schedules.getSchedule({
      env_id: h.envId,
      flow_id: 'sched',
      tenant: 't',
      role: 'source',
      connector_id: 'tap-numbers-node',
    });
    assert.ok(stored?.schedule.sealed_overrides);
    const { openScheduleOverrides } = await import('../../src/schedules/schedule-service.js');
    assert.deepEqual(openScheduleOverrides(h.sinew.services.box, stored.schedule).override_source_config, {
      records: 2,
      password: 'hunter2',
    });
    assert.equal((await h.api('PATCH', v1(), {})).status, 400, 'an empty change is a bad request');
    assert.equal((await h.api('PATCH', v1(), { schedule_expression: 'every day' })).status, 400);
    assert.equal((await h.api('PATCH', v2(), { state: 'DISABLED' })).status, 404, 'the v2 link has no schedule');
    assert.equal((await h.api('DELETE', v1())).status, 204);
  });

  test('v2: job type, when_active and the AWS 6-field form', async () => {
    const put = await h.api('PUT', v2(), { schedule_expression: 'cron(0 12 ? * MON-FRI *)', job_type: 'read', when_active: 'queue' });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.body.connector_id, 'csv');
    assert.equal(put.body.job_type, 'read');
    assert.equal(put.body.when_active, 'queue');
    const day = new Date(put.body.next_run).getUTCDay();
    assert.ok(day >= 1 && day <= 5, `weekday, got ${put.body.next_run}`);
    assert.equal(put.body.next_run.slice(11), '12:00:00.000Z');
    const got = await h.api('GET', `${v2()}?connector_id=csv`);
    assert.equal(got.status, 200);
    assert.equal(got.body.next_run, put.body.next_run);
  });

  test('unlinking (or deleting the tenant) deletes the link’s schedule', async () => {
    const dir = await h.tmp('v2b');
    assert.equal(
      (await h.api('POST', `/v2/${h.envId}/bi/gone/linkedConnectors`, { connector_id: 'csv', config: { path: dir } })).status,
      200,
    );
    assert.equal((await h.api('PUT', v2('gone'), { schedule_expression: '0 0 * * *' })).status, 200);
    assert.equal((await h.api('DELETE', `/v2/${h.envId}/bi/gone/linkedConnectors?connector_id=csv`)).status, 204);
    assert.equal(
      await h.sinew.services.store.schedules.getSchedule({
        env_id: h.envId,
        flow_id: 'bi',
        tenant: 'gone',
        role: 'connector',
        connector_id: 'csv',
      }),
      undefined,
    );

    assert.equal(
      (await h.api('POST', `/v2/${h.envId}/bi/gone2/linkedConnectors`, { connector_id: 'csv', config: { path: dir } })).status,
      200,
    );
    assert.equal((await h.api('PUT', v2('gone2'), { schedule_expression: '0 0 * * *' })).status, 200);
    const del = await h.api('DELETE', `/tenant/${h.envId}/gone2`);
    assert.ok(del.status === 204 || del.status === 200, del.text);
    assert.equal(
      await h.sinew.services.store.schedules.getSchedule({
        env_id: h.envId,
        flow_id: 'bi',
        tenant: 'gone2',
        role: 'connector',
        connector_id: 'csv',
      }),
      undefined,
    );
  });
});
