import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Harness, startHarness } from '../support/sinew-harness.js';
import { AttackTally } from './attack-tally.js';
import { assertError, type TenantCaller, tenantCaller } from './tenant-caller.js';

const TAP = fileURLToPath(new URL('../fixtures/singer/tap-numbers.mjs', import.meta.url));

/**
 * A tenant shapes its own field map and schedule only within the limits its flow's owner sets
 * (`tenant_limits`): by default it selects streams and fields but cannot rename or fix values, and
 * its schedules fire at most every 15 minutes. The environment key is never limited.
 */
describe('tenant limits on field maps and schedules', () => {
  let h: Harness;
  let acme: TenantCaller;
  const link = (flow: string) => `/v2/${h.envId}/${flow}/acme/linkedConnectors`;
  const schedule = (flow: string) => `/v2/${h.envId}/${flow}/acme/jobs/schedule`;

  before(async () => {
    h = await startHarness();
    assert.equal(
      (await h.api('PUT', `/${h.envId}/connectors/tap-plain`, { kind: 'source', command: [process.execPath, TAP] })).status,
      200,
    );
    for (const [flow, limits] of Object.entries({
      std: undefined,
      locked: { field_map: 'none' },
      open: { field_map: 'full', min_schedule_interval_minutes: 1 },
    })) {
      const put = await h.api('PUT', `/${h.envId}/flows/${flow}`, {
        name: flow,
        type: 'v2',
        connectors: ['tap-plain'],
        ...(limits ? { tenant_limits: limits } : {}),
      });
      assert.equal(put.status, 200, put.text);
    }
    acme = await tenantCaller(h, 'acme');
    for (const flow of ['std', 'locked', 'open'])
      assert.equal((await acme.api('POST', link(flow), { connector_id: 'tap-plain', config: {} })).status, 200);
  });
  after(() => h.stop());

  test('by default a tenant selects streams and fields; renames and fixed values are refused, naming each', async (t) => {
    const tally = new AttackTally();
    const selection = {
      numbers: { selected: true, fields: { id: true, secret: false }, replication_method: 'FULL_TABLE' },
      other: { selected: false },
    };
    const ok = await acme.api('PATCH', link('std'), { connector_id: 'tap-plain', field_map: selection });
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(ok.body.field_map.numbers.fields, { id: true, secret: false });

    const attacks: Array<[string, unknown, string[]]> = [
      [
        'PATCH',
        { connector_id: 'tap-plain', field_map: { numbers: { values: { tenant: 'other-tenant' } } } },
        ['field_map.numbers.values'],
      ],
      ['PATCH', { connector_id: 'tap-plain', field_map: { numbers: { rename: 'invoices' } } }, ['field_map.numbers.rename']],
      [
        'PATCH',
        { connector_id: 'tap-plain', field_map: { numbers: { fields: { id: 'tenant', n: true } } } },
        ['field_map.numbers.fields.id'],
      ],
      [
        'POST',
        { connector_id: 'tap-plain', config: {}, field_map: { numbers: { values: { a: 1 }, rename: 'x' } } },
        ['field_map.numbers.values', 'field_map.numbers.rename'],
      ],
    ];
    for (const [method, body, fields] of attacks) {
      const res = await acme.api(method, link('std'), body);
      tally.refusal(res, 403, 'FORBIDDEN_FIELD');
      assert.deepEqual([...res.body.error.details.fields].sort(), [...fields].sort(), JSON.stringify(body));
    }
    const job = await acme.api('POST', `/v2/${h.envId}/std/acme/jobs`, {
      job_type: 'read',
      override_field_map: { numbers: { values: { tenant: 'other' } } },
    });
    tally.refusal(job, 403, 'FORBIDDEN_FIELD');
    assert.deepEqual(job.body.error.details.fields, ['override_field_map.numbers.values']);
    const sched = await acme.api('PUT', schedule('std'), {
      schedule_expression: '0 * * * *',
      job_type: 'read',
      override_field_map: { numbers: { rename: 'x' } },
    });
    tally.refusal(sched, 403, 'FORBIDDEN_FIELD');

    // Nothing refused was stored: the link keeps the selection.
    assert.deepEqual((await h.api('GET', link('std'))).body[0].field_map, selection);
    assert.equal((await h.api('GET', schedule('std'))).status, 404);
    // The owner may send all of it.
    const owner = await h.api('PATCH', link('std'), {
      connector_id: 'tap-plain',
      field_map: { numbers: { rename: 'invoices', values: { source: 'crm' } } },
    });
    assert.equal(owner.status, 200, owner.text);
    tally.report(t, 'field maps beyond the flow limits');
  });

  test("'none' refuses any field map from a tenant, even null; 'full' allows all of it", async (t) => {
    const tally = new AttackTally();
    for (const field_map of [null, {}, { numbers: { selected: true } }]) {
      const res = await acme.api('PATCH', link('locked'), { connector_id: 'tap-plain', field_map });
      tally.refusal(res, 403, 'FORBIDDEN_FIELD');
      assert.deepEqual(res.body.error.details.fields, ['field_map']);
    }
    const full = await acme.api('PATCH', link('open'), {
      connector_id: 'tap-plain',
      field_map: { numbers: { rename: 'invoices', values: { source: 'crm' } } },
    });
    assert.equal(full.status, 200, full.text);
    tally.report(t, "field maps on a flow whose limit is 'none'");
  });

  test('a tenant schedule fires at most every 15 minutes by default, or as often as the flow allows; the owner is not limited', async (t) => {
    const tally = new AttackTally();
    for (const expression of ['* * * * *', '*/5 * * * *', '0,10 * * * *', 'cron(0,59 0,23 * * ? *)']) {
      const res = await acme.api('PUT', schedule('std'), { schedule_expression: expression, job_type: 'read' });
      tally.refusal(res, 400, 'VALIDATION_FAILED');
      assert.equal(res.body.error.details.min_schedule_interval_minutes, 15, expression);
    }
    // 23:59 then 00:00 the next day is one minute apart, though each day looks sparse.
    tally.refusal(
      await acme.api('PUT', schedule('std'), { schedule_expression: '0,59 0,23 * * *', job_type: 'read' }),
      400,
      'VALIDATION_FAILED',
    );
    for (const expression of ['*/15 * * * *', '0 2 * * *', 'cron(0 0 1 * ? *)']) {
      const res = await acme.api('PUT', schedule('std'), { schedule_expression: expression, job_type: 'read' });
      assert.equal(res.status, 200, `${expression}: ${res.text}`);
    }
    assert.equal(
      (await acme.api('PUT', schedule('open'), { schedule_expression: '* * * * *', job_type: 'read', state: 'DISABLED' })).status,
      200,
    );
    assert.equal(
      (await h.api('PUT', schedule('std'), { schedule_expression: '* * * * *', job_type: 'read', state: 'DISABLED' })).status,
      200,
    );
    tally.report(t, 'schedules closer than the flow allows');
  });

  test('limits are validated when the owner sets them', async () => {
    for (const tenant_limits of [{ field_map: 'some' }, { min_schedule_interval_minutes: 0 }, { other: 1 }]) {
      const res = await h.api('PUT', `/${h.envId}/flows/bad`, { name: 'bad', type: 'v2', connectors: ['tap-plain'], tenant_limits });
      assertError(res, 400, 'VALIDATION_FAILED');
    }
  });
});
