import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { buildWeb } from '../../scripts/build-web.js';

/**
 * A real browser for the faces' tests: Debian's Chromium (`apt-get install chromium`; .ci/run
 * installs it) driven by playwright-core, headless, kept off the network, with a fresh profile
 * per test file. The web bundles are built from the sources first, so a test never runs an old build.
 */
export const CHROMIUM = process.env.SINEW_TEST_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Screenshots are kept as artifacts here (not in git): test-artifacts/screenshots/<suite>/<name>.png. */
export const SCREENSHOT_DIR = fileURLToPath(new URL('../../test-artifacts/screenshots/', import.meta.url));

let built: Promise<unknown> | undefined;

export interface TestBrowser {
  context: BrowserContext;
  /** A new page whose uncaught errors and console errors are collected in `errors`. */
  page(viewport?: { width: number; height: number }): Promise<Page & { errors: string[] }>;
  /** Saves a full-page screenshot as test-artifacts/screenshots/<suite>/<name>.png; returns its path. */
  screenshot(page: Page, name: string): Promise<string>;
  close(): Promise<void>;
}

export async function openBrowser(suite: string): Promise<TestBrowser> {
  built ??= buildWeb();
  await built;
  const profile = await fs.mkdtemp(path.join(os.tmpdir(), 'sinew-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 800 },
  });
  const shots = path.join(SCREENSHOT_DIR, suite);
  await fs.mkdir(shots, { recursive: true });
  return {
    context,
    async page(viewport) {
      const page = (await context.newPage()) as Page & { errors: string[] };
      page.errors = [];
      if (viewport) await page.setViewportSize(viewport);
      page.on('pageerror', (e) => page.errors.push(String(e)));
      page.on('console', (m) => {
        if (m.type() === 'error') page.errors.push(m.text());
      });
      return page;
    },
    async screenshot(page, name) {
      const file = path.join(shots, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    async close() {
      await context.close();
      await fs.rm(profile, { recursive: true, force: true });
    },
  };
}
