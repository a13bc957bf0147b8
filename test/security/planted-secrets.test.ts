import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Receiver } from '../events/test-receiver.js';
import { filesUnder } from '../support/files-under.js';
import { type ObservedServer, startObservedServer } from '../support/observed-server.js';
import { fixture } from '../support/singer-flow.js';
import { until } from '../support/until.js';
import { reportSecrets } from './attack-tally.js';

const ENV = 'planted.sinew.local';
const KEY = `sk_test_${crypto.randomBytes(12).toString('hex')}`;
const secret = (kind: string): string => `${kind}-${crypto.randomBytes(9).toString('base64url')}`;

/** One secret in every kind of config Sinew keeps. */
const PLANTED = {
  link_password: secret('link-pw'),
  link_v2_password: secret('link2-pw'),
  flow_target_password: secret('flow-target-pw'),
  job_override: secret('job-override'),
  schedule_override: secret('schedule-override'),
  webhook_secret: secret('webhook-secret'),
  datadog_api_key: secret('datadog-key'),
  slack_path: secret('slack-path'),
};
const SECRETS = Object.values(PLANTED);

/**
 * Issue #12, "Tests": secrets planted in every kind of config — link credentials (v1 and v2), the
 * flow target's, job and schedule overrides, webhook secret, Datadog key, Slack URL — must appear in
 * no API response (every GET route of /openapi.json), no log line, no event, no job artifact, no
 * temp folder left over, and nowhere in clear in the data dir (database, WAL, storage).
 */
