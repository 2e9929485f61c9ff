import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { type LocalStack, startLocalStack } from '../support/local-stack';
import { makeTempDir } from '../support/temp-dir';
import { type LaunchedBrowser, launchChromium } from '../tracker/support/browser';
import { type ApiInterceptor, type ApiMatcher, interceptApi } from './support/api-interceptor';
import { clickButton, signIn, waitForText } from './support/dashboard-page';
import { screenshot } from './support/screenshots';

/** Screenshots of this file go to test-output/dashboard-screenshots/view-states/. */
const SHOTS = 'view-states';
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844, isMobile: true, hasTouch: true };
/** An id nothing has: a person or company page that finds nothing. */
const UNKNOWN = randomUUID();
const LONG_PATH = '/fixture/blog/2026/why-first-party-visitor-intelligence-beats-five-vendors-stitched-together.html';
const VISITORS = [
  { userId: 'u-ada', email: 'ada@analytical-engines.example', name: 'Ada Lovelace', page: LONG_PATH },
  { userId: 'u-bob', email: 'bob@difference-engine.example', name: 'Bob Babbage', page: '/fixture/pricing.html' },
] as const;

interface ViewCase {
  /** File names and test titles. */
  readonly name: string;
  readonly path: string;
  /** Shows "No site yet" until the organization has a site. */
  readonly needsSite: boolean;
  /** What a fresh site with no events shows, and in which kind of state (`content` when it is plain text). */
  readonly empty: { readonly text: string; readonly state: 'empty' | 'error' | 'content' };
  /** What someone does on the view before it asks the API (a funnel's steps). */
  readonly act?: (page: Page) => Promise<void>;
  /** Shows a table once the site has had visits. */
  readonly table?: boolean;
}

const showFunnel = (page: Page) => clickButton(page, 'Show funnel');

/** Every view of the app (App.tsx's routes). */
const VIEWS: readonly ViewCase[] = [
  {
    name: 'overview',
    path: '/',
    needsSite: true,
    empty: { text: 'No visits in this range yet', state: 'empty' },
    table: true,
  },
  {
    name: 'realtime',
    path: '/realtime',
    needsSite: true,
    empty: { text: 'No events in the last 5 minutes', state: 'content' },
    table: true,
  },
  {
    name: 'pages',
    path: '/pages',
    needsSite: true,
    empty: { text: 'No page views in this range', state: 'empty' },
    table: true,
  },
  {
    name: 'sources',
    path: '/sources',
    needsSite: true,
    empty: { text: 'No sessions in this range', state: 'empty' },
    table: true,
  },
  {
    name: 'attribution',
    path: '/attribution',
    needsSite: true,
    empty: { text: 'No conversions in this range', state: 'empty' },
  },
  {
    name: 'geography',
    path: '/geography',
    needsSite: true,
    empty: { text: 'No visitors in this range', state: 'empty' },
    table: true,
  },
  {
    name: 'devices',
    path: '/devices',
    needsSite: true,
    empty: { text: 'No visitors in this range', state: 'empty' },
    table: true,
  },
  {
    name: 'funnels',
    path: '/funnels',
    needsSite: true,
    empty: { text: 'Nobody took step 1 in this range', state: 'empty' },
    act: showFunnel,
  },
  {
    name: 'retention',
    path: '/retention',
    needsSite: true,
    empty: { text: 'No visitors in this range', state: 'empty' },
    table: true,
  },
  {
    name: 'visitors',
    path: '/visitors',
    needsSite: true,
    empty: { text: 'No identified visitors yet', state: 'empty' },
    table: true,
  },
  {
    name: 'possible-matches',
    path: '/possible-matches',
    needsSite: true,
    empty: { text: 'No possible matches to review', state: 'empty' },
    // The two visitors below come from one browser and network within minutes: a soft link.
    table: true,
  },
  { name: 'person', path: `/visitors/${UNKNOWN}`, needsSite: false, empty: { text: 'Not found', state: 'error' } },
  {
    name: 'companies',
    path: '/companies',
    needsSite: true,
    empty: { text: 'No companies yet', state: 'empty' },
    table: true,
  },
  {
    name: 'company',
    path: `/companies/${UNKNOWN}`,
    needsSite: true,
    empty: { text: 'Not found', state: 'error' },
    table: true,
  },
  { name: 'sites', path: '/sites', needsSite: false, empty: { text: 'Waiting for the first event', state: 'content' } },
  {
    name: 'team',
    path: '/team',
    needsSite: false,
    empty: { text: 'Pending invitations', state: 'content' },
    table: true,
  },
  { name: 'settings', path: '/settings', needsSite: true, empty: { text: 'IPv4 bits kept', state: 'content' } },
];

