import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FakeOAuthServer } from '../fakes/fake-oauth-server.js';
import { callerOf, setHubspotApp } from '../oauth/oauth-support.js';
import { tenantFolder, useFilesRoot } from '../security/files-root.js';
import { openBrowser, type TestBrowser } from '../support/browser.js';
import { type Harness, startHarness } from '../support/sinew-harness.js';
import { HostPage } from './host-page.js';
import { walkThroughWidget } from './widget-walk.js';

/** Page errors other than the API's refusals the walk provokes on purpose (the browser logs each 4xx). */
const unexpected = (errors: string[]): string[] => errors.filter((e) => !e.startsWith('Failed to load resource'));

const CONTACTS = 'id,name,email,phone\n1,Ann,ann@example.com,111\n2,Bob,bob@example.com,222\n';

/**
 * The widget end to end in real Chromium (issue #16): embedded in an owner's page on another origin,
 * and on the hosted page a magic link opens. One browser for the file.
 */
describe('the widget in a real browser', () => {
  let h: Harness;
  let browser: TestBrowser;
  let oauth: FakeOAuthServer;
  let host: HostPage;
  let root: string;
  let warehouse: string;

  before(async () => {
    h = await startHarness({ env: { SINEW_OUTBOUND_ALLOW_LOOPBACK: 'true' } });
    root = await useFilesRoot(h);
    warehouse = await h.tmp('warehouse');
    const flow = await h.api('PUT', `/${h.envId}/flows/crm`, {
      name: 'CRM sync',
      type: 'v2',
      connectors: ['csv', 'hubspot'],
      target: { connector: 'jsonl', config: { path: warehouse } },
    });
    assert.equal(flow.status, 200, flow.text);
    const publicKey = await h.sinew.services.environments.createPublicKey(h.envId);
    host = new HostPage(h, publicKey, 'acme');
    const hostUrl = await host.start();
    const settings = await h.api('PUT', `/${h.envId}/settings`, { widget: { allowed_origins: [hostUrl], name: 'Acme', color: '#0b7a5a' } });
    assert.equal(settings.status, 200, settings.text);
    oauth = await new FakeOAuthServer().start();
    // The host page's origin receives the pop-up's outcome (the OAuth app's return URLs name it).
    await setHubspotApp(callerOf(h.url, h.key), h.envId, h.url, oauth, { return_urls: [`${hostUrl}/`] });
    browser = await openBrowser('widget');
  });
  after(async () => {
    await browser?.close();
    await host?.stop();
    await oauth?.stop();
    await h?.stop();
  });

  test('embedded in the owner page: link by form and by OAuth pop-up, fields, schedule, sync now, unlink; events reach the host', async () => {
    await tenantFolder(root, 'acme', 'exports', { 'contacts.csv': CONTACTS });
    const page = await browser.page();
    await page.goto(host.url);
    await page.getByRole('button', { name: 'Integrations' }).click();
    await page.getByRole('dialog', { name: 'Integrations' }).waitFor();
    await walkThroughWidget({ h, browser, page, tenant: 'acme', flow: 'crm', warehouse, prefix: 'embedded' });
    const events = (await page.evaluate('window.sinewEvents')) as { event: string; payload: any }[];
    const names = events.map((e) => e.event);
    for (const e of ['connector:link-failed', 'connector:link', 'fieldmap:save', 'schedule:save', 'job:start', 'connector:unlink'])
      assert.ok(names.includes(e), `${e} in ${names.join(', ')}`);
    const failed = events.find((e) => e.event === 'connector:link-failed')!.payload;
    assert.equal(failed.reason.code, 'VALIDATION_FAILED');
    assert.equal(events.find((e) => e.event === 'connector:link')!.payload.tenant, 'acme');
    // Nothing secret reached the page: not the environment key, not an OAuth token.
    const html = await page.content();
    assert.ok(!JSON.stringify(events).includes(h.key) && !html.includes(h.key));
    for (const t of oauth.issued) assert.ok(!JSON.stringify(events).includes(t));
    // The host page's styles did not leak in, nor the widget's out.
    assert.equal(await page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily"), 'Georgia, serif');
    assert.deepEqual(unexpected(page.errors), []);
  });

  test('a narrow panel and a phone-sized viewport', async () => {
    const phone = await browser.page({ width: 390, height: 844 });
    await phone.goto(host.url);
    await phone.getByRole('button', { name: 'Integrations' }).click();
    await phone.getByRole('button', { name: 'Manage HubSpot CRM' }).waitFor();
    const box = await phone.getByRole('dialog', { name: 'Integrations' }).boundingBox();
    assert.ok(box && box.width <= 390, `panel fits: ${JSON.stringify(box)}`);
    await browser.screenshot(phone, 'phone-390x844');
    // Keyboard: Escape closes the panel.
    await phone.keyboard.press('Escape');
    await phone.getByRole('dialog').waitFor({ state: 'detached' });
    // Inline in a 340 px column of the host page.
    await phone.setViewportSize({ width: 1024, height: 800 });
    await phone.evaluate("Sinew.init({ ...window.sinewConfig, container: document.getElementById('narrow') }); Sinew.open()");
    const region = phone.getByRole('region', { name: 'Integrations' });
    await region.getByRole('button', { name: 'Manage HubSpot CRM' }).waitFor();
    assert.ok(((await region.boundingBox())?.width ?? 999) <= 340);
    await browser.screenshot(phone, 'narrow-panel-340');
    assert.deepEqual(unexpected(phone.errors), []);
    await phone.close();
  });

  test('a magic link: the hosted page, single use, the same screens', async () => {
    await tenantFolder(root, 'globex', 'exports', { 'contacts.csv': CONTACTS });
    const made = await h.api('POST', `/${h.envId}/connect`, { tenant: 'globex', flow_id: 'crm' });
    assert.equal(made.status, 200, made.text);
    assert.ok(made.body.url.startsWith(`${h.url}/connect#`));
    const page = await browser.page({ width: 390, height: 844 });
    await page.goto(made.body.url);
    await page.getByRole('heading', { name: 'Connect Acme' }).waitFor();
    // The token left the address bar once exchanged.
    assert.equal(new URL(page.url()).hash, '');
    await walkThroughWidget({ h, browser, page, tenant: 'globex', flow: 'crm', warehouse, prefix: 'magic-link' });
    assert.deepEqual(unexpected(page.errors), []);

    // Used once: a second browser tab with the same link is refused.
    const again = await browser.page();
    await again.goto(made.body.url);
    await again.getByRole('alert').filter({ hasText: 'already used' }).waitFor();
    await browser.screenshot(again, 'magic-link-used');
    await again.close();
  });
});
