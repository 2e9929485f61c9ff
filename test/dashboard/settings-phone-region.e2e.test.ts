import type { Page } from 'puppeteer-core';
import { type LocalStack, startLocalStack } from '../support/local-stack';
import { type LaunchedBrowser, launchChromium } from '../tracker/support/browser';
import { clickButton, fill, signIn, waitForText } from './support/dashboard-page';
import { screenshot } from './support/screenshots';

/** The Settings view's default phone region, in real Chromium against `npm start`. */
describe('dashboard settings: default phone region', () => {
  let stack: LocalStack;
  let chromium: LaunchedBrowser;
  let page: Page;
  let settingsUrl = '';

  beforeAll(async () => {
    stack = await startLocalStack();
    chromium = await launchChromium();
    page = await (await chromium.browser.createBrowserContext()).newPage();
    await page.setViewport({ width: 1280, height: 800 });
    await signIn(page, stack.url, stack.runtime.setup.adminEmail, stack.runtime.setup.adminPassword);
    settingsUrl = `${stack.url}/settings?site=${stack.runtime.setup.demoSite.id}`;
  }, 180_000);
  afterAll(async () => {
    await chromium?.close();
    await stack?.stop();
  });

  const stored = async () =>
    (
      await stack.runtime.deps.sql.db
        .selectFrom('sites')
        .select('settings')
        .where('id', '=', stack.runtime.setup.demoSite.id)
        .executeTakeFirstOrThrow()
    ).settings;

  it('saves the region typed in lower case as its upper-case code', async () => {
    // Prepare
    await page.goto(settingsUrl, { waitUntil: 'networkidle0' });

    // Act
    await fill(page, '::-p-aria(Default phone region)', 'fr');
    await clickButton(page, 'Save settings');
    await waitForText(page, 'Saved.');

    // Assess
    expect((await stored()).phoneRegion).toBe('FR');
    await page.reload({ waitUntil: 'networkidle0' });
    expect(await page.$eval('::-p-aria(Default phone region)', (el) => (el as HTMLInputElement).value)).toBe('FR');
    await screenshot(page, 'settings-phone-region-saved');
  }, 60_000);

  it('names the field when the server refuses a region, keeping what was stored', async () => {
    // Prepare
    await page.goto(settingsUrl, { waitUntil: 'networkidle0' });

    // Act
    await fill(page, '::-p-aria(Default phone region)', 'XX');
    await clickButton(page, 'Save settings');

    // Assess
    const alert = await page.waitForSelector('[role=alert]');
    expect(await alert?.evaluate((el) => el.textContent)).toMatch(/^Phone region: /);
    expect((await stored()).phoneRegion).toBe('FR');
  }, 60_000);
});
