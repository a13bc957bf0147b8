import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { restrictDataDir } from '../../src/app/data-dir-permissions.js';
import { connectorSpawnIdentity, resolveConnectorUser } from '../../src/runtime/connector-user.js';
import { type Harness, startHarness } from '../support/sinew-harness.js';
import { until } from '../support/until.js';
import { AttackTally } from './attack-tally.js';

/** A registered tap that reports, as one record, who it runs as and what of Sinew's it can read. */
const TAP = (dataDir: string): string => `
import fs from 'node:fs';
const arg = (flag) => process.argv[process.argv.indexOf(flag) + 1];
const tryRead = (fn) => { try { fn(); return 'read'; } catch (e) { return e.code; } };
const schema = { type: 'object', properties: { id: { type: 'integer' } } };
if (process.argv.includes('--about')) console.log(JSON.stringify({ name: 'whoami', capabilities: ['discover', 'catalog', 'state'] }));
else if (process.argv.includes('--discover')) {
  // Who discovered shows in the catalog: a property named after the uid.
  const found = { ...schema, properties: { ...schema.properties, ['ran_as_' + process.getuid()]: { type: 'string' } } };
  console.log(JSON.stringify({ streams: [{ tap_stream_id: 's', stream: 's', schema: found, metadata: [{ breadcrumb: [], metadata: { selected: true } }] }] }));
}
else {
  const config = JSON.parse(fs.readFileSync(arg('--config'), 'utf8'));
  const record = {
    id: 1,
    uid: process.getuid(),
    home: process.env.HOME,
    config_token: config.token,
    state: tryRead(() => fs.readFileSync(arg('--state'))),
    secret_key: tryRead(() => fs.readFileSync(${JSON.stringify(path.join(dataDir, 'secret.key'))})),
    data_dir: tryRead(() => fs.readdirSync(${JSON.stringify(dataDir)})),
  };
  console.log(JSON.stringify({ type: 'SCHEMA', stream: 's', schema, key_properties: ['id'] }));
  console.log(JSON.stringify({ type: 'RECORD', stream: 's', record }));
}
`;

