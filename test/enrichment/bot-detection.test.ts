import type { CollectedEventEnvelope } from '../../lambdas/collection/collected-event';
import { BehaviourTracker } from '../../lambdas/enrichment/behaviour-tracker';
import { detectBot } from '../../lambdas/enrichment/bot-detection';
import { CHROME_DESKTOP, envelope, GOOGLEBOT, HEADLESS_CHROME, RECEIVED_AT } from './fixtures';

describe('detectBot', () => {
  it.each([
    ['a human on Chrome from a consumer network', { userAgent: CHROME_DESKTOP, asn: 3320 }, null],
    ['Googlebot by its user agent', { userAgent: GOOGLEBOT }, 'user_agent'],
    ['HeadlessChrome as headless rather than as a plain bot UA', { userAgent: HEADLESS_CHROME }, 'headless'],
    [
      'PhantomJS as headless',
      {
        userAgent:
          'Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/538.1 (KHTML, like Gecko) PhantomJS/2.1.1 Safari/538.1',
      },
      'headless',
    ],
    [
      'an Electron shell as headless',
      {
        userAgent:
          'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.291 Electron/28.2.0 Safari/537.36',
      },
      'headless',
    ],
    ['navigator.webdriver on an ordinary UA as headless', { userAgent: CHROME_DESKTOP, webdriver: true }, 'headless'],
    ['a browser request without a user agent as headless', { userAgent: '', fromBrowser: true }, 'headless'],
    ['a server-side call without a user agent as human', { userAgent: undefined, fromBrowser: false }, null],
    ['AWS traffic by its ASN', { userAgent: CHROME_DESKTOP, asn: 16509 }, 'datacenter_asn'],
    ['Hetzner traffic by its ASN', { userAgent: CHROME_DESKTOP, asn: 24940 }, 'datacenter_asn'],
    ['Cloudflare WARP as human', { userAgent: CHROME_DESKTOP, asn: 13335 }, null],
    [
      'a hosting provider flagged by the Anonymous IP database',
      { userAgent: CHROME_DESKTOP, isHostingProvider: true },
      'datacenter_asn',
    ],
    [
      "Googlebot from Google's network with both reasons, UA first",
      { userAgent: GOOGLEBOT, asn: 15169 },
      'user_agent,datacenter_asn',
    ],
    [
      'inhuman behaviour',
      { userAgent: CHROME_DESKTOP, behaviour: { suspicious: true, reasons: ['rate' as const] } },
      'behaviour',
    ],
  ])('judges %s', (_name, signals, reason) => {
    // Act
    const verdict = detectBot(signals);

    // Assess
    expect(verdict.reason).toBe(reason);
    expect(verdict.isBot).toBe(reason !== null);
  });

  it('uses a custom hosting ASN list when given one', () => {
    expect(detectBot({ userAgent: CHROME_DESKTOP, asn: 64512 }, { hostingAsns: new Set([64512]) }).reasons).toEqual([
      'datacenter_asn',
    ]);
  });
});

describe('BehaviourTracker', () => {
  const pageView = (id: string, at: number, anonymousId = 'anon-1'): CollectedEventEnvelope =>
    envelope({ eventId: id, timestamp: at, anonymousId });
  const track = (id: string, name: string, at: number, properties = {}): CollectedEventEnvelope =>
    envelope({ eventId: id, type: 'track', name, timestamp: at, properties });

  function judge(batch: CollectedEventEnvelope[]) {
    const tracker = new BehaviourTracker();
    for (const e of batch) tracker.observe(e);
    return batch.map((e) => tracker.verdictFor(e));
  }

  it('flags more than 20 page views within 10 seconds, for every event of the visitor', () => {
    // Prepare
    const start = RECEIVED_AT - 60_000;
    const batch = Array.from({ length: 21 }, (_, i) => pageView(`p${i}`, start + i * 400));

    // Act
    const verdicts = judge(batch);

    // Assess
    // 21 page views and nothing else is also a no-engagement pattern.
    expect(verdicts[0]).toEqual({ suspicious: true, reasons: ['rate', 'no_engagement'] });
    expect(verdicts[20]).toEqual(verdicts[0]);
  });

  it('flags page views spaced under 100 ms apart', () => {
    // Prepare
    const start = RECEIVED_AT - 60_000;
    const batch = [0, 50, 100, 150, 5_000].map((offset, i) => pageView(`p${i}`, start + offset));

    // Act
    const [verdict] = judge(batch);

    // Assess
    expect(verdict?.reasons).toEqual(['spacing']);
  });

  it('flags ten page views without any engagement or scroll', () => {
    // Prepare
    const start = RECEIVED_AT - 600_000;
    const batch = Array.from({ length: 10 }, (_, i) => pageView(`p${i}`, start + i * 30_000));
    batch.push(track('e1', 'page_engagement', start + 1_000, { visible_ms: 800, max_scroll: 0 }));

    // Act
    const [verdict] = judge(batch);

    // Assess
    expect(verdict?.reasons).toEqual(['no_engagement']);
  });

  it('leaves a reader who scrolls alone', () => {
    // Prepare
    const start = RECEIVED_AT - 600_000;
    const batch = Array.from({ length: 10 }, (_, i) => pageView(`p${i}`, start + i * 30_000));
    batch.push(track('s1', 'scroll_depth', start + 5_000, { percent: 50 }));

    // Act
    const [verdict] = judge(batch);

    // Assess
    expect(verdict).toEqual({ suspicious: false, reasons: [] });
  });

  it('judges visitors separately', () => {
    // Prepare
    const start = RECEIVED_AT - 60_000;
    const scraper = Array.from({ length: 25 }, (_, i) => pageView(`s${i}`, start + i * 200, 'scraper'));
    const reader = pageView('r1', start, 'reader');

    // Act
    const verdicts = judge([...scraper, reader]);

    // Assess
    expect(verdicts[0]?.suspicious).toBe(true);
    expect(verdicts[25]?.suspicious).toBe(false);
  });

  it('tells cookieless visitors apart by IP and user agent', () => {
    // Prepare
    const start = RECEIVED_AT - 60_000;
    const batch = Array.from({ length: 21 }, (_, i) =>
      envelope(
        { eventId: `c${i}`, cookieless: true, anonymousId: `daily-${i}`, timestamp: start + i * 300 },
        { ip: '198.51.100.7' },
      ),
    );
    const other = envelope({ eventId: 'o1', cookieless: true, timestamp: start }, { ip: '198.51.100.8' });

    // Act
    const verdicts = judge([...batch, other]);

    // Assess
    expect(verdicts[0]?.reasons).toContain('rate');
    expect(verdicts[21]?.suspicious).toBe(false);
  });
});
