import type { Browser, BrowserContext, Page } from 'puppeteer-core';
import { type LaunchedBrowser, launchChromium } from './browser';
import { type CaptureServer, startCaptureServer } from './capture-server';

export interface TrackerTest {
  collector: CaptureServer;
  browser: Browser;
  /** A fresh page in its own browser context (own cookies and storage) for every test. */
  page: Page;
  /** Errors the page threw: the tracker must never add to them. */
  pageErrors: Error[];
  /** Opens a fixture and waits until the tracker has run. */
  open(fixture: string): Promise<void>;
}

/**
 * Hooks for a tracker browser test file: one capture server and one Chromium for the file, a new
 * browser context per test, and a check after each test that the page threw nothing.
 */
export function useTrackerTest(): TrackerTest {
  let launched: LaunchedBrowser | undefined;
  let context: BrowserContext | undefined;
  const t = { pageErrors: [] as Error[] } as unknown as TrackerTest;

  beforeAll(async () => {
    t.collector = await startCaptureServer();
    launched = await launchChromium();
    t.browser = launched.browser;
  }, 60000);

  afterAll(async () => {
    await launched?.close();
    await t.collector?.close();
  });

  beforeEach(async () => {
    t.collector.setSiteConfig({});
    t.collector.setDefaultStatus(202);
    context = await t.browser.createBrowserContext();
    t.page = await context.newPage();
    t.pageErrors = [];
    t.page.on('pageerror', (error) => t.pageErrors.push(error as Error));
  });

  afterEach(async () => {
    await context?.close();
    expect(t.pageErrors).toEqual([]);
  });

  t.open = async (fixture) => {
    await t.page.goto(`${t.collector.url}/${fixture}`, { waitUntil: 'load' });
    await t.page.waitForFunction(() => (window as { sightline?: { v?: string } }).sightline?.v);
  };
  return t;
}

/** Leaves the page (`pagehide`): the tracker's last chance to send, through `sendBeacon`. */
export async function leavePage(page: Page): Promise<void> {
  await page.goto('about:blank');
}
