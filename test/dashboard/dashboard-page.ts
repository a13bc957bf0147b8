import type { Page } from 'playwright-core';
import type { Harness } from '../support/sinew-harness.js';

/** Signs in through the dashboard's own form, as a person would, and waits for the first page. */
export async function signIn(page: Page, h: Harness, hash = ''): Promise<void> {
  await page.goto(`${h.url}/${hash}`);
  await page.getByLabel('Environment id').fill(h.envId);
  await page.getByLabel('Environment key').fill(h.key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Pages', exact: true }).waitFor();
}

/** Goes to a page of the signed-in dashboard by its fragment (`#/jobs?…`). */
export async function open(page: Page, hash: string): Promise<void> {
  await page.evaluate(`window.location.hash = ${JSON.stringify(hash)}`);
}
