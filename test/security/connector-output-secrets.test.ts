import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, type TestContext, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Receiver } from '../events/test-receiver.js';
import { filesUnder } from '../support/files-under.js';
import { type ObservedServer, startObservedServer } from '../support/observed-server.js';
import { fixture } from '../support/singer-flow.js';
import { until } from '../support/until.js';
import { reportSecrets } from './attack-tally.js';

const TARGET = fileURLToPath(new URL('../fixtures/security/target-prints-config.mjs', import.meta.url));
const ENV = 'secrets.sinew.local';
const KEY = `sk_test_${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
const rand = (): string => Math.random().toString(36).slice(2, 10);
// A quote in the password: printed as JSON it comes out escaped (\"), which must be caught too.
const OWNER_PASSWORD = `owner-pw-${rand()}"q${rand()}`;
const OWNER_TOKEN = `owner-token-${rand()}`;
const LINK_PASSWORD = `link-pw-${rand()}`;
const OVERRIDE_SECRET = `override-${rand()}`;
const OWNER_USER = `owner-user-${rand()}`;
const b64 = (text: string): string => Buffer.from(text).toString('base64');
// The forms a client library prints them in: base64 of the password, of `user:password` (HTTP
// Basic), and base64url of the token.
const ENCODED = [b64(OWNER_PASSWORD), b64(`${OWNER_USER}:${OWNER_PASSWORD}`), Buffer.from(OWNER_TOKEN).toString('base64url')];
const SECRETS = [OWNER_PASSWORD, JSON.stringify(OWNER_PASSWORD).slice(1, -1), OWNER_TOKEN, LINK_PASSWORD, OVERRIDE_SECRET, ...ENCODED];
const FLOW = 'leaky';
const TENANT = 'leak-tenant';
const FAILED = ['SYNC_FAILED', 'ETL_FAILED', 'EXPORT_FAILED', 'DISCOVER_FAILED', 'JOB_COMPLETED', 'JOB_CANCELLED'];

function leaksIn(where: string, text: string): string[] {
  return SECRETS.filter((s) => text.includes(s)).map((s) => `${where} shows ${s}`);
}

/** Reports the leaks of `where` (issue #12's counts), then asserts there are none. */
function assertNoLeaks(t: TestContext, where: string, text: string): void {
  const leaks = leaksIn(where, text);
  reportSecrets(t, SECRETS.length, leaks.length, where);
  assert.deepEqual(leaks, []);
}

/**
 * A registered target that prints its config and password to stderr and exits 1 (issue #12, item
 * 4): the owner's target password, the tenant's link password and a job override are planted, and
 * none may come back in the job's error, its logs, its events, the webhook, the job root on disk
 * or the server's own output.
 */
describe('connector output is scrubbed of the job configs', () => {
  let o: ObservedServer;
  let dataDir: string;
  let rx: Receiver;
  let job: any;
  let logs = '';
  let events = '';
  let serverOutput = '';
  let exportDetails = '';
  const call = (method: string, p: string, body?: unknown) => o.call(method, p, body);
  const ok = (method: string, p: string, body?: unknown): Promise<any> => o.ok(method, p, body);

  before(async () => {
    o = await startObservedServer('scrub', ENV, KEY);
    ({ dataDir, rx } = o);
    await ok('PUT', `/${ENV}/connectors/tap-scrub`, { kind: 'source', command: [process.execPath, fixture('tap-numbers.mjs')] });
    await ok('PUT', `/${ENV}/connectors/target-prints-config`, { kind: 'target', command: [process.execPath, TARGET] });
    await ok('PUT', `/${ENV}/settings`, { monitoring: { webhooks: { job_lifecycle: { url: `${rx.url}/jobs` } } } });
    await ok('PUT', `/${ENV}/flows/${FLOW}`, {
      name: FLOW,
      type: 'v1-source',
      connectors: ['tap-scrub'],
      target: {
        connector: 'target-prints-config',
        config: { path: dataDir, username: OWNER_USER, password: OWNER_PASSWORD, api_token: OWNER_TOKEN },
      },
    });
    await ok('POST', `/${ENV}/${FLOW}/${TENANT}/linkedSources`, {
      source: { tap: 'tap-scrub', config: { records: 5, password: LINK_PASSWORD } },
    });
    const { job_id } = await ok('POST', `/${ENV}/${FLOW}/${TENANT}/jobs`, { override_target_config: { extra_secret: OVERRIDE_SECRET } });

    job = await until('the job ended', 60_000, async () => {
      const j = await ok('GET', `/${ENV}/${FLOW}/${TENANT}/jobs/${job_id}`);
      return FAILED.includes(j.status) ? j : undefined;
    });
    await rx.waitFor((all) => all.some((r) => r.body?.job_id === job_id && r.body?.status === job.status));
    logs = (await call('GET', `/${ENV}/${FLOW}/${TENANT}/jobs/${job_id}/logs`)).text;
    events = (await call('GET', `/${ENV}/events`)).text;
    exportDetails = (await call('GET', `/${ENV}/${FLOW}/${TENANT}/jobs/${job_id}/export?status=failure`)).text;
    serverOutput = await o.stopAndReadOutput();
  });
  after(() => o.dispose());

  test("the job fails with the target's own words, its secrets replaced by ***", (t) => {
    assert.equal(job.status, 'EXPORT_FAILED', JSON.stringify(job));
    assert.match(job.error, /target exited with code 1/);
    assert.match(job.error, /login failed for password \*\*\*/);
    assertNoLeaks(t, 'the job', JSON.stringify(job));
  });

  test('the logs served by the API keep what the target said, scrubbed', (t) => {
    assert.match(logs, /starting with config/);
    assert.match(logs, /\*\*\*/);
    assertNoLeaks(t, 'the job logs', logs);
  });

  test("a per-record write result's error keeps the target's words, its secrets (encoded ones too) replaced", (t) => {
    assert.match(exportDetails, /401 for Authorization: Basic \*\*\* \(password \*\*\*, \*\*\*\)/, exportDetails);
    assertNoLeaks(t, 'the export details', exportDetails);
    assert.match(logs, /request headers: Authorization: Basic \*\*\*; token as base64url \*\*\*/);
  });

  test('events and the webhook carry no secret', (t) => {
    assert.ok(events.includes('EXPORT_FAILED'), events);
    assertNoLeaks(t, 'GET /events', events);
    const bodies = rx.received.map((r) => r.rawBody).join('\n');
    assert.ok(bodies.includes('EXPORT_FAILED'), bodies);
    assertNoLeaks(t, 'the webhook', bodies);
  });

  test('no file in the data dir (job roots, the database and its WAL) holds a secret in clear', async (t) => {
    const files = await filesUnder(dataDir);
    assert.ok(
      files.some((f) => f.endsWith(path.join('logs', 'target.log'))),
      files.join('\n'),
    );
    const leaks: string[] = [];
    for (const f of files) leaks.push(...leaksIn(path.relative(dataDir, f), await fs.readFile(f, 'utf8')));
    reportSecrets(t, SECRETS.length, leaks.length, `${files.length} files of the data dir`);
    assert.deepEqual(leaks, []);
  });

  test("the server's output (its logs, its job processes) holds no secret", (t) => {
    assert.ok(serverOutput.length > 0);
    assertNoLeaks(t, 'the server output', serverOutput);
  });
});
