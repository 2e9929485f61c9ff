import type { Browser, Page } from 'puppeteer-core';
import { type LocalStack, startLocalStack } from '../support/local-stack';
import { type LaunchedBrowser, launchChromium } from '../tracker/support/browser';
import { type ApiInterceptor, interceptApi } from './support/api-interceptor';
import { clickButton, fill, signIn, waitForText } from './support/dashboard-page';
import { screenshot } from './support/screenshots';

/** Screenshots of this file go to test-output/dashboard-screenshots/possible-matches/. */
const SHOTS = 'possible-matches';
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844, isMobile: true, hasTouch: true };
const VIEWER = { email: 'matches.viewer@example.com', password: 'viewer password 456' };

/** Three pairs of persons, each typing one inbox two ways: the soft links the review lists. */
const PAIRS = {
  /** An anonymous visitor and a signed-in one: accepting merges them. */
  merge: [
    { anonymousId: 'pm-anon-margaret', email: 'margaret.hamilton@gmail.com' },
    { userId: 'u-margaret', email: 'margarethamilton+apollo@gmail.com' },
  ],
  /** Two different user ids: the identity rules refuse the merge (409). */
  refused: [
    { userId: 'u-grace-1', email: 'grace.hopper@gmail.com' },
    { userId: 'u-grace-2', email: 'gracehopper@gmail.com' },
  ],
  reject: [
    { anonymousId: 'pm-anon-alan-1', email: 'alan.turing@gmail.com' },
    { anonymousId: 'pm-anon-alan-2', email: 'alanturing+bletchley@gmail.com' },
  ],
} as const;

const rowOf = (email: string) => `::-p-xpath(//table[@aria-label="Possible matches"]//tr[contains(., "${email}")])`;
const buttonIn = (email: string, label: string) =>
  `::-p-xpath(//table[@aria-label="Possible matches"]//tr[contains(., "${email}")]//button[normalize-space(.)="${label}"])`;

