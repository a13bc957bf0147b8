import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_JOB_SETTINGS } from '../../src/settings/environment-settings.js';
import { openSettings } from '../../src/settings/settings-secrets.js';
import { type ApiResponse, type Harness, startHarness } from '../support/sinew-harness.js';

function assertError(res: ApiResponse, status: number, code: string): void {
  assert.equal(res.status, status, res.text);
  assert.equal(res.body?.error?.code, code, res.text);
}

describe('environment settings', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.stop());

  test('a new environment shows every setting in force, defaults included, and that none is set', async () => {
    const res = await h.api('GET', `/${h.envId}/settings`);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.job_settings, DEFAULT_JOB_SETTINGS);
    for (const name of [
      'force_full_sync',
      'force_discover',
      'trigger_job_on_link',
      'discover_on_link',
      'rollback_on_failure',
      'default_schedule_on_link',
      'save_snapshots_on_failure',
    ]) {
      assert.ok(name in res.body.job_settings, `${name} shown`);
    }
    assert.deepEqual(res.body.monitoring, { allow_private_urls: false, webhooks: {} });
    assert.deepEqual(res.body.storage, { type: 'default' });
    assert.deepEqual(res.body.network, { allow_private_addresses: false });
    assert.deepEqual(res.body.set, []);
    // What GET shows can be sent back as it is; that sets every value it holds.
    const back = await h.api('PUT', `/${h.envId}/settings`, { job_settings: res.body.job_settings, set: res.body.set });
    assert.equal(back.status, 200, back.text);
    assert.deepEqual(back.body.job_settings, DEFAULT_JOB_SETTINGS);
    assert.equal(back.body.set.length, Object.keys(DEFAULT_JOB_SETTINGS).length);
    await h.sinew.services.store.environments.put({ ...(await h.sinew.services.store.environments.get(h.envId))!, settings: {} });
  });

  test('PUT merges sections field by field; secrets are redacted on GET and kept in the store', async () => {
    const jobSettings = { force_full_sync: false, trigger_job_on_link: true };
    const first = await h.api('PUT', `/${h.envId}/settings`, { job_settings: jobSettings });
    assert.equal(first.status, 200, first.text);
    assert.deepEqual(first.body.job_settings, { ...DEFAULT_JOB_SETTINGS, ...jobSettings });
    assert.deepEqual(first.body.set, ['job_settings.force_full_sync', 'job_settings.trigger_job_on_link']);

    const hookSecret = 'whsec-Qv7-never-show';
    const ddKey = 'dd-91ab-never-show';
    const monitoring = {
      webhooks: { job_lifecycle: { url: 'https://hooks.example.com/sinew', secret: hookSecret } },
      datadog: { site: 'datadoghq.eu', api_key: ddKey },
      slack: { webhook_url: 'https://hooks.slack.com/services/T/B/X' },
    };
    const second = await h.api('PUT', `/${h.envId}/settings`, { monitoring });
    assert.equal(second.status, 200, second.text);
    const got = await h.api('GET', `/${h.envId}/settings`);
    assert.deepEqual(got.body, second.body);
    // The first section survived the second PUT.
    assert.deepEqual(got.body.job_settings, { ...DEFAULT_JOB_SETTINGS, ...jobSettings });
    assert.equal(got.body.monitoring.webhooks.job_lifecycle.url, 'https://hooks.example.com/sinew');
    assert.equal(got.body.monitoring.webhooks.job_lifecycle.secret, '********');
    assert.equal(got.body.monitoring.datadog.api_key, '********');
    assert.equal(got.body.monitoring.datadog.site, 'datadoghq.eu');
    for (const r of [second, got]) assert.ok(!r.text.includes(hookSecret) && !r.text.includes(ddKey));
    const env = await h.sinew.services.store.environments.get(h.envId);
    assert.ok(!JSON.stringify(env!.settings).includes(hookSecret), 'sealed in the store');
    const stored = openSettings(h.sinew.services.box, env!.settings).monitoring as { webhooks: { job_lifecycle: { secret: string } } };
    assert.equal(stored.webhooks.job_lifecycle.secret, hookSecret, 'the server keeps the secret to sign deliveries');

    // Saving back what GET showed keeps the secrets (not the literal `********`).
    const shown = (await h.api('GET', `/${h.envId}/settings`)).body;
    shown.monitoring.datadog.site = 'datadoghq.com';
    assert.equal((await h.api('PUT', `/${h.envId}/settings`, { monitoring: shown.monitoring })).status, 200);
    const resaved = openSettings(h.sinew.services.box, (await h.sinew.services.store.environments.get(h.envId))!.settings).monitoring as {
      webhooks: { job_lifecycle: { secret: string } };
      datadog: { api_key: string; site: string };
    };
    assert.equal(resaved.webhooks.job_lifecycle.secret, hookSecret);
    assert.deepEqual(resaved.datadog, { site: 'datadoghq.com', api_key: ddKey });

    // Fields of a section merge: the others keep their values.
    await h.api('PUT', `/${h.envId}/settings`, { job_settings: { force_discover: true } });
    const after = await h.api('GET', `/${h.envId}/settings`);
    assert.deepEqual(after.body.job_settings, { ...DEFAULT_JOB_SETTINGS, ...jobSettings, force_discover: true });
    assert.ok(
      after.body.set.includes('job_settings.force_discover') && after.body.set.includes('monitoring.datadog'),
      after.body.set.join(),
    );
    assert.equal(after.body.monitoring.datadog.site, 'datadoghq.com');
  });

  test('invalid settings are 400 and change nothing', async () => {
    const before = (await h.api('GET', `/${h.envId}/settings`)).body;
    assertError(await h.api('PUT', `/${h.envId}/settings`, { jobs: {} }), 400, 'VALIDATION_FAILED');
    assertError(await h.api('PUT', `/${h.envId}/settings`, { job_settings: [] }), 400, 'VALIDATION_FAILED');
    assertError(await h.api('PUT', `/${h.envId}/settings`, { storage: 's3://x' }), 400, 'VALIDATION_FAILED');
    assertError(await h.api('PUT', `/${h.envId}/settings`, [1]), 400, 'VALIDATION_FAILED');
    assertError(await h.api('PUT', `/${h.envId}/settings`, { job_settings: { force_everything: true } }), 400, 'VALIDATION_FAILED');
    assertError(await h.api('PUT', `/${h.envId}/settings`, { job_settings: { force_full_sync: 'yes' } }), 400, 'VALIDATION_FAILED');
    assertError(
      await h.api('PUT', `/${h.envId}/settings`, { monitoring: { datadog: { site: 'datadoghq.com' } } }),
      400,
      'VALIDATION_FAILED',
    );
    assertError(
      await h.api('PUT', `/${h.envId}/settings`, { monitoring: { webhooks: { job_lifecycle: { secret: 'x' } } } }),
      400,
      'VALIDATION_FAILED',
    );
    assert.deepEqual((await h.api('GET', `/${h.envId}/settings`)).body, before);
  });
});
