import type { Page } from 'puppeteer-core';
import { type LocalStack, startLocalStack } from '../support/local-stack';
import { type LaunchedBrowser, launchChromium } from '../tracker/support/browser';
import { clickButton, fill, signIn, waitForText } from './support/dashboard-page';
import { screenshot } from './support/screenshots';

/** The Settings view's channel-rule and affiliate-pattern editors, in real Chromium against `npm start`. */
describe('dashboard settings: channel rules and affiliate links', () => {
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

  it('saves a rule and patterns typed into the labelled editors', async () => {
    // Prepare
    await page.goto(settingsUrl, { waitUntil: 'networkidle0' });
    await clickButton(page, 'Add rule');

    // Act
    await fill(page, '::-p-aria(Channel)', 'Partners');
    await fill(page, '::-p-aria(Source)', '/^partner-(a|b)$/i');
    await fill(page, '::-p-aria(Medium)', 'referral');
    await fill(page, 'textarea', 'amzn.to/*\n*.awin1.com/cread.php*');
    await clickButton(page, 'Save settings');
    await waitForText(page, 'Saved.');

    // Assess
    expect(await stored()).toMatchObject({
      channelRules: [{ channel: 'Partners', when: { source: '/^partner-(a|b)$/i', medium: 'referral' } }],
      affiliatePatterns: ['amzn.to/*', '*.awin1.com/cread.php*'],
    });
    await page.reload({ waitUntil: 'networkidle0' });
    expect(await page.$eval('::-p-aria(Channel)', (el) => (el as HTMLInputElement).value)).toBe('Partners');
    await screenshot(page, 'settings-classification-saved');
  }, 60_000);

  it('names the rule and condition the server refused, keeping what was stored', async () => {
    // Prepare
    await page.goto(settingsUrl, { waitUntil: 'networkidle0' });

    // Act
    await fill(page, '::-p-aria(Source)', '/partner-(a/');
    await clickButton(page, 'Save settings');

    // Assess
    const alert = await page.waitForSelector('[role=alert]');
    expect(await alert?.evaluate((el) => el.textContent)).toMatch(/^Channel rule 1, source: /);
    await screenshot(page, 'settings-classification-refused');
    expect((await stored()).channelRules).toEqual([
      { channel: 'Partners', when: { source: '/^partner-(a|b)$/i', medium: 'referral' } },
    ]);
  }, 60_000);
});
