import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, HTTPRequest, Page } from 'puppeteer-core';
import { type LocalStack, startLocalStack } from '../support/local-stack';
import { makeTempDir } from '../support/temp-dir';
import { type LaunchedBrowser, launchChromium } from '../tracker/support/browser';
import { type ApiInterceptor, interceptApi } from './support/api-interceptor';
import { clickButton, fill, signIn, waitForText } from './support/dashboard-page';
import { screenshot } from './support/screenshots';

/** Screenshots of this file go to test-output/dashboard-screenshots/person-rights/. */
const SHOTS = 'person-rights';
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844, isMobile: true, hasTouch: true };
const ANALYST = { email: 'rights.analyst@example.com', password: 'analyst password 789' };
/** The person exported and then erased, and one who stays. */
const ERASED = { userId: 'u-rights-erased', email: 'erase.me@example.com' };
const KEPT = { userId: 'u-rights-kept', email: 'keep.me@example.com' };
const BUTTONS = ['Export data', 'Erase person'] as const;

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

/** Answers the next confirmation the page asks for, and says what it asked. */
function nextConfirm(page: Page, answer: 'accept' | 'dismiss'): Promise<string> {
  return new Promise((resolve) =>
    page.once('dialog', (dialog) => {
      void dialog[answer]();
      resolve(dialog.message());
    }),
  );
}

