import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { makeApiHandler } from '../../lambdas/handlers/api';
import { createLocalHttpServer } from '../../lambdas/runtime/http-server';
import type { HttpHandler } from '../../lambdas/runtime/routes';
import { createStaticFiles, ensureDashboardBuilt } from '../../lambdas/runtime/static-files';
import { type ApiFixture, createApiFixture } from '../api/support/api-fixture';
import { type LaunchedBrowser, launchChromium } from '../tracker/support/browser';
import { clickButton, fill, waitForText } from './support/dashboard-page';
import { createFakeCognito } from './support/fake-cognito';
import { screenshot } from './support/screenshots';

const POOL = { region: 'eu-west-1', userPoolId: 'eu-west-1_Sightline', clientId: 'dashboard-client' } as const;

/**
 * The dashboard's Cognito sign-in in real Chromium, as deployed: the built app signs in against the
 * user pool's endpoint (played by a fake pool answering Cognito's JSON protocol), and sends the ID
 * token to the API Lambda behind a JWT authorizer (played with the pool's key). An invited member
 * replaces the temporary password, lands on Overview, stays signed in on reload through the
 * refresh token, and signs out.
 */
describe('dashboard sign-in with Cognito', () => {
  let api: ApiFixture;
  let chromium: LaunchedBrowser;
  let page: Page;
  let url: string;
  let close: () => Promise<void>;
  const cognito = createFakeCognito(POOL);

  beforeAll(async () => {
    await ensureDashboardBuilt();
    api = await createApiFixture({ auth: { kind: 'cognito', ...POOL } });
    const handler = makeApiHandler(api.deps) as unknown as HttpHandler;
    const server = createLocalHttpServer({
      routes: [
        // Public by design, as in CDK; everything else under /api needs a token.
        { routeKey: 'GET /api/config', functionName: 'api', handler },
        { routeKey: 'GET /api/openapi.json', functionName: 'api', handler },
        { routeKey: 'ANY /api/{proxy+}', functionName: 'api', handler: cognito.authorize(handler) },
      ],
      staticFiles: createStaticFiles({ dashboardDir: join(__dirname, '..', '..', 'dashboard', 'dist') }),
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => new Promise((resolve) => server.close(() => resolve()));
    chromium = await launchChromium();
    page = await chromium.browser.newPage();
    await page.setViewport({ width: 1280, height: 800 });
    await cognito.serve(page);
  }, 180_000);
  afterAll(async () => {
    await chromium?.close();
    await close?.();
    await api?.close();
  });

  it('refuses a wrong password with Cognito’s message and stays on the sign-in form', async () => {
    // Prepare
    cognito.addInvitedUser('admin@acme.example', 'Temporary-Pass-1!');
    await page.goto(`${url}/`, { waitUntil: 'networkidle0' });

    // Act
    await fill(page, 'input[name=email]', 'admin@acme.example');
    await fill(page, 'input[name=password]', 'not the password');
    await clickButton(page, 'Sign in');

    // Assess
    await waitForText(page, 'Incorrect username or password.');
    expect(await page.$('nav[aria-label=Main]')).toBeNull();
  }, 60_000);

  it('has an invited member choose a new password, then signs them in to Overview with their role', async () => {
    // Act
    await fill(page, 'input[name=password]', 'Temporary-Pass-1!');
    await clickButton(page, 'Sign in');
    await fill(page, 'input[name=challenge]', 'A-new-passw0rd-for-2026');
    await clickButton(page, 'Sign in');

    // Assess
    await page.waitForSelector('nav[aria-label=Main]');
    await waitForText(page, 'admin@acme.example · admin');
    expect(cognito.calls).toEqual(['InitiateAuth', 'InitiateAuth', 'RespondToAuthChallenge']);
    expect(await page.cookies()).toEqual([]); // no session cookie: the bearer token alone signs requests
    const linked = await api.sql.db.selectFrom('external_identities').select(['provider', 'user_id']).execute();
    expect(linked).toEqual([{ provider: 'cognito', user_id: api.members.admin.userId }]);
    await screenshot(page, 'cognito-01-signed-in');
  }, 60_000);

  it('keeps the member signed in across a reload with the refresh token, then signs out', async () => {
    // Act
    await page.reload({ waitUntil: 'networkidle0' });
    await waitForText(page, 'admin@acme.example · admin');
    const afterReload = [...cognito.calls];
    await clickButton(page, 'Sign out');
    await page.waitForSelector('input[name=email]');
    await page.reload({ waitUntil: 'networkidle0' });

    // Assess
    expect(afterReload.at(-1)).toBe('InitiateAuth'); // REFRESH_TOKEN_AUTH
    expect(await page.$('nav[aria-label=Main]')).toBeNull();
    expect(await page.evaluate(() => Object.keys(sessionStorage))).toEqual([]);
  }, 60_000);
});
