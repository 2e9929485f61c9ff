import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'puppeteer-core';
import { queryLake } from '../support/lake';
import { type LocalStack, startLocalStack } from '../support/local-stack';
import { makeTempDir } from '../support/temp-dir';
import { type LaunchedBrowser, launchChromium } from './support/browser';

/**
 * The tracker against the real local runtime: pages served by `npm start`'s server, events
 * through the real collector and enrichment, assertions on the rows the lake holds.
 */
describe('tracker with the local runtime, into the lake', () => {
  let stack: LocalStack;
  let browser: LaunchedBrowser;
  let context: BrowserContext;
  let page: Page;
  let pages: { dir: string; cleanup: () => void };

  const writePage = (name: string, siteKey: string, attributes: string, body = '') =>
    writeFileSync(
      join(pages.dir, name),
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${name}</title>
<script>window.sightline=window.sightline||function(){(sightline.q=sightline.q||[]).push(arguments)}</script>
<script async src="/s.js" data-site="${siteKey}" ${attributes}></script></head>
<body><h1>${name}</h1>${body}</body></html>`,
    );

  beforeAll(async () => {
    pages = makeTempDir('sightline-pages-');
    stack = await startLocalStack({ staticRoots: { '/pages/': pages.dir } });
    writePage('consented.html', stack.siteKey, 'data-consent="granted"', '<a id="go" href="#">go</a>');
    writePage('withheld.html', stack.siteKey, '');
    browser = await launchChromium();
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    pages?.cleanup();
  });
  beforeEach(async () => {
    context = await browser.browser.createBrowserContext();
    page = await context.newPage();
  });
  afterEach(async () => {
    await context.close();
  });

  const rowsFor = async (title: string, extra = '') => {
    await new Promise((r) => setTimeout(r, 2_500)); // the tracker batches for up to 2 s
    await stack.settle();
    return queryLake(
      stack.dataDir,
      `select event_type, path, utm_source, click_id_type, ad_network, anonymous_id, session_id, cookieless,
              screen_width, viewport_width, language, timezone, browser, title
       from events where title = ? ${extra} order by event_time`,
      [title],
    );
  };

  it('stores a page view with campaign, click id, screen and identifiers, and SPA navigations as page views', async () => {
    await page.goto(`${stack.url}/pages/consented.html?utm_source=newsletter&gclid=abc123`, { waitUntil: 'load' });
    await page.waitForFunction(() => (window as { sightline?: { v?: string } }).sightline?.v);
    await page.evaluate(() => history.pushState({}, '', '/pages/consented.html/step-2'));
    await new Promise((r) => setTimeout(r, 600));

    const rows = await rowsFor('consented.html', "and event_type = 'page'");
    expect(rows.map((r) => r.path)).toEqual(['/pages/consented.html', '/pages/consented.html/step-2']);
    expect(rows[0]).toMatchObject({
      utm_source: 'newsletter',
      click_id_type: 'gclid',
      ad_network: 'google_ads',
      cookieless: false,
      browser: expect.stringMatching(/Chrom/),
    });
    expect(rows[0]?.anonymous_id).toEqual(expect.any(String));
    expect(rows[1]?.session_id).toBe(rows[0]?.session_id);
    expect(Number(rows[0]?.screen_width)).toBeGreaterThan(0);
    expect(Number(rows[0]?.viewport_width)).toBeGreaterThan(0);
    expect(rows[0]?.language).toEqual(expect.any(String));
    expect(rows[0]?.timezone).toEqual(expect.any(String));
  }, 60_000);

  it('sets no cookie and stores no identifier while consent is withheld', async () => {
    await page.goto(`${stack.url}/pages/withheld.html`, { waitUntil: 'load' });
    await page.waitForFunction(() => (window as { sightline?: { v?: string } }).sightline?.v);
    const rows = await rowsFor('withheld.html');
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row).toMatchObject({ anonymous_id: null, session_id: null, cookieless: true });
    expect(await page.cookies()).toEqual([]);
    expect(await page.evaluate(() => Object.keys(localStorage).length + Object.keys(sessionStorage).length)).toBe(0);
  }, 60_000);
});
