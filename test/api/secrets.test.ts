import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type ApiResponse, type Harness } from '../support/sinew-harness.js';

describe('credentials never leave the server in clear', () => {
  let h: Harness;
  let dir: string;
  const responses: { what: string; res: ApiResponse }[] = [];
  // Distinct values per field, so a leak names the field that leaked.
  const secrets = { password: 'pw-0001-leak-canary', api_key: 'ak-0002-leak-canary', refresh_token: 'rt-0003-leak-canary', oauth_credentials: 'oc-0004-leak-canary', private_key: 'pk-0005-leak-canary', target_pw: 'tp-0006-leak-canary', override: 'ov-0007-leak-canary' };

  const call = async (method: string, url: string, body?: unknown) => {
    const res = await h.api(method, url, body);
    responses.push({ what: `${method} ${url}`, res });
    return res;
  };

  before(async () => {
    h = await startHarness();
    dir = await h.tmp('secrets');
  });
  after(() => h.stop());

  test('after linking with secret-looking fields, no response holds a clear secret', async () => {
    const env = h.envId;
    const { password, api_key, refresh_token, oauth_credentials, private_key, target_pw, override } = secrets;
    assert.equal((await call('PUT', `/${env}/flows/s1`, { name: 's1', type: 'v1-source', connectors: ['csv'], target: { connector: 'jsonl', config: { path: dir, password: target_pw } } })).status, 200);
    assert.equal((await call('PUT', `/${env}/flows/s2`, { name: 's2', type: 'v2', connectors: ['csv'] })).status, 200);
    assert.equal((await call('PUT', `/${env}/flows/s3`, { name: 's3', type: 'v1-target', connectors: ['jsonl'] })).status, 200);
    const v1 = await call('POST', `/${env}/s1/acme/linkedSources`, { source: { tap: 'csv', config: { path: dir, password, api_key, oauth: { refresh_token } } } });
    assert.equal(v1.status, 200, v1.text);
    assert.equal(v1.body.config.oauth.refresh_token, '********', 'nested credentials are redacted too');
    assert.equal((await call('POST', `/v2/${env}/s2/acme/linkedConnectors`, { connector_id: 'csv', config: { path: dir, oauth_credentials, private_key } })).status, 200);
    assert.equal((await call('PATCH', `/v2/${env}/s2/acme/linkedConnectors`, { connector_id: 'csv', config: { api_key } })).status, 200);
    assert.equal((await call('POST', `/${env}/s3/acme/linkedTargets`, { target: { target: 'jsonl', config: { path: dir, password } } })).status, 200);
    const job = await call('POST', `/${env}/s1/acme/jobs`, { override_source_config: { path: dir, api_key: override } });
    assert.equal(job.status, 200, job.text);

    const reads = [
      `/${env}/s1/acme/linkedSources`,
      `/v2/${env}/s2/acme/linkedConnectors`,
      `/${env}/s3/acme/linkedTargets`,
      `/${env}/flows`,
      `/${env}/flows/s1`,
      `/${env}/flows/supported`,
      `/${env}/flows/linked?tenant_id=acme`,
      `/${env}/s1/acme/jobs`,
      `/${env}/s1/acme/jobs/${job.body.job_id}`,
      `/${env}/s1/acme/linkedSources/state`,
      `/v2/${env}/s2/acme/linkedConnectors/discover/poll`,
      `/tenants/${env}`,
      `/tenant/${env}/acme/config`,
      `/${env}/settings`,
      `/${env}/connectors`,
    ];
    for (const url of reads) {
      const res = await call('GET', url);
      assert.equal(res.status, 200, `${url}: ${res.text}`);
    }
    // Errors must not echo a config either (a config that fails validation).
    const refused = await call('POST', `/${env}/s1/acme/linkedSources`, { source: { tap: 'csv', config: { path: 5, password } } });
    assert.equal(refused.status, 400);
    await h.waitForJob('s1', 'acme', job.body.job_id).catch(() => undefined);
    assert.equal((await call('GET', `/${env}/s1/acme/jobs/${job.body.job_id}`)).status, 200);

    assert.ok(responses.length > 20);
    for (const { what, res } of responses) {
      for (const [field, value] of Object.entries(secrets)) {
        assert.ok(!res.text.includes(value), `${what} leaks ${field}: ${res.text.slice(0, 500)}`);
      }
    }
  });
});