describe('planted secrets are found nowhere', () => {
  let o: ObservedServer;
  let dataDir: string;
  let rx: Receiver;
  let responses: ObservedServer['responses'] = [];
  let serverOutput = '';
  const ids: Record<string, string> = {};
  const call = (method: string, p: string, body?: unknown) => o.call(method, p, body);
  const ok = (method: string, p: string, body?: unknown): Promise<any> => o.ok(method, p, body);
  const finished = async (jobPath: string): Promise<any> =>
    until(`${jobPath} ends`, 60_000, async () => {
      const job = await ok('GET', jobPath);
      return ['JOB_COMPLETED', 'SYNC_FAILED', 'ETL_FAILED', 'EXPORT_FAILED', 'JOB_CANCELLED'].includes(job.status) ? job : undefined;
    });

  before(async () => {
    o = await startObservedServer('planted', ENV, KEY);
    ({ dataDir, rx, responses } = o);
    const out = path.join(dataDir, 'warehouse');
    await fs.mkdir(out);
    await ok('PUT', `/${ENV}/connectors/tap-plant`, { kind: 'source', command: [process.execPath, fixture('tap-numbers.mjs')] });
    await ok('PUT', `/${ENV}/connectors/target-plant`, { kind: 'target', command: [process.execPath, fixture('target-jsonl.mjs')] });
    await ok('PUT', `/${ENV}/settings`, {
      monitoring: {
        webhooks: { job_lifecycle: { url: `${rx.url}/jobs`, secret: PLANTED.webhook_secret } },
        datadog: { site: 'datadoghq.com', api_key: PLANTED.datadog_api_key },
        slack: { webhook_url: `${rx.url}/slack/${PLANTED.slack_path}` },
      },
    });
    const target = { connector: 'target-plant', config: { path: out, password: PLANTED.flow_target_password } };
    await ok('PUT', `/${ENV}/flows/plant`, { name: 'plant', type: 'v1-source', connectors: ['tap-plant'], target });
    await ok('PUT', `/${ENV}/flows/plant2`, { name: 'plant2', type: 'v2', connectors: ['tap-plant'], target });
    await ok('POST', `/${ENV}/plant/acme/linkedSources`, {
      source: { tap: 'tap-plant', config: { records: 4, password: PLANTED.link_password } },
    });
    await ok('POST', `/v2/${ENV}/plant2/acme/linkedConnectors`, {
      connector_id: 'tap-plant',
      config: { records: 4, password: PLANTED.link_v2_password },
    });
    await ok('PUT', `/${ENV}/plant/acme/jobs/schedule`, {
      schedule_expression: '0 0 1 1 *',
      state: 'DISABLED',
      override_source_config: { records: 2, password: PLANTED.schedule_override },
    });

    const v1 = await ok('POST', `/${ENV}/plant/acme/jobs`, { override_target_config: { path: out, password: PLANTED.job_override } });
    const v2 = await ok('POST', `/v2/${ENV}/plant2/acme/jobs`, { job_type: 'read' });
    ids.v1 = v1.job_id;
    ids.v2 = v2.job_id;
    const v1Job = await finished(`/${ENV}/plant/acme/jobs/${v1.job_id}`);
    assert.equal(v1Job.status, 'JOB_COMPLETED', v1Job.error);
    ids.v1Root = v1Job.s3_root;
    const v2Job = await finished(`/v2/${ENV}/plant2/acme/jobs/${v2.job_id}`);
    assert.equal(v2Job.status, 'JOB_COMPLETED', v2Job.error);
    // The webhook is signed with the planted secret: it is in use, not merely stored.
    const delivered = await rx.waitFor((all) =>
      all.some((r) => r.path === '/jobs' && r.body?.job_id === v1.job_id && r.body?.status === 'JOB_COMPLETED'),
    );
    const hook = delivered.find((r) => r.path === '/jobs' && r.body?.job_id === v1.job_id)!;
    const signature = crypto.createHmac('sha1', PLANTED.webhook_secret).update(hook.rawBody).digest('hex');
    assert.ok(String(hook.headers['x-hub-signature']).includes(signature), 'the webhook is signed with the planted secret');

    // Every GET route the API documents, with this deployment's ids filled in.
    const doc = await ok('GET', '/openapi.json');
    const event = (await ok('GET', `/${ENV}/events`))[0];
    for (const route of Object.keys(doc.paths)) {
      if (!doc.paths[route].get) continue;
      const v2Route = route.startsWith('/v2/');
      const filled = route
        .replace('{env}', ENV)
        .replace('{flow}', v2Route ? 'plant2' : 'plant')
        .replace('{tenant}', 'acme')
        .replace('{job_id}', v2Route ? ids.v2! : ids.v1!)
        .replace('{id}', 'target-plant')
        .replace('{event_id}', event?.event_id ?? 'none')
        .replace('{name}', 'users');
      await call('GET', route.endsWith('/jobs/status') ? `${filled}?job_root=${encodeURIComponent(ids.v1Root!)}` : filled);
    }
    serverOutput = await o.stopAndReadOutput();
  });
  after(() => o.dispose());

  const leaksIn = (where: string, text: string): string[] =>
    SECRETS.filter((s) => text.includes(s)).map((s) => `${where}: ${s.split('-').slice(0, -1).join('-')}`);

  test('no API response shows a planted secret (every GET route of /openapi.json)', (t) => {
    const gets = responses.filter((r) => r.route.startsWith('GET '));
    assert.ok(gets.length >= 35, `${gets.length} GET routes called`);
    const answered = gets.filter((r) => r.status === 200).length;
    assert.ok(
      answered >= 30,
      `only ${answered} of ${gets.length} GET routes answered 200: ${gets
        .filter((r) => r.status !== 200)
        .map((r) => `${r.route} ${r.status}`)
        .join(', ')}`,
    );
    const leaks = responses.flatMap((r) => leaksIn(r.route, r.text));
    reportSecrets(t, SECRETS.length, leaks.length, `${responses.length} API responses`);
    assert.deepEqual(leaks, []);
    t.diagnostic(
      `${SECRETS.length} secrets planted; ${responses.length} responses read (${gets.length} GET routes, ${answered} answered 200)`,
    );
  });

  test("no line of the server's output (its logs, its job processes) shows one", (t) => {
    assert.ok(serverOutput.includes('JOB_COMPLETED') || serverOutput.length > 1000, 'the server logged');
    const leaks = leaksIn('server output', serverOutput);
    reportSecrets(t, SECRETS.length, leaks.length, "the server's output");
    assert.deepEqual(leaks, []);
  });

  test('no event and no webhook body carries one', (t) => {
    const bodies = rx.received
      .filter((r) => r.path === '/jobs')
      .map((r) => r.rawBody)
      .join('\n');
    assert.ok(bodies.includes('JOB_COMPLETED'));
    const leaks = leaksIn('webhook bodies', bodies);
    reportSecrets(t, SECRETS.length, leaks.length, 'webhook bodies');
    assert.deepEqual(leaks, []);
  });

  test('no file in the data dir (database, WAL, job roots, logs, storage) holds one in clear', async (t) => {
    const files = await filesUnder(dataDir);
    t.diagnostic(`${files.length} files of the data dir read`);
    assert.ok(
      files.some((f) => f.includes(ids.v1!)),
      'the job root is there',
    );
    const leaks: string[] = [];
    for (const f of files) leaks.push(...leaksIn(path.relative(dataDir, f), (await fs.readFile(f)).toString('latin1')));
    reportSecrets(t, SECRETS.length, leaks.length, `${files.length} files of the data dir`);
    assert.deepEqual(leaks, []);
  });

  test('no temp folder left over holds one', async (t) => {
    const root = path.join(os.tmpdir(), `sinew-${os.userInfo().uid}`);
    const files = await filesUnder(root).catch(() => [] as string[]);
    const leaks: string[] = [];
    // Other suites' jobs may be running beside this one: only this server's secrets count.
    for (const f of files) leaks.push(...leaksIn(f, await fs.readFile(f, 'latin1').catch(() => '')));
    reportSecrets(t, SECRETS.length, leaks.length, "Sinew's temp root");
    assert.deepEqual(leaks, []);
  });
});
