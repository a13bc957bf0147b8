import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type ApiResponse, type Harness, startHarness } from '../support/sinew-harness.js';

describe('credentials never leave the server in clear', () => {
  let h: Harness;
  let dir: string;
  const responses: { what: string; res: ApiResponse }[] = [];
  // Distinct values per field, so a leak names the field that leaked.
  const secrets = {
    password: 'pw-0001-leak-canary',
    api_key: 'ak-0002-leak-canary',
    refresh_token: 'rt-0003-leak-canary',
    oauth_credentials: 'oc-0004-leak-canary',
    private_key: 'pk-0005-leak-canary',
    target_pw: 'tp-0006-leak-canary',
    override: 'ov-0007-leak-canary',
  };

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
    assert.equal(
      (
        await call('PUT', `/${env}/flows/s1`, {
          name: 's1',
          type: 'v1-source',
          connectors: ['csv'],
          target: { connector: 'jsonl', config: { path: dir, password: target_pw } },
        })
      ).status,
      200,
    );
    assert.equal((await call('PUT', `/${env}/flows/s2`, { name: 's2', type: 'v2', connectors: ['csv'] })).status, 200);
    assert.equal((await call('PUT', `/${env}/flows/s3`, { name: 's3', type: 'v1-target', connectors: ['jsonl'] })).status, 200);
    const v1 = await call('POST', `/${env}/s1/acme/linkedSources`, {
      source: { tap: 'csv', config: { path: dir, password, api_key, oauth: { refresh_token } } },
    });
    assert.equal(v1.status, 200, v1.text);
    assert.equal(v1.body.config.oauth.refresh_token, '********', 'nested credentials are redacted too');
    assert.equal(
      (
        await call('POST', `/v2/${env}/s2/acme/linkedConnectors`, {
          connector_id: 'csv',
          config: { path: dir, oauth_credentials, private_key },
        })
      ).status,
      200,
    );
    assert.equal((await call('PATCH', `/v2/${env}/s2/acme/linkedConnectors`, { connector_id: 'csv', config: { api_key } })).status, 200);
    assert.equal(
      (await call('POST', `/${env}/s3/acme/linkedTargets`, { target: { target: 'jsonl', config: { path: dir, password } } })).status,
      200,
    );
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

  test("a discover started through the API does not hand the server's own secrets to the tap", async () => {
    const env = h.envId;
    const out = path.join(dir, 'tap-env.json');
    const script = path.join(dir, 'tap-env.mjs');
    // On --discover: writes the names and values of its environment where its config says.
    await fs.writeFile(
      script,
      `import fs from 'node:fs';\nconst config = JSON.parse(fs.readFileSync(process.argv[process.argv.indexOf('--config') + 1], 'utf8'));\nfs.writeFileSync(config.out, JSON.stringify(process.env));\nconsole.log(JSON.stringify({ streams: [] }));\n`,
    );
    assert.equal((await h.api('PUT', `/${env}/connectors/tap-env`, { kind: 'source', command: [process.execPath, script] })).status, 200);
    assert.equal((await h.api('PUT', `/${env}/flows/s4`, { name: 's4', type: 'v2', connectors: ['tap-env'] })).status, 200);
    assert.equal((await h.api('POST', `/v2/${env}/s4/acme/linkedConnectors`, { connector_id: 'tap-env', config: { out } })).status, 200);
    process.env.SINEW_PROBE_SECRET = 'probe-0008-leak-canary';
    try {
      const started = await h.api('POST', `/v2/${env}/s4/acme/linkedConnectors/discover?connector_id=tap-env`);
      assert.equal(started.status, 200, started.text);
      let poll: any;
      for (let i = 0; i < 100; i++) {
        poll = await h.api('GET', `/v2/${env}/s4/acme/linkedConnectors/discover/poll?connector_id=tap-env`);
        if (poll.body.status !== 'DISCOVER_STARTED') break;
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(poll.body.status, 'DISCOVER_SUCCESS', poll.text);
      const seen = JSON.parse(await fs.readFile(out, 'utf8')) as Record<string, string>;
      assert.ok(Object.keys(seen).length > 0 && seen.PATH, 'the tap got the host environment');
      assert.deepEqual(
        Object.keys(seen).filter((k) => k.startsWith('SINEW_')),
        [],
      );
      // A job's discover of the same tap: no SINEW_* variable either (built-in taps alone get the address policy).
      await fs.rm(out);
      const job = await h.api('POST', `/v2/${env}/s4/acme/jobs`, { connector_id: 'tap-env', job_type: 'read' });
      assert.equal(job.status, 200, job.text);
      await h.waitForJob('s4', 'acme', job.body.job_id, { timeoutMs: 30_000 });
      const inJob = JSON.parse(await fs.readFile(out, 'utf8')) as Record<string, string>;
      assert.ok(inJob.PATH, 'the tap ran in the job');
      assert.deepEqual(
        Object.keys(inJob).filter((k) => k.startsWith('SINEW_')),
        [],
      );
    } finally {
      delete process.env.SINEW_PROBE_SECRET;
    }
  });
});