/** Calls the API from a signed-in page, as the dashboard does (cookie and CSRF token); answers status and body. */
async function callApi(page: Page, method: string, path: string, body?: unknown) {
  return page.evaluate(
    async (method, path, body) => {
      const session = await (await fetch('/api/session')).json();
      const response = await fetch(path, {
        method,
        headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: response.status === 204 ? undefined : await response.json() };
    },
    method,
    path,
    body,
  );
}

const rowTexts = (page: Page) =>
  page.$$eval('table[aria-label="Possible matches"] tbody tr', (trs) => trs.map((tr) => tr.textContent ?? ''));

/**
 * Possible matches (soft links) in real Chromium against the whole product in this process: the
 * pairs come in as Segment identify calls through the collector, enrichment and identity
 * resolution, and are reviewed in the dashboard. Screenshots in test-output/dashboard-screenshots/possible-matches/.
 */
describe('possible matches in the dashboard', () => {
  let stack: LocalStack;
  let chromium: LaunchedBrowser;
  let browser: Browser;
  let page: Page;
  let interceptor: ApiInterceptor;
  let siteId = '';
  let matchesUrl = '';

  beforeAll(async () => {
    stack = await startLocalStack();
    siteId = stack.runtime.setup.demoSite.id;
    matchesUrl = `${stack.url}/possible-matches?site=${siteId}`;
    // Each person from a network and browser of their own, so the inboxes alone pair them.
    const people = Object.values(PAIRS).flat();
    const batch = people.map((person, n) => ({
      type: 'identify',
      messageId: `pm-identify-${n}`,
      ...person,
      email: undefined,
      traits: { email: person.email },
      context: { ip: `198.51.${n + 10}.7`, userAgent: `Mozilla/5.0 (X11; Linux x86_64) Firefox/${120 + n}.0` },
      timestamp: new Date().toISOString(),
    }));
    const sent = await fetch(`${stack.url}/v1/batch`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${stack.writeKey}:`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ batch }),
    });
    if (sent.status !== 200) throw new Error(`the collector answered ${sent.status}: ${await sent.text()}`);
    await stack.settle();
    chromium = await launchChromium();
    browser = chromium.browser;
    page = await (await browser.createBrowserContext()).newPage();
    await page.setViewport(DESKTOP);
    page.on('dialog', (dialog) => void dialog.accept());
    interceptor = await interceptApi(page);
    await signIn(page, stack.url, stack.runtime.setup.adminEmail, stack.runtime.setup.adminPassword);
  }, 180_000);
  afterAll(async () => {
    await chromium?.close();
    await stack?.stop();
  });
  afterEach(() => interceptor?.pass());

  it('lists each proposed pair with both persons linked to their pages, the signal, score and time', async () => {
    // Act
    await page.goto(matchesUrl, { waitUntil: 'networkidle0' });
    await page.waitForSelector('table[aria-label="Possible matches"]');
    const rows = await rowTexts(page);
    await new Promise((resolve) => setTimeout(resolve, 300)); // the table box measures itself
    const clipped = await page.$eval('.table-wrap', (box) => box.scrollWidth > box.clientWidth + 1);
    const links = await page.$$eval(`table[aria-label="Possible matches"] tbody tr a`, (as) =>
      as.map((a) => ({ text: a.textContent, href: a.getAttribute('href') })),
    );
    await screenshot(page, `${SHOTS}/list`);

    // Assess
    expect(rows).toHaveLength(3);
    expect(clipped).toBe(false);
    for (const [first, second] of Object.values(PAIRS)) {
      const row = rows.find((r) => r.includes(first.email));
      expect(row).toContain(second.email);
      expect(row).toContain('One inbox, two spellings');
      expect(row).toContain('85%');
      expect(row).toMatch(/\d+[smhd] ago/);
    }
    expect(links).toHaveLength(6);
    for (const link of links) expect(link.href).toMatch(/^\/visitors\/[0-9a-f-]{36}\?site=/);
    expect(await page.$('nav[aria-label=Main] a[href^="/possible-matches"]')).not.toBeNull();
  }, 60_000);

  it("shows a person's possible match on their page", async () => {
    // Prepare
    await page.goto(matchesUrl, { waitUntil: 'networkidle0' });
    const person = await page.waitForSelector(`::-p-xpath(//a[text()="${PAIRS.refused[0].email}"])`);

    // Act
    await person?.click();
    await waitForText(page, 'Possible matches');
    await page.waitForSelector('table[aria-label="Possible matches"]');
    const rows = await rowTexts(page);
    await screenshot(page, `${SHOTS}/person-possible-matches`);

    // Assess
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain(PAIRS.refused[1].email);
    expect(rows[0]).not.toContain(PAIRS.refused[0].email);
  }, 60_000);

  it('says why the identity rules refused a merge of two persons with different user ids, and keeps the pair', async () => {
    // Prepare
    await page.goto(matchesUrl, { waitUntil: 'networkidle0' });
    const accept = await page.waitForSelector(buttonIn(PAIRS.refused[0].email, 'Accept'));

    // Act
    await accept?.click();
    const alert = await page.waitForSelector('.review-outcome[role=alert]');
    const said = await alert?.evaluate((el) => el.textContent ?? '');
    await page.waitForFunction(() =>
      [...document.querySelectorAll<HTMLButtonElement>('table[aria-label="Possible matches"] button')].every(
        (b) => !b.disabled,
      ),
    );
    await screenshot(page, `${SHOTS}/refused`);

    // Assess
    expect(said).toMatch(/^Not merged: the stitching rules refuse to merge these persons \(limit:user_id\)/);
    expect(said).toContain('they have different user ids');
    expect((await rowTexts(page)).filter((r) => r.includes(PAIRS.refused[1].email))).toHaveLength(1);
  }, 60_000);

  it('keeps the pair listed and says so when deciding fails', async () => {
    // Prepare
    await page.goto(matchesUrl, { waitUntil: 'networkidle0' });
    const reject = await page.waitForSelector(buttonIn(PAIRS.reject[0].email, 'Reject'));
    interceptor.fail((path) => /\/soft-links\/\d+$/.test(path));

    // Act
    await reject?.click();
    const alert = await page.waitForSelector('.review-outcome[role=alert]');
    const said = await alert?.evaluate((el) => el.textContent ?? '');
    interceptor.pass();
    await screenshot(page, `${SHOTS}/decision-failed`);

    // Assess
    expect(said).toContain('Could not reject the match of');
    expect(said).toContain('The API failed (test)');
    expect(await page.waitForSelector(rowOf(PAIRS.reject[0].email))).not.toBeNull();
  }, 60_000);

  it('merges an accepted pair, and the merged person’s page shows the merge', async () => {
    // Prepare
    await page.goto(matchesUrl, { waitUntil: 'networkidle0' });
    const accept = await page.waitForSelector(buttonIn(PAIRS.merge[0].email, 'Accept'));

    // Act
    await accept?.click();
    const status = await page.waitForSelector('.review-outcome[role=status]');
    const said = await status?.evaluate((el) => el.textContent ?? '');
    await page.waitForFunction(
      (email: string) => !(document.querySelector('table')?.textContent ?? '').includes(email),
      {},
      PAIRS.merge[0].email,
    );
    await screenshot(page, `${SHOTS}/accepted`);
    const open = await page.waitForSelector('::-p-xpath(//a[text()="Open the person"])');
    await open?.click();
    await waitForText(page, 'manual_review');
    const person = await page.evaluate(() => document.querySelector('.content')?.textContent ?? '');
    await screenshot(page, `${SHOTS}/merged-person`);

    // Assess
    expect(said).toMatch(/^Merged: .+ are now one person\./);
    expect(person).toContain(PAIRS.merge[0].email);
    expect(person).toContain(PAIRS.merge[1].email);
    expect(person).toContain(PAIRS.merge[1].userId);
    expect(person).toContain('(manual_review)');
  }, 60_000);

  it('removes a rejected pair from the list, for good', async () => {
    // Prepare
    await page.goto(matchesUrl, { waitUntil: 'networkidle0' });
    const reject = await page.waitForSelector(buttonIn(PAIRS.reject[0].email, 'Reject'));

    // Act
    await reject?.click();
    const status = await page.waitForSelector('.review-outcome[role=status]');
    const said = await status?.evaluate((el) => el.textContent ?? '');
    await page.waitForFunction(
      (email: string) => !(document.querySelector('table')?.textContent ?? '').includes(email),
      {},
      PAIRS.reject[0].email,
    );
    await page.reload({ waitUntil: 'networkidle0' });
    await page.waitForSelector('table[aria-label="Possible matches"]');
    const rows = await rowTexts(page);
    const rejected = await callApi(page, 'GET', `/api/sites/${siteId}/soft-links?status=rejected`);

    // Assess
    expect(said).toMatch(/^Rejected: .+ will not be proposed again\./);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain(PAIRS.refused[0].email);
    expect(rejected.body.links).toHaveLength(1);
  }, 60_000);

  it('fits the review on a 390 px phone, each pair a card with its buttons', async () => {
    // Prepare
    await page.setViewport(PHONE);

    // Act
    await page.goto(matchesUrl, { waitUntil: 'networkidle0' });
    await page.waitForSelector('table[aria-label="Possible matches"]');
    await new Promise((resolve) => setTimeout(resolve, 300)); // the table box measures itself
    const layout = await page.evaluate(() => ({
      overflow: document.documentElement.scrollWidth - window.innerWidth,
      header: getComputedStyle(document.querySelector('table[aria-label="Possible matches"] thead') as Element)
        .position,
      buttons: [...document.querySelectorAll<HTMLElement>('table[aria-label="Possible matches"] button')].map((b) => {
        const box = b.getBoundingClientRect();
        return box.right <= window.innerWidth && box.width > 0;
      }),
    }));
    await screenshot(page, `${SHOTS}/phone`);
    await page.setViewport(DESKTOP);

    // Assess
    expect(layout.overflow).toBeLessThanOrEqual(0);
    expect(layout.header).toBe('absolute');
    expect(layout.buttons).toEqual([true, true]);
  }, 60_000);

  it('leaves a viewer without the review: no menu item, no buttons, and the server refuses them', async () => {
    // Prepare: the owner invites a viewer, who accepts in their own browser
    const invited = await callApi(page, 'POST', '/api/team/invitations', { email: VIEWER.email, role: 'viewer' });
    const context = await browser.createBrowserContext();
    const viewer = await context.newPage();
    await viewer.setViewport(DESKTOP);
    await viewer.goto(`${stack.url}${invited.body.acceptPath}`, { waitUntil: 'networkidle0' });
    await fill(viewer, 'input[name=password]', VIEWER.password);
    await clickButton(viewer, 'Accept invitation');
    await waitForText(viewer, `${VIEWER.email} · viewer`);
    const open = await callApi(page, 'GET', `/api/sites/${siteId}/soft-links`);
    const linkId = open.body.links[0].id as number;

    // Act
    await viewer.goto(matchesUrl, { waitUntil: 'networkidle0' });
    await waitForText(viewer, 'This needs the analyst role');
    const shown = {
      menuItem: await viewer.$('nav[aria-label=Main] a[href^="/possible-matches"]'),
      buttons: await viewer.$$('table[aria-label="Possible matches"] button'),
    };
    await screenshot(viewer, `${SHOTS}/viewer`);
    const listing = await callApi(viewer, 'GET', `/api/sites/${siteId}/soft-links`);
    const deciding = await callApi(viewer, 'POST', `/api/sites/${siteId}/soft-links/${linkId}`, { decision: 'reject' });
    await context.close();

    // Assess
    expect(shown.menuItem).toBeNull();
    expect(shown.buttons).toEqual([]);
    expect([listing.status, deciding.status]).toEqual([403, 403]);
    expect(
      (await callApi(page, 'GET', `/api/sites/${siteId}/soft-links`)).body.links.map((l: { id: number }) => l.id),
    ).toContain(linkId);
  }, 60_000);
});
