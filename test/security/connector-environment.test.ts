import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Harness, startHarness } from '../support/sinew-harness.js';
import { until } from '../support/until.js';
import { AttackTally } from './attack-tally.js';

/**
 * The server's own secrets, and an unrelated secret of the host's, planted in the server's
 * environment: no connector, target or ETL script may see any of them. (PG* variables other than
 * a password are read by the pg driver itself: in PostgreSQL mode the canary is one it ignores.)
 */
const CANARIES: Record<string, string> = {
  SINEW_SECRET_KEY: 'canary-sinew-secret-key',
  SINEW_S3_SECRET_ACCESS_KEY: 'canary-sinew-s3',
  AWS_ACCESS_KEY_ID: 'canary-aws-id',
  AWS_SECRET_ACCESS_KEY: 'canary-aws-secret',
  [process.env.SINEW_TEST_DATABASE === 'postgres' ? 'PGSERVICEFILE' : 'PGPASSWORD']: 'canary-pg-password',
  DATABASE_URL: 'postgres://u:canary-database-url@db/x',
  STRIPE_API_KEY: 'canary-owner-api-key',
};

/** A program that writes its environment to `<out>.<what it was asked>` and plays its Singer part. */
const PROGRAM = (out: string, role: 'tap' | 'target'): string => `
import fs from 'node:fs';
const ask = process.argv.includes('--about') ? 'about' : process.argv.includes('--discover') ? 'discover' : ${JSON.stringify(role)};
fs.writeFileSync(${JSON.stringify(out)} + '.' + ask, JSON.stringify(process.env));
const schema = { type: 'object', properties: { id: { type: 'integer' } } };
if (ask === 'about') console.log(JSON.stringify({ name: 'env-dump', capabilities: ['discover', 'catalog', 'state'] }));
else if (ask === 'discover') console.log(JSON.stringify({ streams: [{ tap_stream_id: 's', stream: 's', schema, metadata: [{ breadcrumb: [], metadata: { selected: true } }] }] }));
else if (ask === 'tap') {
  console.log(JSON.stringify({ type: 'SCHEMA', stream: 's', schema, key_properties: ['id'] }));
  console.log(JSON.stringify({ type: 'RECORD', stream: 's', record: { id: 1 } }));
} else { process.stdin.resume(); process.stdin.on('end', () => {}); }
`;

describe("connectors, targets and ETL scripts get none of the server's secrets", () => {
  let h: Harness;
  let dir: string;
  before(async () => {
    h = await startHarness();
    dir = await h.tmp('env-dump');
    for (const [k, v] of Object.entries(CANARIES)) process.env[k] = v;
    process.env.SINEW_CONNECTOR_ENV = 'CONNECTOR_NEEDS_THIS';
    process.env.CONNECTOR_NEEDS_THIS = 'passed-by-the-owner';
  });
  after(async () => {
    for (const k of [...Object.keys(CANARIES), 'SINEW_CONNECTOR_ENV', 'CONNECTOR_NEEDS_THIS']) delete process.env[k];
    await h.stop();
  });

  test('probe, discover, sync, ETL and export of a job', async (t) => {
    const tally = new AttackTally();
    const out = path.join(dir, 'env');
    await fs.writeFile(path.join(dir, 'tap.mjs'), PROGRAM(out, 'tap'));
    await fs.writeFile(path.join(dir, 'target.mjs'), PROGRAM(out, 'target'));
    await fs.writeFile(
      path.join(dir, 'etl.sh'),
      `#!/bin/sh\nenv > '${out}.etl'\nmkdir -p etl-output\ncp sync-output/data.singer etl-output/data.singer\n`,
      { mode: 0o755 },
    );
    assert.equal(
      (await h.api('PUT', `/${h.envId}/connectors/tap-env`, { kind: 'source', command: [process.execPath, path.join(dir, 'tap.mjs')] }))
        .status,
      200,
    );
    assert.equal(
      (
        await h.api('PUT', `/${h.envId}/connectors/target-env`, {
          kind: 'target',
          command: [process.execPath, path.join(dir, 'target.mjs')],
        })
      ).status,
      200,
    );
    const flow = await h.api('PUT', `/${h.envId}/flows/envflow`, {
      name: 'envflow',
      type: 'v1-source',
      connectors: ['tap-env'],
      target: { connector: 'target-env', config: {} },
      etl: { command: [path.join(dir, 'etl.sh')] },
    });
    assert.equal(flow.status, 200, flow.text);
    assert.equal((await h.api('POST', `/${h.envId}/envflow/t/linkedSources`, { source: { tap: 'tap-env', config: {} } })).status, 200);
    const job = await h.waitForJob('envflow', 't', (await h.api('POST', `/${h.envId}/envflow/t/jobs`, {})).body.job_id);
    assert.equal(job.status, 'JOB_COMPLETED', job.error);

    const seen: Record<string, Record<string, string>> = {};
    for (const what of ['about', 'discover', 'tap', 'target']) {
      seen[what] = JSON.parse(
        await until(`the ${what} run's environment`, 10_000, () => fs.readFile(`${out}.${what}`, 'utf8').catch(() => undefined)),
      );
    }
    const etlText = await fs.readFile(`${out}.etl`, 'utf8');
    seen.etl = Object.fromEntries(
      etlText
        .split('\n')
        .filter((l) => l.includes('='))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    const sinewVariable = /^SINEW_|^AWS_|^PG|DATABASE_URL$/;
    for (const [what, env] of Object.entries(seen)) {
      // Each run is a program of the owner's choosing looking for Sinew's secrets in its environment.
      const text = JSON.stringify(env);
      tally.attack(!Object.keys(env).some((k) => sinewVariable.test(k)) && !Object.values(CANARIES).some((v) => text.includes(v)));
      assert.ok(env.PATH, `${what}: no PATH`);
      assert.deepEqual(
        Object.keys(env).filter((k) => sinewVariable.test(k)),
        [],
        `${what} got Sinew's variables`,
      );
      for (const value of Object.values(CANARIES)) assert.ok(!JSON.stringify(env).includes(value), `${what} got ${value}`);
      assert.equal(env.CONNECTOR_NEEDS_THIS, 'passed-by-the-owner', `${what}: SINEW_CONNECTOR_ENV not honoured`);
    }
    for (const what of ['discover', 'tap', 'target', 'etl']) assert.equal(seen[what]!.TENANT, 't', `${what}: no §5 variables`);
    tally.report(t, "item 7: connectors, targets and ETL scripts reading Sinew's environment");
  });
});
