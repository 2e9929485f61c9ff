import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'puppeteer-core';
import { type LocalStack, startLocalStack } from '../support/local-stack';
import { makeTempDir } from '../support/temp-dir';
import { type LaunchedBrowser, launchChromium } from '../tracker/support/browser';
import { clickButton, fill, signIn, waitForText } from './support/dashboard-page';
import { screenshot } from './support/screenshots';

const VISITOR = { userId: 'user-e2e-1', email: 'e2e.visitor@example.com', name: 'E2E Visitor' };
const VIEWER = { email: 'viewer.e2e@example.com', password: 'viewer password 123' };

/**
 * The dashboard in real Chromium against the whole product in this process (`npm start`'s
 * runtime): sign in, create a site, install its snippet on a page, see the visit on Overview and
 * Realtime, find the identified visitor, and a viewer refused an admin action. Every step leaves
 * a screenshot in test-output/dashboard-screenshots/.
 */
describe('dashboard end to end', () => {
  let stack: LocalStack;
  let chromium: LaunchedBrowser;
  let browser: Browser;
  let admin: BrowserContext;
  let page: Page;
  let pages: { dir: string; cleanup: () => void };
  let siteQuery = '';

  beforeAll(async () => {
    pages = makeTempDir('sightline-dashboard-pages-');
    stack = await startLocalStack({ staticRoots: { '/fixture/': pages.dir } });
    chromium = await launchChromium();
    browser = chromium.browser;
    admin = await browser.createBrowserContext();
    page = await admin.newPage();
    await page.setViewport({ width: 1280, height: 800 });
  }, 180_000);
  afterAll(async () => {
    await chromium?.close();
    await stack?.stop();
    pages?.cleanup();
  });

  it('signs the owner in with the password of the first start', async () => {
    // Act
    await signIn(page, stack.url, stack.runtime.setup.adminEmail, stack.runtime.setup.adminPassword);

    // Assess
    await waitForText(page, 'admin@sightline.local · owner');
    const cookies = await page.cookies(`${stack.url}/api/session`);
    expect(cookies.find((c) => c.name === 'sl_session')).toMatchObject({
      httpOnly: true,
      sameSite: 'Strict',
      secure: true,
    });
    await screenshot(page, '01-signed-in-overview');
  }, 60_000);

  it('creates a site, allows the test origin and shows the snippet to copy', async () => {
    // Prepare
    await page.goto(`${stack.url}/sites`, { waitUntil: 'networkidle0' });

    // Act
    await fill(page, 'input[name=domain]', 'e2e-shop.example');
    await fill(page, 'input[name=name]', 'E2E Shop');
    await clickButton(page, 'Create site');
    await page.waitForSelector('[data-testid=new-site-snippet]');
    const snippet = await page.$eval('[data-testid=new-site-snippet]', (el) => el.textContent ?? '');
    const siteId = await page.evaluate(() => localStorage.getItem('sightline.site'));
    siteQuery = `?site=${siteId}`;
    await page.goto(`${stack.url}/sites${siteQuery}`, { waitUntil: 'networkidle0' });
    const card = await page.waitForSelector('::-p-xpath(//section[.//h2[text()="E2E Shop"]])');
    await card?.$eval('textarea', (el) => {
      (el as HTMLTextAreaElement).focus();
    });
    await page.keyboard.type('127.0.0.1');
    await card?.$eval('::-p-xpath(.//button[text()="Save origins"])', (el) => (el as HTMLButtonElement).click());
    await waitForText(page, 'Allowed origins saved.');

    // Assess
    expect(snippet).toMatch(new RegExp(`<script async src="${stack.url}/s\\.js" data-site="pk_[\\w-]+"></script>`));
    expect(await page.$eval('[data-testid=installation-status]', (el) => el.textContent)).toContain('Waiting');
    await screenshot(page, '02-site-created');

    // A landing page carrying the snippet, a consent banner's grant and a sign-in's identify call.
    writeFileSync(
      join(pages.dir, 'landing.html'),
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>E2E landing</title>
${snippet}
<script>sightline('consent', { analytics: true });
sightline('identify', '${VISITOR.userId}', { email: '${VISITOR.email}', name: '${VISITOR.name}' });</script>
</head><body><h1>E2E landing</h1></body></html>`,
    );
  }, 60_000);

  it('shows the visit on Overview and Realtime within seconds', async () => {
    // Prepare: a visitor opens the page in another browser profile
    const visitorContext = await browser.createBrowserContext();
    const visitor = await visitorContext.newPage();
    // Headless Chromium is rightly judged a bot (UA token, navigator.webdriver) and left out of every
    // report; this visitor passes for the person at a desktop browser the test stands in for.
    await visitor.setUserAgent((await browser.userAgent()).replace('HeadlessChrome', 'Chrome'));
    await visitor.evaluateOnNewDocument(() => Object.defineProperty(navigator, 'webdriver', { get: () => false }));
    await visitor.goto(`${stack.url}/fixture/landing.html?utm_source=newsletter&utm_campaign=e2e`, {
      waitUntil: 'load',
    });
    await visitor.waitForFunction(() => (window as { sightline?: { v?: string } }).sightline?.v);
    await new Promise((resolve) => setTimeout(resolve, 2_500)); // the tracker batches for up to 2 s
    await visitorContext.close();
    await stack.settle();

    // Act
    await page.goto(`${stack.url}/${siteQuery}&period=today`, { waitUntil: 'networkidle0' });
    await page.waitForFunction(
      () => document.querySelector('[aria-label=Totals] .kpi .kpi-value')?.textContent === '1',
      { timeout: 20_000 },
    );
    await screenshot(page, '03-overview-with-visit');
    await page.goto(`${stack.url}/realtime${siteQuery}`, { waitUntil: 'networkidle0' });
    await page.waitForFunction(() => document.querySelector('[data-testid=active-visitors]')?.textContent === '1', {
      timeout: 20_000,
    });

    // Assess
    await waitForText(page, '/fixture/landing.html');
    expect(await page.$eval('table[aria-label="Live events"]', (el) => el.textContent)).toContain('page');
    await screenshot(page, '04-realtime');
    await page.goto(`${stack.url}/sites${siteQuery}`, { waitUntil: 'networkidle0' });
    await waitForText(page, 'Receiving events');
  }, 90_000);

  it('finds the identified visitor and opens their page', async () => {
    // Act
    await page.goto(`${stack.url}/visitors${siteQuery}`, { waitUntil: 'networkidle0' });
    await fill(page, 'input[type=search]', VISITOR.email);
    await clickButton(page, 'Search');
    const link = await page.waitForSelector(`::-p-xpath(//a[text()="${VISITOR.email}"])`, { timeout: 20_000 });
    await screenshot(page, '05-visitors-search');
    await link?.click();
    await waitForText(page, 'Identities');

    // Assess
    const text = await page.evaluate(() => document.body.textContent ?? '');
    expect(text).toContain(VISITOR.userId);
    expect(text).toContain(VISITOR.name);
    expect(text).toContain('/fixture/landing.html');
    await screenshot(page, '06-person');
  }, 60_000);

  it('refuses a viewer an admin action, in the dashboard and on the server', async () => {
    // Prepare: the owner invites a viewer, who accepts in their own browser
    await page.goto(`${stack.url}/team${siteQuery}`, { waitUntil: 'networkidle0' });
    await fill(page, 'input[type=email]', VIEWER.email);
    await clickButton(page, 'Invite');
    const invite = await page.waitForSelector('[data-testid=invite-link]');
    const link = (await invite?.evaluate((el) => el.textContent)) ?? '';
    const viewerContext = await browser.createBrowserContext();
    const viewer = await viewerContext.newPage();
    await viewer.setViewport({ width: 1280, height: 800 });
    await viewer.goto(link, { waitUntil: 'networkidle0' });
    await fill(viewer, 'input[name=password]', VIEWER.password);
    await clickButton(viewer, 'Accept invitation');
    await waitForText(viewer, `${VIEWER.email} · viewer`);

    // Act
    await viewer.goto(`${stack.url}/sites${siteQuery}`, { waitUntil: 'networkidle0' });
    const refused = await viewer.evaluate(async () => {
      const session = await (await fetch('/api/session')).json();
      const response = await fetch('/api/sites', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
        body: JSON.stringify({ domain: 'viewer-made.example' }),
      });
      return { status: response.status, body: await response.json() };
    });

    // Assess
    expect(await viewer.$('input[name=domain]')).toBeNull();
    await waitForText(viewer, 'Creating sites and rotating keys needs the admin role.');
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/needs the admin role or higher; you are viewer/);
    await screenshot(viewer, '07-viewer-refused');
    await viewerContext.close();
  }, 60_000);

  it('is usable on a phone: no sideways scrolling, navigation in a drawer', async () => {
    // Prepare
    await page.setViewport({ width: 390, height: 844, isMobile: true, hasTouch: true });

    // Act
    await page.goto(`${stack.url}/${siteQuery}&period=today`, { waitUntil: 'networkidle0' });
    await page.waitForSelector('[aria-label=Totals]');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await screenshot(page, '08-phone-overview');
    await page.click('button[aria-label=Menu]');
    await page.waitForSelector('nav[aria-label=Main] a[href^="/sources"]', { visible: true });
    await screenshot(page, '09-phone-menu');

    // Assess
    expect(overflow).toBeLessThanOrEqual(0);
  }, 60_000);
});