/** A view's own API requests: everything but the session, and the site list the shell reads (except on Sites). */
const dataOf =
  (view: ViewCase): ApiMatcher =>
  (path) =>
    path.startsWith('/api/') &&
    path !== '/api/session' &&
    path !== '/api/config' &&
    (view.name === 'sites' || path !== '/api/sites');

/** Calls the API from the signed-in page, as the dashboard does (cookie and CSRF token). */
async function callApi<T>(page: Page, method: string, path: string, body?: unknown): Promise<T> {
  return page.evaluate(
    async (method, path, body) => {
      const session = await (await fetch('/api/session')).json();
      const response = await fetch(path, {
        method,
        headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
      return response.status === 204 ? undefined : response.json();
    },
    method,
    path,
    body,
  ) as Promise<T>;
}

/** What the phone check measures: sideways overflow of the page, and tables cut off inside their box. */
function phoneLayout(page: Page) {
  return page.evaluate(() => {
    const clipped = [...document.querySelectorAll<HTMLElement>('.table-wrap')]
      .filter((box) => box.scrollWidth > box.clientWidth + 1)
      .filter((box) => {
        const hint = box.nextElementSibling;
        return !(hint instanceof HTMLElement && hint.classList.contains('scroll-hint') && hint.offsetParent !== null);
      })
      .map((box) => box.querySelector('table')?.getAttribute('aria-label') ?? 'a table');
    return {
      overflow: document.documentElement.scrollWidth - window.innerWidth,
      tables: document.querySelectorAll('.content table').length,
      clipped,
    };
  });
}

/** Waits until `condition` holds on this side (the page's own waits see only the page). */
async function until(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const stateText = (page: Page, selector: string) =>
  page.$$eval(selector, (els) => els.map((el) => el.textContent ?? '').join(' | '));

/**
 * Every view of the dashboard in real Chromium against the local stack, in each state it can be
 * in: no site yet, a fresh site with no events, the API failing (with a retry that recovers), the
 * API slow, and with visits on a 390 px phone. Screenshots in test-output/dashboard-screenshots/view-states/.
 */
describe('every view in every state', () => {
  let stack: LocalStack;
  let chromium: LaunchedBrowser;
  let browser: Browser;
  let page: Page;
  let interceptor: ApiInterceptor;
  let pages: { dir: string; cleanup: () => void };
  let siteId = '';
  let siteQuery = '';

  const open = async (view: ViewCase, wait: 'networkidle0' | 'domcontentloaded' = 'networkidle0') => {
    await page.goto(`${stack.url}${view.path}${siteQuery}`, { waitUntil: wait });
    await page.waitForSelector('nav[aria-label=Main]');
    if (view.act) await view.act(page);
  };

  beforeAll(async () => {
    pages = makeTempDir('sightline-view-states-');
    stack = await startLocalStack({ staticRoots: { '/fixture/': pages.dir } });
    chromium = await launchChromium();
    browser = chromium.browser;
    page = await (await browser.createBrowserContext()).newPage();
    await page.setViewport(DESKTOP);
    interceptor = await interceptApi(page);
    await signIn(page, stack.url, stack.runtime.setup.adminEmail, stack.runtime.setup.adminPassword);
    // Start as an organization without sites: the first start's demo site goes.
    const { sites } = await callApi<{ sites: { id: string }[] }>(page, 'GET', '/api/sites');
    for (const site of sites) await callApi(page, 'DELETE', `/api/sites/${site.id}`);
  }, 180_000);
  afterAll(async () => {
    await chromium?.close();
    await stack?.stop();
    pages?.cleanup();
  });

  describe('before the organization has a site', () => {
    for (const view of VIEWS.filter((v) => v.needsSite)) {
      it(`points ${view.name} to creating a site`, async () => {
        // Act
        await page.goto(`${stack.url}${view.path}`, { waitUntil: 'networkidle0' });

        // Assess
        await page.waitForSelector('.state-empty');
        expect(await stateText(page, '.state-empty')).toContain('No site yet');
        expect(await page.$('.state-empty a[href="/sites"]')).not.toBeNull();
      }, 60_000);
    }

    it('says so on Sites', async () => {
      // Act
      await page.goto(`${stack.url}/sites`, { waitUntil: 'networkidle0' });

      // Assess
      await page.waitForSelector('.state-empty');
      expect(await stateText(page, '.state-empty')).toContain('No sites yet');
      await screenshot(page, `${SHOTS}/no-site-sites`);
    }, 60_000);
  });

  describe('on a fresh site with no events', () => {
    beforeAll(async () => {
      const created = await callApi<{ site: { id: string } }>(page, 'POST', '/api/sites', {
        domain: 'states-shop.example',
        name: 'States Shop',
      });
      await callApi(page, 'PATCH', `/api/sites/${created.site.id}`, { allowedOrigins: ['127.0.0.1'] });
      siteId = created.site.id;
      siteQuery = `?site=${siteId}`;
    }, 60_000);

    for (const view of VIEWS) {
      it(`shows ${view.name}'s empty message`, async () => {
        // Act
        await open(view);
        await waitForText(page, view.empty.text);

        // Assess
        if (view.empty.state !== 'content') {
          expect(await stateText(page, `.state-${view.empty.state}`)).toContain(view.empty.text);
        }
        expect(await page.$('.state-error button')).toBeNull();
        await screenshot(page, `${SHOTS}/empty-${view.name}`);
      }, 60_000);
    }
  });

  describe('when the API fails', () => {
    afterEach(() => interceptor.pass());

    for (const view of VIEWS) {
      it(`shows ${view.name}'s error state with a retry that recovers`, async () => {
        // Prepare
        interceptor.fail(dataOf(view));

        // Act
        await open(view);
        await page.waitForSelector('.state-error button');
        const failed = await stateText(page, '.state-error');
        await screenshot(page, `${SHOTS}/error-${view.name}`);
        interceptor.pass();
        await page.$$eval('.state-error button', (buttons) => {
          for (const b of buttons) (b as HTMLButtonElement).click();
        });
        await page.waitForFunction(() =>
          [...document.querySelectorAll('.state-error')].every((e) => !e.textContent?.includes('Something went wrong')),
        );
        await waitForText(page, view.empty.text);

        // Assess: inside the shell (not a blank page), said plainly, and gone once the API answers
        expect(failed).toContain('Something went wrong');
        expect(failed).toContain('The API failed (test)');
        expect(await page.$('nav[aria-label=Main]')).not.toBeNull();
        expect(await stateText(page, '.state-error')).not.toContain('Something went wrong');
      }, 60_000);
    }

    it('shows an error with a retry, inside the shell, when a view’s code cannot be downloaded', async () => {
      // Prepare: a browser that has never fetched the Pages view's code (none in its caches), which
      // then fails to download (a deployment replaced it, the network dropped)
      const context = await browser.createBrowserContext();
      const fresh = await context.newPage();
      await fresh.setViewport(DESKTOP);
      const files = await interceptApi(fresh);
      await signIn(fresh, stack.url, stack.runtime.setup.adminEmail, stack.runtime.setup.adminPassword);
      await fresh.goto(`${stack.url}/${siteQuery}`, { waitUntil: 'networkidle0' });
      files.fail((path) => /^\/assets\/Pages-[\w-]+\.js$/.test(path));

      // Act
      await fresh.click('nav[aria-label=Main] a[href^="/pages"]');
      await fresh.waitForSelector('.state-error button');

      // Assess
      expect(await stateText(fresh, '.state-error')).toContain('could not be downloaded');
      expect(await fresh.$('nav[aria-label=Main]')).not.toBeNull();
      await screenshot(fresh, `${SHOTS}/error-view-code`);
      await context.close();
    }, 60_000);
  });

  describe('while the API is slow', () => {
    afterEach(() => interceptor.release());

    for (const view of VIEWS) {
      it(`shows ${view.name} loading, then its answer`, async () => {
        // Prepare
        interceptor.hold(dataOf(view));

        // Act
        await open(view, 'domcontentloaded');
        await until(() => interceptor.held() > 0);
        const heldWhileLoading = interceptor.held();
        const loading = await stateText(page, '.content .state-loading');
        await screenshot(page, `${SHOTS}/loading-${view.name}`);
        interceptor.release();
        await waitForText(page, view.empty.text);
        const settled = await page
          .waitForFunction(() => document.querySelector('.content .state-loading') === null)
          .then(() => true);

        // Assess
        expect(heldWhileLoading).toBeGreaterThan(0);
        expect(loading).toContain('Loading');
        expect(settled).toBe(true);
      }, 60_000);
    }
  });

  describe('with visits, on a 390 px phone', () => {
    beforeAll(async () => {
      const { snippet } = await callApi<{ snippet: string }>(page, 'GET', `/api/sites/${siteId}/snippet`);
      for (const visitor of VISITORS) {
        const file = join(pages.dir, visitor.page.replace('/fixture/', ''));
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(
          file,
          `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Visit</title>${snippet}
<script>sightline('consent', { analytics: true });
sightline('identify', '${visitor.userId}', { email: '${visitor.email}', name: '${visitor.name}' });</script>
</head><body><h1>Visit</h1></body></html>`,
        );
        const context = await browser.createBrowserContext();
        const tab = await context.newPage();
        // As in dashboard.e2e.test.ts: headless Chromium is rightly a bot; this one stands in for a person.
        await tab.setUserAgent((await browser.userAgent()).replace('HeadlessChrome', 'Chrome'));
        await tab.evaluateOnNewDocument(() => Object.defineProperty(navigator, 'webdriver', { get: () => false }));
        await tab.goto(
          `${stack.url}${visitor.page}?utm_source=newsletter&utm_medium=email&utm_campaign=spring-launch-with-a-long-name`,
          { waitUntil: 'load' },
        );
        await tab.waitForFunction(() => (window as { sightline?: { v?: string } }).sightline?.v);
        await new Promise((resolve) => setTimeout(resolve, 2_500)); // the tracker batches for up to 2 s
        await context.close();
      }
      await stack.settle();
      await page.setViewport(PHONE);
      await page.goto(`${stack.url}/${siteQuery}`, { waitUntil: 'networkidle0' });
    }, 120_000);
    afterEach(() => interceptor.pass());

    /** Opens a view the way a phone user does: through the drawer, or a row's link on the list before it. */
    const reach = async (view: ViewCase) => {
      if (view.name === 'person' || view.name === 'company') {
        const list = view.name === 'person' ? '/visitors' : '/companies';
        await page.goto(`${stack.url}${list}${siteQuery}`, { waitUntil: 'networkidle0' });
        const link = await page.waitForSelector(`.content table a[href^="${list}/"]`);
        await link?.click();
        return;
      }
      await page.click('button[aria-label=Menu]');
      const link = await page.waitForSelector(`nav[aria-label=Main] a[href^="${view.path}?"]`, { visible: true });
      await link?.click();
      await page.waitForSelector('nav[aria-label=Main]', { hidden: true });
    };

    for (const view of VIEWS) {
      it(`fits ${view.name} on the phone: no sideways scroll, reachable, tables readable`, async () => {
        // Act
        await reach(view);
        await page.waitForFunction(
          (path: string) => (path === '/' ? location.pathname === '/' : location.pathname.startsWith(path)),
          {},
          view.path.replace(UNKNOWN, ''),
        );
        if (view.act) await view.act(page);
        // Not waitForNetworkIdle: requests held by the slow-API tests stay counted as in flight.
        await page.waitForFunction(
          () =>
            document.querySelector('.content h1') !== null &&
            document.querySelector('.content .state-loading') === null,
        );
        await new Promise((resolve) => setTimeout(resolve, 300)); // the table boxes measure themselves
        const layout = await phoneLayout(page);
        await screenshot(page, `${SHOTS}/phone-${view.name}`);

        // Assess
        expect(layout.overflow).toBeLessThanOrEqual(0);
        expect(layout.clipped).toEqual([]);
        if (view.table) expect(layout.tables).toBeGreaterThan(0);
        expect(await page.$('.state-error')).toBeNull();
      }, 60_000);
    }

    it('scrolls a cohort grid too wide for the phone inside its box, with a hint, the week column kept in view', async () => {
      // Prepare: a year of weekly cohorts (this site has one week of visits, so the grid is stood in for)
      const cohorts = Array.from({ length: 12 }, (_, c) => ({
        week: `2026-0${1 + Math.floor(c / 4)}-${String(5 + (c % 4) * 7).padStart(2, '0')}`,
        size: 100 - c,
        weeks: Array.from({ length: 12 - c }, (_, n) => ({ weekNumber: n, visitors: 50 - n, retention: 1 / (n + 1) })),
      }));
      interceptor.answer((path) => path.endsWith('/stats/retention'), { cohorts, range: { from: '2026-01-05' } });

      // Act
      await page.goto(`${stack.url}/retention${siteQuery}&period=90d`, { waitUntil: 'networkidle0' });
      await page.waitForSelector('table[aria-label=Cohorts]');
      await page.waitForSelector('.scroll-hint', { visible: true });
      const before = await page.$eval('table[aria-label=Cohorts] td', (td) => td.getBoundingClientRect().left);
      await page.$eval('.table-wrap', (box) => box.scrollBy({ left: 400 }));
      const after = await page.$eval('table[aria-label=Cohorts] td', (td) => td.getBoundingClientRect().left);
      const layout = await phoneLayout(page);
      await screenshot(page, `${SHOTS}/phone-retention-wide`);

      // Assess
      expect(layout.overflow).toBeLessThanOrEqual(0);
      expect(layout.clipped).toEqual([]);
      expect(await page.$eval('.scroll-hint', (p) => p.textContent)).toContain('Scroll sideways for later weeks');
      expect(after).toBe(before);
    }, 60_000);

    it('shows the breakdown’s priority columns on the phone and every column at 1280 px', async () => {
      // Act
      await page.goto(`${stack.url}/sources${siteQuery}`, { waitUntil: 'networkidle0' });
      const headings = () =>
        page.$$eval('table.breakdown th', (ths) =>
          ths.filter((th) => th.offsetParent !== null).map((th) => th.textContent),
        );
      const phone = await headings();
      await page.setViewport(DESKTOP);
      await page.waitForFunction(() => document.querySelectorAll('table.breakdown th').length > 0);
      const desktop = await headings();
      await page.setViewport(PHONE);

      // Assess
      expect(phone).toHaveLength(3);
      expect(phone[0]).toBe('Channel');
      expect(desktop.length).toBeGreaterThan(3);
      expect(desktop.slice(0, 3)).toEqual(phone);
    }, 60_000);
  });

  describe('Visitors filters', () => {
    beforeAll(async () => {
      await page.setViewport(DESKTOP);
    });

    it('filters visitors by company, keeping the filter in a link that opens the same list', async () => {
      // Prepare
      await page.goto(`${stack.url}/visitors${siteQuery}`, { waitUntil: 'networkidle0' });
      await waitForText(page, VISITORS[1].email);
      const companyId = await page.$eval('select[aria-label=Company]', (select) => {
        const option = [...(select as HTMLSelectElement).options].find((o) => o.text === 'analytical-engines.example');
        return option?.value ?? '';
      });

      // Act
      await page.select('select[aria-label=Company]', companyId);
      await page.waitForFunction(
        (email: string) => !(document.querySelector('table[aria-label=Persons]')?.textContent ?? '').includes(email),
        {},
        VISITORS[1].email,
      );
      const link = page.url();
      await page.goto(link, { waitUntil: 'networkidle0' });
      await waitForText(page, VISITORS[0].email);

      // Assess
      expect(new URL(link).searchParams.get('company')).toBe(companyId);
      expect(await page.$eval('select[aria-label=Company]', (s) => (s as HTMLSelectElement).value)).toBe(companyId);
      const rows = await page.$$eval('table[aria-label=Persons] tbody tr', (trs) => trs.map((tr) => tr.textContent));
      expect(rows).toHaveLength(1);
      expect(rows[0]).toContain(VISITORS[0].email);
      expect(rows[0]).toContain('analytical-engines.example');
      await screenshot(page, `${SHOTS}/visitors-by-company`);
    }, 60_000);

    it('keeps the search and the identified toggle in the link too, and clears them all', async () => {
      // Prepare
      await page.goto(`${stack.url}/visitors${siteQuery}`, { waitUntil: 'networkidle0' });
      await waitForText(page, VISITORS[1].email);

      // Act
      await page.type('input[type=search]', 'u-bo');
      await clickButton(page, 'Search');
      await page.click('label.check input[type=checkbox]');
      await page.waitForFunction(() => new URL(location.href).searchParams.get('identified') === 'false');
      await page.goto(page.url(), { waitUntil: 'networkidle0' });
      await waitForText(page, VISITORS[1].email);
      const linked = {
        url: new URL(page.url()).searchParams,
        search: await page.$eval('input[type=search]', (i) => (i as HTMLInputElement).value),
        identifiedOnly: await page.$eval('label.check input', (i) => (i as HTMLInputElement).checked),
        rows: await page.$$eval('table[aria-label=Persons] tbody tr', (trs) => trs.map((tr) => tr.textContent)),
      };
      await clickButton(page, 'Clear filters');
      await waitForText(page, VISITORS[0].email);

      // Assess
      expect(linked.url.get('q')).toBe('u-bo');
      expect(linked).toMatchObject({ search: 'u-bo', identifiedOnly: false });
      expect(linked.rows).toHaveLength(1);
      expect(linked.rows[0]).toContain(VISITORS[1].email);
      expect(new URL(page.url()).searchParams.get('q')).toBeNull();
    }, 60_000);

    it("leads from a company's page to Visitors filtered by it", async () => {
      // Prepare
      await page.goto(`${stack.url}/companies${siteQuery}`, { waitUntil: 'networkidle0' });
      const company = await page.waitForSelector('::-p-xpath(//a[text()="difference-engine.example"])');
      await company?.click();
      await waitForText(page, 'Filter Visitors by it');

      // Act
      const filter = await page.waitForSelector('::-p-xpath(//a[contains(., "Filter Visitors by it")])');
      await filter?.click();
      await page.waitForSelector('table[aria-label=Persons]');
      // The table is drawn before its rows arrive: wait for the filtered person, not just the table.
      await waitForText(page, VISITORS[1].email);

      // Assess
      expect(new URL(page.url()).pathname).toBe('/visitors');
      const rows = await page.$$eval('table[aria-label=Persons] tbody tr', (trs) => trs.map((tr) => tr.textContent));
      expect(rows).toHaveLength(1);
      expect(rows[0]).toContain(VISITORS[1].email);
    }, 60_000);
  });
});
