import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openBrowser, type TestBrowser } from '../support/browser.js';
import { type Harness, startHarness } from '../support/sinew-harness.js';
import { registerTestConnectors, sourceFlow } from '../support/singer-flow.js';
import { until } from '../support/until.js';
import { open, signIn } from './dashboard-page.js';

const ETL = fileURLToPath(new URL('../fixtures/etl/enrich-customers.ts', import.meta.url));

describe('the dashboard: jobs', () => {
  let h: Harness;
  let browser: TestBrowser;
  let tap: string;
  let target: string;
  let failedJobId: string;

  before(async () => {
    [h, browser] = await Promise.all([startHarness(), openBrowser('dashboard')]);
    ({ tap, target } = await registerTestConnectors(h, 'node'));
    // A flow whose ETL script rejects the data: an ETL_FAILED job among completed ones.
    const tenantDir = await h.tmp('csv');
    await fs.writeFile(path.join(tenantDir, 'customers.csv'), 'id,name\n1,Ann\n2,Bob\n');
    const etlFlow = await h.api('PUT', `/${h.envId}/flows/etl`, {
      name: 'etl',
      type: 'v1-source',
      connectors: ['csv'],
      target: { connector: 'jsonl', config: { path: await h.tmp('wh') } },
      etl: { script: ETL },
    });
    assert.equal(etlFlow.status, 200, etlFlow.text);
    for (const tenant of ['acme', 'initech']) {
      await h.api('POST', `/${h.envId}/etl/${tenant}/linkedSources`, { source: { tap: 'csv', config: { path: tenantDir } } });
    }
    await h.api('PUT', `/tenant/${h.envId}/acme/config`, { fail_after_snapshot: true });
    const runs = await Promise.all(
      ['acme', 'initech'].map(async (t) => h.waitForJob('etl', t, (await h.api('POST', `/${h.envId}/etl/${t}/jobs`, {})).body.job_id)),
    );
    assert.equal(runs[0].status, 'ETL_FAILED');
    assert.equal(runs[1].status, 'JOB_COMPLETED', runs[1].error);
    failedJobId = runs[0].job_id;
  });
  after(async () => {
    await browser?.close();
    await h?.stop();
  });

  test('signing in: a wrong key is refused, the key stays in sessionStorage only, sign out forgets it', async () => {
    const page = await browser.page();
    await page.goto(`${h.url}/`);
    await browser.screenshot(page, 'sign-in');
    await page.getByLabel('Environment id').fill(h.envId);
    await page.getByLabel('Environment key').fill('sk_wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'does not open that environment' }).waitFor();
    await page.getByLabel('Environment key').fill(h.key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.getByText('jobs, last 24 hours').waitFor();
    await page.getByRole('img', { name: /Jobs per day/ }).waitFor();
    assert.ok(!page.url().includes(h.key), 'the key is never in the URL');
    const stored = await page.evaluate<{ session: string; local: string; cookie: string }>(
      '({ session: JSON.stringify(sessionStorage), local: JSON.stringify(localStorage), cookie: document.cookie })',
    );
    assert.ok(stored.session.includes(h.key));
    assert.ok(!stored.local.includes(h.key) && !stored.cookie.includes(h.key));
    await browser.screenshot(page, 'overview');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Environment key').waitFor();
    assert.equal(await page.evaluate<number>('sessionStorage.length'), 0);
    // The browser logs the wrong key's 401 itself; nothing else went wrong.
    assert.deepEqual(page.errors, ['Failed to load resource: the server responded with a status of 401 (Unauthorized)']);
    await page.close();
  });

  test('a failed job is found through the filters, and its ETL error and ETL log are read', async () => {
    const page = await browser.page();
    await signIn(page, h, '#/jobs');
    await page.getByRole('heading', { name: 'Jobs' }).waitFor();
    await page.getByLabel('Status').selectOption({ label: 'Failed (any phase)' });
    await page.getByLabel('Tenant').fill('acme');
    await page.getByLabel('Tenant').press('Enter');
    const rows = page.locator('table.jobs tbody tr');
    await until('one ETL_FAILED job listed', 10_000, async () =>
      (await rows.count()) === 1 && (await rows.first().innerText()).includes('ETL_FAILED') ? true : undefined,
    );
    // The list may show the one failed job before the URL takes the tenant filter (there is only one to find).
    await until('the filters in the URL', 10_000, async () => (/status=.*ETL_FAILED.*tenant_id=acme/.test(page.url()) ? true : undefined));
    await browser.screenshot(page, 'jobs-filtered');
    await rows.first().getByRole('link', { name: failedJobId }).click();
    const error = page.getByRole('alert', { name: 'Job error' });
    await error.waitFor();
    assert.match(await error.innerText(), /customer data rejected by the owner's rules/);
    const logs = page.getByLabel('Job logs');
    // A locator wait, not waitForFunction: the dashboard's CSP forbids the eval a string predicate needs.
    await logs.filter({ hasText: '==> etl <==' }).waitFor();
    assert.match(await logs.innerText(), /==> etl <==[\s\S]*customer data rejected/);
    await page.getByRole('table', { name: 'Phase durations' }).getByText('etl').waitFor();
    await browser.screenshot(page, 'job-failed');
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('text typed in the tenant filter survives another filter changing before it is applied', async () => {
    const page = await browser.page();
    await signIn(page, h, '#/jobs');
    const tenant = page.getByLabel('Tenant');
    await tenant.fill('acme');
    // Another filter lands first (a navigation and a re-render) while the tenant is still being typed.
    await page.getByLabel('Status').selectOption({ label: 'Failed (any phase)' });
    await until('the status in the URL', 10_000, async () => (/status=.*ETL_FAILED/.test(page.url()) ? true : undefined));
    assert.equal(await tenant.inputValue(), 'acme', 'the typed tenant is still there');
    await tenant.press('Enter');
    await until('both filters in the URL', 10_000, async () => (/status=.*ETL_FAILED.*tenant_id=acme/.test(page.url()) ? true : undefined));
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('a running job is cancelled from its page', async () => {
    await sourceFlow(h, {
      flow: 'slow',
      tap,
      target,
      outDir: await h.tmp('out'),
      tenant: 'umbrella',
      sourceConfig: { records: 100_000, sleep_ms: 20 },
    });
    const job = (await h.api('POST', `/${h.envId}/slow/umbrella/jobs`, {})).body;
    await h.waitForJob('slow', 'umbrella', job.job_id, { until: (s) => s === 'SYNC_STARTED' });
    const page = await browser.page();
    await signIn(page, h, `#/jobs/slow/umbrella/${job.job_id}`);
    await page.getByRole('button', { name: 'Cancel job' }).click();
    await page.getByRole('button', { name: 'Yes, cancel job' }).click();
    await page.getByRole('heading', { name: /JOB_CANCELLED/ }).waitFor();
    assert.equal((await h.api('GET', `/${h.envId}/slow/umbrella/jobs/${job.job_id}`)).body.status, 'JOB_CANCELLED');
    await browser.screenshot(page, 'job-cancelled');
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('a job setting changed on the settings page takes effect on the next job', async () => {
    await sourceFlow(h, { flow: 'quick', tap, target, outDir: await h.tmp('out'), tenant: 'hooli', sourceConfig: { records: 5 } });
    const first = await h.waitForJob('quick', 'hooli', (await h.api('POST', `/${h.envId}/quick/hooli/jobs`, {})).body.job_id);
    assert.equal(first.status, 'JOB_COMPLETED', first.error);
    const page = await browser.page();
    await signIn(page, h, `#/jobs/quick/hooli/${first.job_id}`);
    const runAgain = async (): Promise<string> => {
      const before = page.url();
      await page.getByRole('button', { name: 'Run again' }).click();
      await page.waitForURL((u) => u.href !== before);
      await page.getByRole('heading', { name: /JOB_COMPLETED/ }).waitFor();
      return page.getByLabel('Sync type').innerText();
    };
    assert.equal(await runAgain(), 'incremental_sync', 'from the state the first job committed');

    await open(page, '#/settings');
    await page.getByRole('checkbox', { name: /force_full_sync/ }).check();
    await page.getByRole('button', { name: 'Save job settings' }).click();
    await page.getByRole('status').filter({ hasText: 'Job settings saved' }).waitFor();
    await browser.screenshot(page, 'settings');
    await page.goBack();
    assert.equal(await runAgain(), 'full_sync', 'the next job reads everything again');
    await browser.screenshot(page, 'job-completed');
    assert.deepEqual(page.errors, []);
    await page.close();
  });
});
