import type { Browser, BrowserContext, Page } from 'puppeteer-core';
import { type LocalStack, startLocalStack } from '../../support/local-stack';
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
export function setUpTrackerTest(): TrackerTest {
  let launched: LaunchedBrowser | undefined;
  let context: BrowserContext | undefined;
  const t = { pageErrors: [] as Error[] } as unknown as TrackerTest;

  let stack: LocalStack | undefined;

  beforeAll(async () => {
    stack = await startLocalStack();
    t.collector = await startCaptureServer({ upstream: { url: stack.url, siteKey: stack.siteKey } });
    launched = await launchChromium();
    t.browser = launched.browser;
  }, 90000);

  afterAll(async () => {
    await launched?.close();
    await t.collector?.close();
    await stack?.stop();
  });

  beforeEach(async () => {
    t.collector.setSiteConfig({});
    t.collector.setDefaultStatus(202);
    context = await t.browser.createBrowserContext();
    t.page = await context.newPage();
    // These tests measure what a person's browser sends. Puppeteer's Chromium reports
    // navigator.webdriver, which makes the tracker mark every event `$webdriver` (and enrichment
    // call it a bot); hidden here, as a person's browser has it. `bot-signal.e2e.test.ts` keeps it.
    await t.page.evaluateOnNewDocument(() => Object.defineProperty(navigator, 'webdriver', { get: () => false }));
    t.pageErrors = [];
    t.page.on('pageerror', (error) => t.pageErrors.push(error as Error));
  });

  afterEach(async () => {
    await context?.close();
    expect(t.pageErrors).toEqual([]);
    // Every batch the tracker sent passed the real collector's schema, event by event.
    expect(t.collector.receivedBatches().flatMap((b) => b.rejected ?? [])).toEqual([]);
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