describe('SINEW_CONNECTOR_USER: a registered connector runs unprivileged', () => {
  test('spawn options: the account and its environment, or nothing when unset', () => {
    assert.deepEqual(connectorSpawnIdentity(null, { PATH: '/bin' }), { env: { PATH: '/bin' } });
    const as = connectorSpawnIdentity({ uid: 1234, gid: 4321, home: '/home/c', name: 'c' }, { PATH: '/bin', HOME: '/root' });
    assert.deepEqual(as, { uid: 1234, gid: 4321, env: { PATH: '/bin', HOME: '/home/c', USER: 'c', LOGNAME: 'c' } });
    assert.equal(resolveConnectorUser(undefined), null);
    assert.deepEqual(resolveConnectorUser('1234:4321', 0), { uid: 1234, gid: 4321, home: '/', name: '1234:4321' });
    assert.throws(() => resolveConnectorUser('0:0', 0), /root/);
    assert.throws(() => resolveConnectorUser('1234:4321', 1000), /needs Sinew to run as root/);
    assert.throws(() => resolveConnectorUser('no-such-user-sinew', 0), /no user named/);
  });

  test('every start makes the data dir 0700 and secret.key 0600, whatever they were', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'sinew-open-data-'));
    try {
      await fs.chmod(dataDir, 0o755);
      await fs.writeFile(path.join(dataDir, 'secret.key'), 'k\n', { mode: 0o644 });
      await restrictDataDir(dataDir, pino({ level: 'silent' }));
      assert.equal((await fs.stat(dataDir)).mode & 0o777, 0o700);
      assert.equal((await fs.stat(path.join(dataDir, 'secret.key'))).mode & 0o777, 0o600);
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });

  const root = process.getuid?.() === 0;
  describe('a job as root with a connector user', { skip: root ? false : 'needs root' }, () => {
    const user = `sinewc${process.pid}`;
    let h: Harness;
    let shared: string;
    before(async () => {
      execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', user]);
      h = await startHarness({ env: { SINEW_CONNECTOR_USER: user } });
      // The tap's own files must be readable by the account, as an installed connector's are.
      shared = await fs.mkdtemp(path.join(os.tmpdir(), 'sinew-conn-user-'));
      await fs.chmod(shared, 0o755);
    });
    after(async () => {
      await h?.stop();
      await fs.rm(shared, { recursive: true, force: true });
      execFileSync('userdel', [user]);
    });

    test('it runs as that account, gets its config and state, and cannot read the data dir or secret.key', async (t) => {
      const tally = new AttackTally();
      const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
      const tap = path.join(shared, 'tap-whoami.mjs');
      await fs.writeFile(tap, TAP(h.dataDir), { mode: 0o644 });
      assert.equal(
        (await h.api('PUT', `/${h.envId}/connectors/tap-whoami`, { kind: 'source', command: [process.execPath, tap] })).status,
        200,
      );
      const out = await h.tmp('out');
      await h.api('PUT', `/${h.envId}/flows/who`, {
        name: 'who',
        type: 'v1-source',
        connectors: ['tap-whoami'],
        target: { connector: 'jsonl', config: { path: out } },
      });
      await h.api('POST', `/${h.envId}/who/t/linkedSources`, { source: { tap: 'tap-whoami', config: { token: 'tok-for-the-tap' } } });
      const job = await h.waitForJob('who', 't', (await h.api('POST', `/${h.envId}/who/t/jobs`, {})).body.job_id);
      assert.equal(job.status, 'JOB_COMPLETED', job.error);
      const [record] = (await fs.readFile(path.join(out, 's.jsonl'), 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      assert.equal(record.uid, uid);
      assert.equal(record.config_token, 'tok-for-the-tap');
      assert.equal(record.state, 'read');
      tally.attack(record.secret_key === 'EACCES');
      tally.attack(record.data_dir === 'EACCES');
      assert.equal(record.secret_key, 'EACCES');
      assert.equal(record.data_dir, 'EACCES');
      assert.notEqual(record.home, '/root');
      const catalog = await fs.readFile(path.join(h.dataDir, 'storage', h.envId, job.s3_root, 'catalog.json'), 'utf8');
      assert.match(catalog, new RegExp(`ran_as_${uid}"`), 'the discover before the sync ran as root');
      tally.report(t, 'item 7: a registered connector reading secret.key and the data dir');
    });

    test('a discover through the API runs as that account too', async () => {
      const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
      const tap = path.join(shared, 'tap-whoami-v2.mjs');
      await fs.writeFile(tap, TAP(h.dataDir), { mode: 0o644 });
      assert.equal(
        (await h.api('PUT', `/${h.envId}/connectors/tap-who2`, { kind: 'source', command: [process.execPath, tap] })).status,
        200,
      );
      assert.equal((await h.api('PUT', `/${h.envId}/flows/who2`, { name: 'who2', type: 'v2', connectors: ['tap-who2'] })).status, 200);
      assert.equal(
        (await h.api('POST', `/v2/${h.envId}/who2/acme/linkedConnectors`, { connector_id: 'tap-who2', config: {} })).status,
        200,
      );
      const started = await h.api('POST', `/v2/${h.envId}/who2/acme/linkedConnectors/discover?connector_id=tap-who2`);
      assert.equal(started.status, 200, started.text);
      const poll = await until('the discover ended', 20_000, async () => {
        const p = await h.api('GET', `/v2/${h.envId}/who2/acme/linkedConnectors/discover/poll?connector_id=tap-who2`);
        return p.body.status !== 'DISCOVER_STARTED' ? p : undefined;
      });
      assert.equal(poll.body.status, 'DISCOVER_SUCCESS', poll.text);
      const link = await h.api('GET', `/v2/${h.envId}/who2/acme/linkedConnectors?connector_id=tap-who2`);
      assert.match(link.text, new RegExp(`ran_as_${uid}`), link.text.slice(0, 500));
    });
  });
});
