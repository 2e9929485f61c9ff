import type { Page } from 'puppeteer-core';

/** Waits until the page shows `text` somewhere (the dashboard renders asynchronously). */
export async function waitForText(page: Page, text: string, timeout = 15_000): Promise<void> {
  await page.waitForFunction((t: string) => (document.body.textContent ?? '').includes(t), { timeout }, text);
}

/** Types into the input found by `selector`, replacing what it held. */
export async function fill(page: Page, selector: string, value: string): Promise<void> {
  await page.waitForSelector(selector);
  await page.$eval(selector, (el) => {
    (el as HTMLInputElement).value = '';
  });
  await page.type(selector, value);
}

/** Clicks the first button whose text is `label`. */
export async function clickButton(page: Page, label: string): Promise<void> {
  const button = await page.waitForSelector(`::-p-xpath(//button[normalize-space(.)="${label}"])`);
  await button?.click();
}

/** Signs in on the sign-in page the dashboard shows to a browser without a session. */
export async function signIn(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/`, { waitUntil: 'networkidle0' });
  await fill(page, 'input[name=email]', email);
  await fill(page, 'input[name=password]', password);
  await clickButton(page, 'Sign in');
  await page.waitForSelector('nav[aria-label=Main]');
}
