import type { HTTPRequest, Page } from 'puppeteer-core';

/** Which requests an interceptor acts on, by URL path (`/api/sites/…/stats/overview`, `/assets/Pages-….js`). */
export type ApiMatcher = (path: string) => boolean;

export interface ApiInterceptor {
  /** Answers matching requests with a 500 and the API's error body, until `pass()`. */
  fail(match: ApiMatcher): void;
  /** Answers matching requests with `body` (200, JSON), until `pass()`. */
  answer(match: ApiMatcher, body: unknown): void;
  /** Keeps matching requests waiting, until `release()`. */
  hold(match: ApiMatcher): void;
  /** Lets held requests go on, and every later one. */
  release(): void;
  /** Lets every request through untouched. */
  pass(): void;
  /** How many requests are being held now. */
  held(): number;
}

/**
 * Puts itself between the page and the server with Chromium's request interception, to show the
 * dashboard an API that fails or is slow (or a file that will not download). Requests it does not
 * match go on as they are.
 *
 * @example
 * const api = await interceptApi(page);
 * api.fail((path) => path.includes('/stats/'));
 */
export async function interceptApi(page: Page): Promise<ApiInterceptor> {
  let mode:
    | { kind: 'pass' }
    | { kind: 'fail' | 'hold'; match: ApiMatcher }
    | { kind: 'answer'; match: ApiMatcher; body: unknown } = { kind: 'pass' };
  let waiting: HTTPRequest[] = [];
  const go = (request: HTTPRequest) => void request.continue().catch(() => undefined); // the page may have moved on
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (mode.kind === 'pass' || !mode.match(path)) return go(request);
    if (mode.kind === 'hold') return void waiting.push(request);
    if (mode.kind === 'answer') {
      return void request
        .respond({ status: 200, contentType: 'application/json', body: JSON.stringify(mode.body) })
        .catch(() => undefined);
    }
    void request
      .respond({
        status: 500,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'internal_error', message: 'The API failed (test)' } }),
      })
      .catch(() => undefined);
  });
  const release = () => {
    mode = { kind: 'pass' };
    const held = waiting;
    waiting = [];
    for (const request of held) go(request);
  };
  return {
    fail: (match) => {
      release();
      mode = { kind: 'fail', match };
    },
    answer: (match, body) => {
      release();
      mode = { kind: 'answer', match, body };
    },
    hold: (match) => {
      release();
      mode = { kind: 'hold', match };
    },
    release,
    pass: release,
    held: () => waiting.length,
  };
}
