import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Harness, startHarness } from '../support/sinew-harness.js';
import { sourceFlow } from '../support/singer-flow.js';

const probeFixture = (name: string): string => fileURLToPath(new URL(`../fixtures/probe/${name}`, import.meta.url));
const node = process.execPath;

describe('registering a Singer executable probes what it takes (--about --format=json, --help)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.stop());

  const register = async (id: string, body: Record<string, unknown>): Promise<any> => {
    const res = await h.api('PUT', `/${h.envId}/connectors/${id}`, body);
    assert.equal(res.status, 200, res.text);
    const got = await h.api('GET', `/${h.envId}/connectors/${id}`);
    assert.deepEqual(got.body, res.body, 'GET shows what PUT stored');
    return res.body;
  };

  const runJob = async (flow: string, tenant: string): Promise<any> => {
    const created = await h.api('POST', `/${h.envId}/${flow}/${tenant}/jobs`, {});
    assert.equal(created.status, 200, created.text);
    return h.waitForJob(flow, tenant, created.body.job_id);
  };

  test('a singer-python tap: --help lists --discover, --state, --properties and --catalog', async () => {
    const def = await register('tap-props', { kind: 'source', command: [node, probeFixture('tap-properties.mjs')] });
    assert.equal(def.probe.method, 'help');
    assert.equal(def.probe.discover, true);
    assert.equal(def.probe.catalog_flag, 'both');
    assert.equal(def.probe.state, true);
    assert.deepEqual(def.probe.overridden, []);
    assert.match(def.probe.note, /--properties/);
    assert.ok(!Number.isNaN(Date.parse(def.probe.found_at)));
    assert.equal(def.capabilities.discover, true);
    assert.equal(def.runtime.catalog_flag, 'both');
    assert.equal(def.runtime.accepts_state, undefined);
  });

  test('a Singer SDK tap: --about --format=json gives capabilities and the config schema, which linking enforces', async () => {
    const def = await register('tap-sdk', { kind: 'source', command: [node, probeFixture('tap-sdk.mjs')] });
    assert.equal(def.probe.method, 'about');
    assert.equal(def.probe.discover, true);
    assert.equal(def.probe.catalog_flag, '--catalog');
    assert.equal(def.probe.config_schema, true);
    assert.equal(def.capabilities.discover, true);
    assert.equal(def.runtime.catalog_flag, '--catalog');
    assert.deepEqual(def.config_schema.required, ['api_key']);
    assert.equal(def.config_schema.properties.api_key.secret, true);

    assert.equal((await h.api('PUT', `/${h.envId}/flows/sdk`, { name: 'sdk', type: 'v1-source', connectors: ['tap-sdk'] })).status, 200);
    const bad = await h.api('POST', `/${h.envId}/sdk/t/linkedSources`, { source: { tap: 'tap-sdk', config: {} } });
    assert.equal(bad.status, 400, bad.text);
    assert.equal(bad.body.error.code, 'VALIDATION_FAILED');
    assert.match(bad.body.error.message, /api_key/);
  });

  test('an executable that answers neither probe keeps the defaults and says why', async () => {
    const def = await register('tap-nowhere', { kind: 'source', command: ['/nonexistent/sinew-tap-nowhere'] });
    assert.equal(def.probe.method, 'none');
    assert.equal(def.probe.discover, null);
    assert.match(def.probe.note, /--about --format=json: .*command not found; --help: .*command not found/);
    assert.equal(def.capabilities.discover, true);
    assert.deepEqual(def.runtime, { runtime: 'singer', command: ['/nonexistent/sinew-tap-nowhere'] });
  });

  test('a tap without discover or catalog (like tap-csv) runs a job with neither, and cannot be asked to discover', async () => {
    const def = await register('tap-csv-like', { kind: 'source', command: [node, probeFixture('tap-csv-like.mjs')] });
    assert.equal(def.probe.method, 'help');
    assert.equal(def.probe.discover, false);
    assert.equal(def.probe.catalog_flag, 'none');
    assert.equal(def.probe.state, true);
    assert.equal(def.capabilities.discover, false);
    assert.equal(def.runtime.catalog_flag, 'none');

    // The fake stops with a usage error on --discover, --catalog or --properties, as tap-csv does.
    const out = await h.tmp('csv-like-out');
    await sourceFlow(h, { flow: 'csvlike', tap: 'tap-csv-like', target: 'jsonl', outDir: out, tenant: 't', sourceConfig: { rows: 4 } });
    const job = await runJob('csvlike', 't');
    assert.equal(job.status, 'JOB_COMPLETED', job.error);
    assert.equal(job.status_timestamp.DISCOVER_STARTED, undefined, 'no discover ran');
    assert.equal((await fs.readFile(path.join(out, 'rows.jsonl'), 'utf8')).trim().split('\n').length, 4);
    // A second job passes the state the first one kept (the tap takes --state).
    assert.equal((await runJob('csvlike', 't')).status, 'JOB_COMPLETED');

    assert.equal(
      (await h.api('PUT', `/${h.envId}/flows/csvlike2`, { name: 'csvlike2', type: 'v2', connectors: ['tap-csv-like'] })).status,
      200,
    );
    const linked = await h.api('POST', `/v2/${h.envId}/csvlike2/t/linkedConnectors`, { connector_id: 'tap-csv-like', config: {} });
    assert.equal(linked.status, 200, linked.text);
    const discover = await h.api('POST', `/v2/${h.envId}/csvlike2/t/linkedConnectors/discover?connector_id=tap-csv-like`);
    assert.equal(discover.status, 422, discover.text);
    assert.equal(discover.body.error.code, 'CONNECTOR_NOT_SUPPORTED');
    assert.match(discover.body.error.message, /found by the --help probe/);
  });

  test('a tap that reads --properties gets its catalog there after discover', async () => {
    const out = await h.tmp('props-out');
    const argvFile = path.join(await h.tmp('props-argv'), 'argv.json');
    await sourceFlow(h, {
      flow: 'props',
      tap: 'tap-props',
      target: 'jsonl',
      outDir: out,
      tenant: 't',
      sourceConfig: { argv_file: argvFile },
    });
    const job = await runJob('props', 't');
    assert.equal(job.status, 'JOB_COMPLETED', job.error);
    assert.ok(job.status_timestamp.DISCOVER_SUCCESS, 'discover ran');
    const argv = JSON.parse(await fs.readFile(argvFile, 'utf8')) as string[];
    assert.ok(argv.includes('--properties'), `argv: ${argv.join(' ')}`);
    assert.ok(argv.includes('--state'), `argv: ${argv.join(' ')}`);
    assert.equal((await fs.readFile(path.join(out, 'items.jsonl'), 'utf8')).trim().split('\n').length, 3);
  });

  test('the registration overrides the probe, and a failed job says which flags were used and why', async () => {
    const def = await register('tap-props-catalog', {
      kind: 'source',
      command: [node, probeFixture('tap-properties.mjs')],
      catalog_flag: '--catalog',
    });
    assert.equal(def.probe.catalog_flag, 'both', 'the probe still records what it found');
    assert.deepEqual(def.probe.overridden, ['catalog_flag']);
    assert.equal(def.runtime.catalog_flag, '--catalog');
    assert.equal(def.capabilities.discover, true);

    const schema = { type: 'object', properties: { token: { type: 'string' } } };
    const sdk = await register('tap-sdk-own', {
      kind: 'source',
      command: [node, probeFixture('tap-sdk.mjs')],
      capabilities: { discover: false },
      config_schema: schema,
    });
    assert.equal(sdk.probe.discover, true);
    assert.deepEqual(sdk.probe.overridden, ['discover', 'config_schema']);
    assert.equal(sdk.capabilities.discover, false);
    assert.deepEqual(sdk.config_schema, schema);

    // Given only --catalog, the fake stops as tap-postgres would: it reads --properties.
    await sourceFlow(h, {
      flow: 'propscat',
      tap: 'tap-props-catalog',
      target: 'jsonl',
      outDir: await h.tmp('propscat-out'),
      tenant: 't',
      sourceConfig: {},
    });
    const job = await runJob('propscat', 't');
    assert.equal(job.status, 'SYNC_FAILED');
    assert.match(job.error, /No properties were selected/);
    assert.match(
      job.error,
      /Sinew ran the tap after --discover, with the catalog as --catalog, with --state \(discover found by the --help probe; catalog flag set in the connector definition; state found by the --help probe\)/,
    );
  });
});
