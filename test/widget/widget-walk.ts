import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { TestBrowser } from '../support/browser.js';
import type { Harness } from '../support/sinew-harness.js';

const JOB_TIMEOUT = 60_000;

export interface WalkContext {
  h: Harness;
  browser: TestBrowser;
  page: Page;
  tenant: string;
  flow: string;
  /** The flow target's folder: what a job exported. */
  warehouse: string;
  /** Screenshot names are `<prefix>-<screen>`. */
  prefix: string;
}

/** The link as the owner sees it, or undefined. */
async function linkOf(c: WalkContext, connector: string): Promise<any> {
  const res = await c.h.api('GET', `/v2/${c.h.envId}/${c.flow}/${c.tenant}/linkedConnectors`);
  assert.equal(res.status, 200, res.text);
  return (res.body as any[]).find((l) => l.connector_id === connector);
}

/**
 * What a tenant does in the widget, the same in the embedded panel and on a magic link's page: link
 * csv through the form (a wrong path first, which shows Sinew's error), choose fields, set a schedule,
 * sync now and watch the job complete with only the chosen fields, unlink; then link HubSpot by OAuth
 * in a pop-up. Every wait is on a condition (Playwright's auto-waiting locators).
 */
export async function walkThroughWidget(c: WalkContext): Promise<void> {
  try {
    await walk(c);
  } catch (e) {
    // What the page showed when a step failed, beside the screens that worked.
    await c.browser.screenshot(c.page, `${c.prefix}-failed`).catch(() => undefined);
    throw e;
  }
}

async function walk(c: WalkContext): Promise<void> {
  const { page, browser, prefix } = c;
  page.setDefaultTimeout(15_000);
  await page.getByRole('button', { name: 'Connect CSV files' }).waitFor();
  await browser.screenshot(page, `${prefix}-1-connectors`);

  // The form, from csv's config schema; a path outside the tenant's folder is Sinew's error to show.
  await page.getByRole('button', { name: 'Connect CSV files' }).click();
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await page.getByText('Path is required.').waitFor();
  await page.getByLabel('Path').fill('../../other-tenant');
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await page.getByRole('alert').filter({ hasText: "tenant's own files folder" }).first().waitFor();
  await browser.screenshot(page, `${prefix}-2-connect-form-error`);
  await page.getByLabel('Path').fill('exports');
  await page.getByRole('button', { name: 'Connect', exact: true }).click();

  // Fields: refresh the catalog (discover), keep id and name, drop email and phone.
  await page.getByRole('tab', { name: 'Fields' }).waitFor();
  assert.ok(await linkOf(c, 'csv'), 'csv is linked');
  await page.getByRole('button', { name: 'Refresh' }).click();
  await page.getByText('up to date').waitFor();
  await page.getByRole('checkbox', { name: 'email' }).uncheck();
  await page.getByRole('checkbox', { name: 'phone' }).uncheck();
  await page.getByLabel('Search streams and fields').fill('na');
  await browser.screenshot(page, `${prefix}-3-field-map-search`);
  await page.getByLabel('Search streams and fields').fill('');
  await page.getByRole('button', { name: 'Save fields' }).click();
  await page.getByText('Saved: the next sync uses these fields.').waitFor();
  await browser.screenshot(page, `${prefix}-4-field-map`);
  assert.deepEqual((await linkOf(c, 'csv')).field_map.contacts.fields, { id: true, name: true, email: false, phone: false });

  // Schedule, within the flow's limits.
  await page.getByRole('tab', { name: 'Schedule' }).click();
  await page.getByLabel('How often to sync').selectOption({ label: 'Every day (00:00 UTC)' });
  await page.getByRole('button', { name: 'Save schedule' }).click();
  await page.getByText('Saved: syncs run on this schedule.').waitFor();
  await browser.screenshot(page, `${prefix}-5-schedule`);
  const schedule = await c.h.api('GET', `/v2/${c.h.envId}/${c.flow}/${c.tenant}/jobs/schedule?connector_id=csv`);
  assert.equal(schedule.status, 200, schedule.text);
  assert.match(schedule.body.schedule_expression, /0 0 \* \* \*/);

  // Sync now, watched live until it completes; the export holds only the chosen fields.
  // The flow's one target folder takes both walks' exports: this walk reads only its own.
  await fs.rm(path.join(c.warehouse, 'contacts.jsonl'), { force: true });
  await page.getByRole('tab', { name: 'Syncs' }).click();
  await page.getByRole('button', { name: 'Sync now' }).click();
  await page.locator('tr[data-status=JOB_COMPLETED]').waitFor({ timeout: JOB_TIMEOUT });
  await browser.screenshot(page, `${prefix}-6-syncs`);
  const exported = (await fs.readFile(path.join(c.warehouse, 'contacts.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(exported.length, 2);
  for (const record of exported) {
    assert.equal(record.email, undefined, JSON.stringify(record));
    assert.equal(record.phone, undefined, JSON.stringify(record));
    assert.ok(record.name, JSON.stringify(record));
  }

  // Unlink, after a confirmation.
  await page.getByRole('tab', { name: 'Connection' }).click();
  await page.getByRole('button', { name: 'Disconnect…' }).click();
  await browser.screenshot(page, `${prefix}-7-unlink-confirm`);
  await page.getByRole('button', { name: 'Yes, disconnect' }).click();
  await page.getByRole('button', { name: 'Connect CSV files' }).waitFor();
  assert.equal(await linkOf(c, 'csv'), undefined);

  // OAuth: the pop-up goes to the provider and back to Sinew's callback, which tells the widget.
  await page.getByRole('button', { name: 'Connect HubSpot CRM' }).click();
  await browser.screenshot(page, `${prefix}-8-oauth-form`);
  await page.getByRole('button', { name: 'Sign in with HubSpot CRM' }).click();
  await page.getByRole('tab', { name: 'Fields' }).waitFor({ timeout: 20_000 });
  await page.getByText('Connected').waitFor();
  await browser.screenshot(page, `${prefix}-9-oauth-linked`);
  const hubspot = await linkOf(c, 'hubspot');
  assert.equal(hubspot?.health.status, 'ok');
  assert.equal(hubspot.config.access_token, '********');
}
