import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Page } from 'puppeteer-core';

/** Where the dashboard tests leave their screenshots (gitignored). */
export const SCREENSHOT_DIR = resolve(__dirname, '..', '..', '..', 'test-output', 'dashboard-screenshots');

/** Saves a full-page PNG named `<name>.png` (`folder/name` for a test's own folder) and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  mkdirSync(dirname(path), { recursive: true });
  await page.screenshot({ path: path as `${string}.png`, fullPage: true });
  return path;
}
