import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { openBrowser, type TestBrowser } from '../support/browser.js';
import { eventsSettled } from '../support/events-settled.js';
import { type Harness, startHarness } from '../support/sinew-harness.js';
import { registerTestConnectors, sourceFlow } from '../support/singer-flow.js';
import { until } from '../support/until.js';
import { open, signIn } from './dashboard-page.js';

/** A loopback webhook receiver that answers 200 and keeps each body's event id. */
async function receiver(): Promise<{ url: string; ids: string[]; close(): Promise<void> }> {
  const ids: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => {
      ids.push(String(req.headers['x-sinew-event-id'] ?? (JSON.parse(body) as { event_id?: string }).event_id ?? body));
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    ids,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

describe('the dashboard: tenants, events, keys', () => {
  let h: Harness;
  let browser: TestBrowser;
  let hook: Awaited<ReturnType<typeof receiver>>;
  let jobId: string;

  before(async () => {
    [h, browser, hook] = await Promise.all([startHarness(), openBrowser('dashboard'), receiver()]);
    const { tap, target } = await registerTestConnectors(h, 'node');
    const put = await h.api('PUT', `/${h.envId}/settings`, { monitoring: { webhooks: { job_lifecycle: { url: hook.url } } } });
    assert.equal(put.status, 200, put.text);
    await sourceFlow(h, {
      flow: 'crm',
      tap,
      target,
      outDir: await h.tmp('out'),
      tenant: 'globex',
      sourceConfig: { records: 20, state_every: 5 },
    });
    const job = await h.waitForJob('crm', 'globex', (await h.api('POST', `/${h.envId}/crm/globex/jobs`, {})).body.job_id);
    assert.equal(job.status, 'JOB_COMPLETED', job.error);
    jobId = job.job_id;
    const schedule = await h.api('PUT', `/${h.envId}/crm/globex/jobs/schedule`, {
      schedule_expression: '0 3 * * *',
      state: 'ENABLED',
      tap,
    });
    assert.equal(schedule.status, 200, schedule.text);
    await eventsSettled(h, jobId);
  });
  after(async () => {
    await browser?.close();
    await hook?.close();
    await h?.stop();
  });

  test("a link's state is edited, then reset after a confirmation", async () => {
    const page = await browser.page();
    // The state block's text passes a check (written as page-side JavaScript).
    // Locator waits, not waitForFunction: the dashboard's CSP forbids the eval a string predicate needs.
    const stateShows = (text: string | RegExp) => page.locator('[data-testid=link-state]', { hasText: text }).waitFor();
    await signIn(page, h, '#/tenants');
    await page.getByRole('link', { name: 'globex', exact: true }).click();
    await page.getByRole('heading', { name: 'Tenant globex' }).waitFor();
    await stateShows('bookmarks');
    await page.getByRole('table', { name: 'Recent jobs' }).or(page.locator('table.jobs')).getByText(jobId).waitFor();
    await page.getByText('0 3 * * * (ENABLED)').waitFor();
    await browser.screenshot(page, 'tenant');

    await page.getByRole('button', { name: 'Edit state' }).click();
    await page.getByLabel('State (JSON)').fill('{ "bookmarks": { "users": { "replication_key_value": 42 } } }');
    await page.getByRole('button', { name: 'Save state' }).click();
    await page.getByRole('status').filter({ hasText: 'State saved' }).waitFor();
    await stateShows('"replication_key_value": 42');
    assert.deepEqual((await h.api('GET', `/${h.envId}/crm/globex/linkedSources/state`)).body, {
      bookmarks: { users: { replication_key_value: 42 } },
    });

    await page.getByRole('button', { name: 'Reset state' }).click();
    await page.getByRole('button', { name: 'Yes, reset state' }).click();
    await page.getByRole('status').filter({ hasText: 'State reset' }).waitFor();
    await stateShows(/^\s*\{\}\s*$/);
    assert.deepEqual((await h.api('GET', `/${h.envId}/crm/globex/linkedSources/state`)).body, {});
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('an event is redelivered to the loopback receiver, and the new attempt is shown', async () => {
    const completed = (await h.api('GET', `/${h.envId}/events?kind=job_lifecycle&limit=50`)).body.find(
      (e: { payload: { job_id: string; status: string } }) => e.payload.job_id === jobId && e.payload.status === 'JOB_COMPLETED',
    );
    const received = hook.ids.length;
    const page = await browser.page();
    await signIn(page, h, '#/events');
    await page.getByRole('table', { name: 'Events' }).getByRole('link').first().waitFor();
    await open(page, `#/events?event=${completed.event_id}`);
    const attempts = page.getByRole('table', { name: 'Attempts to webhook' }).locator('tbody tr');
    await attempts.first().waitFor();
    assert.equal(await attempts.count(), 1);
    await page.getByRole('button', { name: 'Redeliver to webhook' }).click();
    await until('a second attempt shown', 15_000, async () => ((await attempts.count()) === 2 ? true : undefined));
    assert.match(await attempts.nth(1).innerText(), /delivered[\s\S]*200/);
    assert.ok(hook.ids.length > received, 'the receiver got the event again');
    await browser.screenshot(page, 'events');
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('a key is created (its secret shown once) and revoked', async () => {
    const page = await browser.page();
    await signIn(page, h, '#/settings');
    await page.getByLabel('Kind').selectOption('environment');
    await page.getByLabel('Name').fill('ci deploys');
    await page.getByRole('button', { name: 'Create key' }).click();
    const secret = (await page.getByLabel('New key secret').innerText()).trim();
    assert.equal((await h.api('GET', `/${h.envId}/keys`, undefined, { key: secret })).status, 200, 'the new key works');
    await page.getByRole('button', { name: 'I have copied it' }).click();
    assert.equal(await page.getByText(secret).count(), 0, 'the secret is gone from the page');
    const row = page.getByRole('table', { name: 'Keys' }).locator('tr', { hasText: 'ci deploys' });
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByRole('button', { name: 'Yes, revoke' }).click();
    await row.waitFor({ state: 'detached' });
    assert.equal((await h.api('GET', `/${h.envId}/keys`, undefined, { key: secret })).status, 401, 'the revoked key is refused');
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('retention is set on the settings page; a value the API refuses, or the browser cannot read, is not saved', async () => {
    const page = await browser.page();
    await signIn(page, h, '#/settings');
    const jobs = page.getByLabel('Keep finished jobs (days)');
    const events = page.getByLabel('Keep settled events (days)');
    const save = page.getByRole('button', { name: 'Save retention' });
    const retention = async () => (await h.api('GET', `/${h.envId}/settings`)).body.retention;
    await jobs.fill('30');
    await save.click();
    await page.getByRole('status').filter({ hasText: 'Retention saved' }).waitFor();
    assert.deepEqual(await retention(), { jobs_days: 30, events_days: null }, 'an empty field keeps them forever');
    await browser.screenshot(page, 'settings-retention');

    await events.fill('0');
    await save.click();
    await page.getByRole('alert').filter({ hasText: 'VALIDATION_FAILED' }).waitFor();
    assert.deepEqual(await retention(), { jobs_days: 30, events_days: null }, '0 days is refused by the API');

    await events.fill('');
    await events.pressSequentially('1e');
    await save.click();
    await page.getByRole('alert').filter({ hasText: 'not a number of days' }).waitFor();
    assert.deepEqual(await retention(), { jobs_days: 30, events_days: null }, 'unreadable text is not saved as forever');

    await events.fill('14');
    await save.click();
    await page.getByRole('status').filter({ hasText: 'Retention saved' }).waitFor();
    assert.deepEqual(await retention(), { jobs_days: 30, events_days: 14 });
    // The console's one complaint is the 400 asked for above; the unreadable value never left the page.
    assert.deepEqual(page.errors, ['Failed to load resource: the server responded with a status of 400 (Bad Request)']);
    await page.close();
  });

  test('the other pages render: tenants, flows and connectors (registering a Singer connector), overview', async () => {
    const page = await browser.page();
    await signIn(page, h, '#/tenants');
    await page.getByRole('link', { name: 'globex', exact: true }).waitFor();
    await browser.screenshot(page, 'tenants');
    await open(page, '#/flows');
    await page.getByRole('heading', { name: 'crm (crm)' }).waitFor();
    await page.getByLabel('Connector id').fill('tap-dashboard');
    await page.getByLabel('Command').fill(`${process.execPath} "/opt/taps/tap dashboard.mjs"`);
    await page.getByRole('button', { name: 'Register' }).click();
    await page.getByRole('status').filter({ hasText: 'Registered tap-dashboard' }).waitFor();
    const def = (await h.api('GET', `/${h.envId}/connectors/tap-dashboard`)).body;
    assert.deepEqual(def.runtime.command, [process.execPath, '/opt/taps/tap dashboard.mjs']);
    await browser.screenshot(page, 'flows');
    await open(page, '#/jobs');
    await page.locator('table.jobs tbody tr').first().waitFor();
    await browser.screenshot(page, 'jobs');
    await open(page, '#/overview');
    await page.getByRole('img', { name: /Durations of the last 1 finished jobs/ }).waitFor();
    await browser.screenshot(page, 'overview-with-jobs');
    // Readable at a small laptop's width: nothing wider than the window.
    await page.setViewportSize({ width: 1024, height: 700 });
    assert.ok(
      await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth + 1'),
      'no horizontal scroll at 1024 px',
    );
    assert.deepEqual(page.errors, []);
    await page.close();
  });
});
