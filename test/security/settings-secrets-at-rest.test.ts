import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { type Received, type Receiver, startReceiver, verifyHotglueSignature } from '../events/test-receiver.js';
import { type Harness, startHarness } from '../support/sinew-harness.js';
import { registerTestConnectors, sourceFlow } from '../support/singer-flow.js';
import { reportSecrets } from './attack-tally.js';

const rand = (): string => Math.random().toString(36).slice(2, 12);
const signedWith = (r: Received, secret: string): boolean =>
  verifyHotglueSignature({ normalizedHeaders: r.headers as Record<string, string>, rawBody: r.rawBody }, { webhookSecret: secret });

/**
 * Issue #12, item 5: every secret of the environment settings — the three webhook secrets, the
 * Datadog API key, the Slack webhook URL (itself a credential) and the S3 secret key — is sealed
 * in the database file and shown `********` by every answer; deliveries still sign with it, and
 * settings stored in clear before sealing are still read, then sealed.
 */
describe('settings secrets are sealed at rest and redacted on read', () => {
  let h: Harness;
  let rx: Receiver;
  const answers: string[] = [];
  const planted = {
    jobWebhook: `whsec-job-${rand()}`,
    discoverWebhook: `whsec-discover-${rand()}`,
    connectionWebhook: `whsec-conn-${rand()}`,
    datadog: `dd-key-${rand()}`,
    slackToken: `slack-${rand()}`,
    s3: `s3-secret-${rand()}`,
  };
  const allPlanted = (): string[] => Object.values(planted);

  const api = async (method: string, p: string, body?: unknown) => {
    const r = await h.api(method, p, body);
    answers.push(r.text);
    return r;
  };
  const connectionEvents = (flow: string) => rx.received.filter((r) => r.path === '/conn' && r.body?.flow_id === flow);

  before(async () => {
    rx = await startReceiver();
    h = await startHarness({ env: { SINEW_WEBHOOK_ALLOW_LOOPBACK: 'true', SINEW_EVENT_POLL_MS: '100' } });
    await registerTestConnectors(h, 'node');
  });
  after(async () => {
    await h?.stop();
    await rx?.close();
  });

  test('planted secrets are answered as ******** and a webhook still signs with its secret', async () => {
    const put = await api('PUT', `/${h.envId}/settings`, {
      monitoring: {
        webhooks: {
          job_lifecycle: { url: `${rx.url}/jobs`, secret: planted.jobWebhook },
          discover: { url: `${rx.url}/discover`, secret: planted.discoverWebhook },
          connection: { url: `${rx.url}/conn`, secret: planted.connectionWebhook },
        },
        datadog: { site: 'datadoghq.com', api_key: planted.datadog },
        slack: { webhook_url: `${rx.url}/slack/${planted.slackToken}` },
      },
    });
    assert.equal(put.status, 200, put.text);
    const got = await api('GET', `/${h.envId}/settings`);
    assert.equal(got.body.monitoring.slack.webhook_url, '********');
    assert.equal(got.body.monitoring.datadog.api_key, '********');
    assert.equal(got.body.monitoring.webhooks.connection.secret, '********');
    assert.equal(got.body.monitoring.webhooks.connection.url, `${rx.url}/conn`);

    await sourceFlow(h, {
      flow: 'f1',
      tap: 'tap-numbers-node',
      target: 'target-jsonl-node',
      outDir: await h.tmp('out'),
      tenant: 't1',
      sourceConfig: { records: 1 },
    });
    await rx.waitFor(() => connectionEvents('f1').length >= 1);
    assert.ok(signedWith(connectionEvents('f1')[0]!, planted.connectionWebhook), 'the webhook is signed with the planted secret');
  });

  test('settings sent back as read (********) keep their secrets', async () => {
    const read = await api('GET', `/${h.envId}/settings`);
    const put = await api('PUT', `/${h.envId}/settings`, { monitoring: read.body.monitoring });
    assert.equal(put.status, 200, put.text);
    await sourceFlow(h, {
      flow: 'f2',
      tap: 'tap-numbers-node',
      target: 'target-jsonl-node',
      outDir: await h.tmp('out'),
      tenant: 't2',
      sourceConfig: { records: 1 },
    });
    await rx.waitFor(() => connectionEvents('f2').length >= 1);
    assert.ok(signedWith(connectionEvents('f2')[0]!, planted.connectionWebhook));
  });

  test('the S3 secret key is sealed and redacted like the others', async () => {
    const put = await api('PUT', `/${h.envId}/settings`, {
      storage: {
        type: 's3',
        bucket: 'sealed-bucket',
        region: 'us-east-1',
        access_key_id: 'AKIATEST',
        secret_access_key: planted.s3,
        endpoint: 'http://127.0.0.1:9',
      },
    });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.body.storage.secret_access_key, '********');
    // Back to the server's storage: the section is kept, its secret still sealed.
    const back = await api('PUT', `/${h.envId}/settings`, { storage: { type: 'default' } });
    assert.equal(back.status, 200, back.text);
  });

  test('no API answer holds a planted secret', async (t) => {
    await api('GET', `/${h.envId}/events`);
    for (const e of (await h.api('GET', `/${h.envId}/events`)).body as { event_id: string }[])
      await api('GET', `/${h.envId}/events/${e.event_id}`);
    const leaks = allPlanted().filter((s) => answers.some((a) => a.includes(s)));
    reportSecrets(t, allPlanted().length, leaks.length, `settings secrets in ${answers.length} API answers`);
    assert.deepEqual(leaks, []);
  });

  test('no planted secret is in clear in the database file or its WAL', async (t) => {
    if (h.sinew.services.store.dialect !== 'sqlite') return t.skip('the database file is SQLite only');
    const file = path.join(h.dataDir, 'sinew.db');
    const db = new Database(file);
    try {
      db.pragma('wal_checkpoint(FULL)');
    } finally {
      db.close();
    }
    const bytes = Buffer.concat([await fs.readFile(file), await fs.readFile(`${file}-wal`).catch(() => Buffer.alloc(0))]);
    const leaks = allPlanted().filter((s) => bytes.includes(s));
    reportSecrets(t, allPlanted().length, leaks.length, 'settings secrets in the database file and its WAL');
    assert.deepEqual(leaks, []);
    // The planted values are there, sealed: the check above would see them in clear.
    assert.ok(bytes.includes('sealed:v1.'));
  });

  test('settings stored in clear before sealing are read, then sealed at start', async () => {
    const legacy = `whsec-legacy-${rand()}`;
    const { store, settings } = h.sinew.services;
    const env = (await store.environments.get(h.envId))!;
    await store.environments.put({
      ...env,
      settings: { monitoring: { webhooks: { connection: { url: `${rx.url}/conn`, secret: legacy } } } },
    });
    const read = await api('GET', `/${h.envId}/settings`);
    assert.equal(read.body.monitoring.webhooks.connection.secret, '********');
    await sourceFlow(h, {
      flow: 'f3',
      tap: 'tap-numbers-node',
      target: 'target-jsonl-node',
      outDir: await h.tmp('out'),
      tenant: 't3',
      sourceConfig: { records: 1 },
    });
    await rx.waitFor(() => connectionEvents('f3').length >= 1);
    assert.ok(signedWith(connectionEvents('f3')[0]!, legacy), 'a clear secret stored before sealing still signs');

    assert.equal(await settings.sealClearSecrets(), 1);
    assert.ok(!JSON.stringify((await store.environments.get(h.envId))!.settings).includes(legacy), 'sealed in the store');
    await sourceFlow(h, {
      flow: 'f4',
      tap: 'tap-numbers-node',
      target: 'target-jsonl-node',
      outDir: await h.tmp('out'),
      tenant: 't4',
      sourceConfig: { records: 1 },
    });
    await rx.waitFor(() => connectionEvents('f4').length >= 1);
    assert.ok(signedWith(connectionEvents('f4')[0]!, legacy), 'sealed, it signs the same');
  });
});
