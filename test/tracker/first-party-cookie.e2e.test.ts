import type { BrowserContext, HTTPRequest, Page } from 'puppeteer-core';
import type { Payload } from '../../tracker-sdk/src/types';
import { queryLake } from '../support/lake';
import { type LocalStack, startLocalStack } from '../support/local-stack';
import { type LaunchedBrowser, launchChromium } from './support/browser';
import { type PageServer, startPageServer, trackerPage } from './support/page-server';

/**
 * The server-set first-party id cookie in real Chromium: the page on `www.shop.localhost`, the
 * collector (the whole local runtime) on `t.shop.localhost`, both same-site under the site's
 * domain `shop.localhost` (Chromium resolves every `*.localhost` to the loopback address).
 */
describe('first-party id cookie set by the collector', () => {
  let stack: LocalStack;
  let chromium: LaunchedBrowser;
  let pages: PageServer;
  let pageOrigin = '';
  let collectorOrigin = '';
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    stack = await startLocalStack();
    await stack.runtime.deps.sql.db
      .updateTable('sites')
      .set({ domain: 'shop.localhost' })
      .where('id', '=', stack.runtime.setup.demoSite.id)
      .execute();
    collectorOrigin = `http://t.shop.localhost:${stack.runtime.port}`;
    pages = await startPageServer((path) =>
      trackerPage(stack.siteKey, collectorOrigin, path === '/consented.html' ? 'data-consent="granted"' : ''),
    );
    pageOrigin = `http://www.shop.localhost:${pages.port}`;
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
  });
  afterEach(async () => {
    await context.close();
  });

  /** Opens a page and resolves with the first batch the tracker posted once the collector answered it. */
  const openAndCollect = async (path: string): Promise<Payload> => {
    const answered = page.waitForResponse(
      (r) => r.url() === `${collectorOrigin}/e` && r.request().method() === 'POST',
      { timeout: 15_000 },
    );
    await page.goto(`${pageOrigin}${path}`, { waitUntil: 'load' });
    const response = await answered;
    expect(response.status()).toBe(202);
    return JSON.parse((response.request() as HTTPRequest).postData() ?? '{}') as Payload;
  };
  const collectorCookies = async () =>
    (await page.cookies(`${collectorOrigin}/`, `${pageOrigin}/`)).filter((c) => c.domain === '.shop.localhost');

  it('stores the collector’s _sl_aid cookie on the site’s domain, with the anonymous id and a 400-day life', async () => {
    // Act
    const batch = await openAndCollect('/consented.html');

    // Assess
    const aid = batch.events[0]?.aid;
    expect(aid).toMatch(/^\w{20,28}$/);
    const [cookie] = await collectorCookies();
    expect(cookie).toMatchObject({ name: '_sl_aid', value: aid, domain: '.shop.localhost', sameSite: 'Lax' });
    const daysLeft = ((cookie?.expires ?? 0) * 1000 - Date.now()) / 86_400_000;
    expect(daysLeft).toBeGreaterThan(399);
  });

  it('keeps the visitor’s id through the server-set cookie when the script-set storage is gone', async () => {
    // Prepare: a first visit, then what ITP does to script-written storage after 7 days.
    const first = await openAndCollect('/consented.html');
    const aid = first.events[0]?.aid;
    await page.goto('about:blank'); // the first page's last beacon goes (and writes its storage) first
    const cdp = await page.createCDPSession();
    await cdp.send('Storage.clearDataForOrigin', { origin: pageOrigin, storageTypes: 'local_storage' });
    await cdp.send('Network.deleteCookies', { name: '_sl_aid', domain: 'www.shop.localhost' });
    expect((await page.cookies(`${pageOrigin}/`)).filter((c) => c.domain === 'www.shop.localhost')).toEqual([]);

    // Act
    const second = await openAndCollect('/consented.html?again');

    // Assess
    expect(second.events).toEqual([expect.objectContaining({ type: 'page', aid })]);
    await stack.settle();
    const rows = await queryLake(stack.dataDir, 'select distinct anonymous_id from events where url like ?', [
      `${pageOrigin}/consented.html%`,
    ]);
    expect(rows).toContainEqual({ anonymous_id: aid });
  });

  it('gets no cookie without consent', async () => {
    // Act
    const batch = await openAndCollect('/withheld.html');

    // Assess
    expect(batch.events[0]?.ctx?.cl).toBe(true);
    expect(await collectorCookies()).toEqual([]);
  });

  it('deletes the collector’s cookie when consent is withdrawn', async () => {
    // Prepare
    await openAndCollect('/consented.html');
    expect(await collectorCookies()).toHaveLength(1);

    // Act
    await page.evaluate(() => (window as unknown as { sightline: (...a: unknown[]) => void }).sightline('consent', {}));

    // Assess
    expect(await collectorCookies()).toEqual([]);
  });
});
