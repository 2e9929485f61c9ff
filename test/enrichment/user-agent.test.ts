import { LruCache } from '../../lambdas/enrichment/lru-cache';
import { createUserAgentParser } from '../../lambdas/enrichment/user-agent';
import { CHROME_DESKTOP, GOOGLEBOT, HEADLESS_CHROME, IPAD_SAFARI, IPHONE_SAFARI } from './fixtures';

describe('createUserAgentParser', () => {
  const parser = createUserAgentParser();

  it.each([
    [
      'Chrome on Windows as a desktop',
      CHROME_DESKTOP,
      {
        browser: 'Chrome',
        browserVersion: '124',
        os: 'Windows',
        osVersion: '10',
        deviceType: 'desktop',
        isKnownBot: false,
      },
    ],
    [
      'Safari on an iPhone as mobile',
      IPHONE_SAFARI,
      {
        browser: 'Mobile Safari',
        browserVersion: '17',
        os: 'iOS',
        osVersion: '17.4.1',
        deviceType: 'mobile',
        isKnownBot: false,
      },
    ],
    [
      'Safari on an iPad as a tablet',
      IPAD_SAFARI,
      {
        browser: 'Mobile Safari',
        browserVersion: '16',
        os: 'iOS',
        osVersion: '16.6',
        deviceType: 'tablet',
        isKnownBot: false,
      },
    ],
    [
      'Googlebot as a bot, named',
      GOOGLEBOT,
      { browser: 'Googlebot', browserVersion: '2', deviceType: 'bot', isKnownBot: true },
    ],
    [
      'HeadlessChrome as a bot',
      HEADLESS_CHROME,
      { browser: 'Chrome Headless', browserVersion: '124', os: 'Linux', deviceType: 'bot', isKnownBot: true },
    ],
    [
      'a Samsung smart TV as a tv',
      'Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/4.0 Chrome/76.0.3809.146 TV Safari/537.36',
      { os: 'Tizen', deviceType: 'tv' },
    ],
    [
      'a PlayStation 5 as a console',
      'Mozilla/5.0 (PlayStation; PlayStation 5/2.26) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.0 Safari/605.1.15',
      { os: 'PlayStation', deviceType: 'console' },
    ],
  ])('parses %s', (_name, ua, expected) => {
    // Act
    const info = parser.parse(ua);

    // Assess
    expect(info).toMatchObject(expected);
  });

  it('returns all nulls for a missing user agent', () => {
    expect(parser.parse(undefined)).toEqual({
      browser: null,
      browserVersion: null,
      os: null,
      osVersion: null,
      deviceType: null,
      isKnownBot: false,
    });
  });

  it('serves a repeated user agent from its cache', () => {
    // Prepare
    const cached = createUserAgentParser({ maxEntries: 2 });

    // Act
    const first = cached.parse(CHROME_DESKTOP);
    const second = cached.parse(CHROME_DESKTOP);

    // Assess
    expect(second).toBe(first);
  });
});

describe('LruCache', () => {
  it('evicts the least recently used entry when full', () => {
    // Prepare
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);

    // Act
    cache.get('a');
    cache.set('c', 3);

    // Assess
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    expect(cache.size).toBe(2);
  });

  it('rejects a capacity below one', () => {
    expect(() => new LruCache(0)).toThrow(RangeError);
  });
});