/** Waits until `condition` holds on this side (the page's own waits see only the page). */
async function until(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The labels of the person page's title actions that are shown. */
const titleActions = (page: Page) =>
  page.$$eval('.content button', (buttons) =>
    buttons.map((b) => b.textContent?.trim() ?? '').filter((t) => t === 'Export data' || t === 'Erase person'),
  );

/**
 * A person's data-protection actions on their page in real Chromium against the whole product in
 * this process: an admin exports everything held on them as a file and erases them after a
 * confirmation; an analyst is shown neither. Screenshots in test-output/dashboard-screenshots/person-rights/.
 */
describe("a person's export and erasure in the dashboard", () => {
  let stack: LocalStack;
  let chromium: LaunchedBrowser;
  let browser: Browser;
  let page: Page;
  let interceptor: ApiInterceptor;
  let downloads: { dir: string; cleanup: () => void };
  let siteId = '';
  const ids = { erased: '', kept: '' };
  const personUrl = (id: string) => `${stack.url}/visitors/${id}?site=${siteId}`;
  const openPerson = async (id: string, email: string) => {
    await page.goto(personUrl(id), { waitUntil: 'networkidle0' });
    await page.waitForSelector(`::-p-xpath(//h1[text()="${email}"])`);
  };

  beforeAll(async () => {
    stack = await startLocalStack();
    siteId = stack.runtime.setup.demoSite.id;
    // Each from a network and browser of their own, so no signal pairs them.
    const batch = [ERASED, KEPT].map((person, n) => ({
      type: 'identify',
      messageId: `rights-identify-${n}`,
      userId: person.userId,
      traits: { email: person.email },
      context: { ip: `198.51.${n + 40}.9`, userAgent: `Mozilla/5.0 (X11; Linux x86_64) Firefox/${130 + n}.0` },
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
    downloads = makeTempDir('sightline-person-export-');
    chromium = await launchChromium();
    browser = chromium.browser;
    const context = await browser.createBrowserContext({
      downloadBehavior: { policy: 'allow', downloadPath: downloads.dir },
    });
    page = await context.newPage();
    await page.setViewport(DESKTOP);
    interceptor = await interceptApi(page);
    await signIn(page, stack.url, stack.runtime.setup.adminEmail, stack.runtime.setup.adminPassword);
    for (const [key, person] of [
      ['erased', ERASED],
      ['kept', KEPT],
    ] as const) {
      const found = await callApi(page, 'GET', `/api/sites/${siteId}/persons?q=${encodeURIComponent(person.email)}`);
      ids[key] = found.body.rows[0].id;
    }
  }, 180_000);
  afterAll(async () => {
    await chromium?.close();
    await stack?.stop();
    downloads?.cleanup();
  });
  afterEach(() => interceptor?.pass());

  it('shows an analyst neither action, and the server refuses them both', async () => {
    // Prepare: the admin invites an analyst, who accepts in their own browser
    const invited = await callApi(page, 'POST', '/api/team/invitations', { email: ANALYST.email, role: 'analyst' });
    const context = await browser.createBrowserContext();
    const analyst = await context.newPage();
    await analyst.setViewport(DESKTOP);
    await analyst.goto(`${stack.url}${invited.body.acceptPath}`, { waitUntil: 'networkidle0' });
    await fill(analyst, 'input[name=password]', ANALYST.password);
    await clickButton(analyst, 'Accept invitation');
    await waitForText(analyst, `${ANALYST.email} · analyst`);

    // Act
    await analyst.goto(personUrl(ids.erased), { waitUntil: 'networkidle0' });
    await analyst.waitForSelector(`::-p-xpath(//h1[text()="${ERASED.email}"])`);
    const shown = await titleActions(analyst);
    await screenshot(analyst, `${SHOTS}/analyst`);
    const exporting = await callApi(analyst, 'GET', `/api/persons/${ids.erased}/export`);
    const erasing = await callApi(analyst, 'DELETE', `/api/persons/${ids.erased}`);
    await context.close();

    // Assess
    expect(shown).toEqual([]);
    expect([exporting.status, erasing.status]).toEqual([403, 403]);
    expect((await callApi(page, 'GET', `/api/persons/${ids.erased}`)).status).toBe(200);
  }, 60_000);

  it('downloads everything held on the person as person-<id>.json', async () => {
    // Prepare
    await openPerson(ids.erased, ERASED.email);
    const file = join(downloads.dir, `person-${ids.erased}.json`);

    // Act
    await clickButton(page, 'Export data');
    const status = await page.waitForSelector('.page-actions [role=status]');
    const said = await status?.evaluate((el) => el.textContent ?? '');
    await until(() => existsSync(file)); // Chromium names the file so only once it is whole
    const downloaded = JSON.parse(readFileSync(file, 'utf8'));
    const exported = (await callApi(page, 'GET', `/api/persons/${ids.erased}/export`)).body;
    await screenshot(page, `${SHOTS}/exported`);

    // Assess
    expect(said).toBe(`Exported everything held on ${ERASED.email} to person-${ids.erased}.json.`);
    expect(downloaded).toMatchObject({ personId: ids.erased, erased: false });
    expect(downloaded.person.identifiers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'email', value: ERASED.email }),
        expect.objectContaining({ type: 'user_id', value: ERASED.userId }),
      ]),
    );
    expect({ ...downloaded, exportedAt: 'then' }).toEqual({ ...exported, exportedAt: 'then' });
  }, 60_000);

  it('fits both actions on a 390 px phone', async () => {
    // Prepare
    await page.setViewport(PHONE);

    // Act
    await openPerson(ids.kept, KEPT.email);
    const layout = await page.evaluate(() => ({
      overflow: document.documentElement.scrollWidth - window.innerWidth,
      buttons: [...document.querySelectorAll<HTMLElement>('.page-actions button')].map((b) => {
        const box = b.getBoundingClientRect();
        return box.left >= 0 && box.right <= window.innerWidth && box.width > 0;
      }),
    }));
    await screenshot(page, `${SHOTS}/phone`);
    await page.setViewport(DESKTOP);

    // Assess
    expect(layout.overflow).toBeLessThanOrEqual(0);
    expect(layout.buttons).toEqual([true, true]);
  }, 60_000);

  it('erases nothing when the confirmation is cancelled', async () => {
    // Prepare
    await openPerson(ids.erased, ERASED.email);
    const deletes: string[] = [];
    const record = (request: HTTPRequest) => {
      if (request.method() === 'DELETE') deletes.push(request.url());
    };
    page.on('request', record);

    // Act
    const asked = nextConfirm(page, 'dismiss');
    await clickButton(page, 'Erase person');
    const question = await asked;
    const still = await callApi(page, 'GET', `/api/persons/${ids.erased}`);
    page.off('request', record);

    // Assess
    expect(question).toContain(`Erase ${ERASED.email} for good?`);
    expect(question).toContain('cannot be undone');
    expect(deletes).toEqual([]);
    expect(still.status).toBe(200);
    expect(new URL(page.url()).pathname).toBe(`/visitors/${ids.erased}`);
    expect(await titleActions(page)).toEqual([...BUTTONS]);
  }, 60_000);

  it('says so and stays on the person when erasing fails', async () => {
    // Prepare
    await openPerson(ids.erased, ERASED.email);
    interceptor.fail((path) => path === `/api/persons/${ids.erased}`);

    // Act
    const asked = nextConfirm(page, 'accept');
    await clickButton(page, 'Erase person');
    await asked;
    const alert = await page.waitForSelector('.page-actions [role=alert]');
    const said = await alert?.evaluate((el) => el.textContent ?? '');
    interceptor.pass();
    await screenshot(page, `${SHOTS}/erase-failed`);

    // Assess
    expect(said).toBe(`Could not erase ${ERASED.email}: The API failed (test)`);
    expect(new URL(page.url()).pathname).toBe(`/visitors/${ids.erased}`);
    expect((await callApi(page, 'GET', `/api/persons/${ids.erased}`)).status).toBe(200);
  }, 60_000);

  it('erases the person once confirmed, back on Visitors, which says so and no longer lists them', async () => {
    // Prepare
    await openPerson(ids.erased, ERASED.email);

    // Act
    const asked = nextConfirm(page, 'accept');
    await clickButton(page, 'Erase person');
    await asked;
    const notice = await page.waitForSelector('.route-notice[role=status]');
    const said = await notice?.evaluate((el) => el.textContent ?? '');
    await page.waitForSelector(`::-p-xpath(//table[@aria-label="Persons"]//a[text()="${KEPT.email}"])`);
    const listed = await page.$eval('table[aria-label=Persons]', (table) => table.textContent ?? '');
    const { pathname, searchParams } = new URL(page.url());
    await screenshot(page, `${SHOTS}/erased`);
    const detail = await callApi(page, 'GET', `/api/persons/${ids.erased}`);
    const exported = await callApi(page, 'GET', `/api/persons/${ids.erased}/export`);
    await page.goto(personUrl(ids.erased), { waitUntil: 'networkidle0' });
    await waitForText(page, 'Not found');
    const shown = await titleActions(page);

    // Assess
    expect(said).toMatch(
      new RegExp(
        `^Erased person ${ids.erased.slice(0, 8)}: \\d+ identifiers?, \\d+ events?, \\d+ sessions? and \\d+ raw events? deleted, \\d+ keys? shredded\\. Their events leave the lake with the next daily maintenance\\.$`,
      ),
    );
    expect([pathname, searchParams.get('site')]).toEqual(['/visitors', siteId]);
    expect(listed).not.toContain(ERASED.email);
    expect(detail.status).toBe(404);
    expect(exported.body).toMatchObject({ personId: ids.erased, erased: true });
    expect(shown).toEqual([]);
  }, 60_000);
});
