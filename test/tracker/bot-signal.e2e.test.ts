import type { BrowserContext, Page } from 'puppeteer-core';
import { queryLake } from '../support/lake';
import { type LocalStack, startLocalStack } from '../support/local-stack';
import { type LaunchedBrowser, launchChromium } from './support/browser';
import { type PageServer, startPageServer, trackerPage } from './support/page-server';

/**
 * `navigator.webdriver` from the tracker to the lake's `is_bot`: Puppeteer's Chromium is a
 * browser driven by automation, and says so. Its user agent is made an ordinary Chrome one, so
 * the `HeadlessChrome` token cannot be what gives it away.
 */
describe('headless-browser signal', () => {
  let stack: LocalStack;
  let chromium: LaunchedBrowser;
  let pages: PageServer;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    stack = await startLocalStack();
    pages = await startPageServer(() => trackerPage(stack.siteKey, stack.url, 'data-consent="granted"'));
    chromium = await launchChromium();
  }, 90_000);
  afterAll(async () => {
    await chromium?.close();
    await pages?.close();
    await stack?.stop();
  });
  beforeEach(async () => {
    context = await chromium.browser.createBrowserContext();
    page = await context.newPage();
    await page.setUserAgent((await chromium.browser.userAgent()).replace('HeadlessChrome', 'Chrome'));
  });
  afterEach(async () => {
    await context.close();
  });

  /** Opens the page; resolves with the id of the page view once the collector took it. */
  const visit = async (path: string): Promise<string> => {
    const answered = page.waitForResponse((r) => r.url() === `${stack.url}/e` && r.request().method() === 'POST');
    await page.goto(`${pages.url}${path}`, { waitUntil: 'load' });
    const response = await answered;
    expect(response.status()).toBe(202);
    const batch = JSON.parse(response.request().postData() ?? '{}') as { events: { id: string; type: string }[] };
    const view = batch.events.find((e) => e.type === 'page');
    await stack.settle();
    return view?.id ?? '';
  };
  const row = async (id: string) =>
    (await queryLake(stack.dataDir, 'select is_bot, bot_reason, properties from events where event_id = ?', [id]))[0];

  it('flags a page view from a browser reporting navigator.webdriver as a headless bot', async () => {
    // Prepare
    expect(await page.evaluate(() => navigator.webdriver)).toBe(true);

    // Act
    const id = await visit('/automated.html');

    // Assess
    const stored = await row(id);
    expect(stored).toMatchObject({ is_bot: true, bot_reason: 'headless' });
    expect(JSON.parse(String(stored?.properties))).toEqual({ $webdriver: true });
  });

  it('counts the same browser as a person when navigator.webdriver is false', async () => {
    // Prepare
    await page.evaluateOnNewDocument(() => Object.defineProperty(navigator, 'webdriver', { get: () => false }));

    // Act
    const id = await visit('/person.html');

    // Assess
    expect(await row(id)).toMatchObject({ is_bot: false, bot_reason: null, properties: null });
  });
});
