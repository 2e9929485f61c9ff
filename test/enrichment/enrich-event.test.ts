import type { CollectedEventEnvelope } from '../../lambdas/collection/collected-event';
import {
  createEnricher,
  type Enricher,
  type EnrichmentFailure,
  type SiteContext,
} from '../../lambdas/enrichment/enrich-event';
import { openGeoIp } from '../../lambdas/enrichment/geoip';
import { eventsTable } from '../../lambdas/lake/tables';
import { ANONYMOUS_DB, ASN_DB, CITY_DB, envelope, GOOGLEBOT, IPHONE_SAFARI, RECEIVED_AT } from './fixtures';

const DAY = 24 * 60 * 60 * 1000;
const site: SiteContext = { settings: { affiliatePatterns: ['amzn.to/*', '*.awin1.com/cread.php*'] } };

describe('createEnricher().enrich', () => {
  let enricher: Enricher;

  beforeAll(async () => {
    const geo = await openGeoIp({ cityPath: CITY_DB, asnPath: ASN_DB, anonymousIpPath: ANONYMOUS_DB });
    enricher = createEnricher({ geo, now: () => RECEIVED_AT });
  });

  it('produces every column of the events table plus the dt partition, and nothing else', () => {
    // Act
    const row = enricher.enrich(envelope(), site);

    // Assess
    const expected = [...eventsTable.columns, ...eventsTable.partitions].map((c) => c.name).sort();
    expect(Object.keys(row).sort()).toEqual(expected);
  });

  it('enriches a page view from Google search on an iPhone in Milton, WA', () => {
    // Prepare
    const input = envelope(
      {
        referrer: 'https://www.google.com/',
        url: 'https://www.example.com/pricing?plan=pro&utm_term=ignored-without-source',
        screen: { width: 390, height: 844 },
        viewport: { width: 390, height: 664 },
        language: 'en-US',
        sdk: 'sightline-js/0.1.0',
        properties: { plan: 'pro' },
      },
      { ip: '216.160.83.58', userAgent: IPHONE_SAFARI },
    );

    // Act
    const row = enricher.enrich(input, site);

    // Assess
    expect(row).toEqual({
      event_id: 'evt-1',
      site_id: 'site-1',
      organization_id: 'org-1',
      event_type: 'page',
      event_name: null,
      event_time: new Date(RECEIVED_AT - 1_000),
      received_at: new Date(RECEIVED_AT),
      source: 'tracker',
      sdk: 'sightline-js/0.1.0',
      anonymous_id: 'anon-1',
      session_id: 'sess-1',
      user_id: null,
      cookieless: false,
      url: 'https://www.example.com/pricing?plan=pro&utm_term=ignored-without-source',
      hostname: 'www.example.com',
      path: '/pricing',
      title: 'Pricing',
      referrer: 'https://www.google.com/',
      referrer_host: 'www.google.com',
      referrer_type: 'search',
      channel: 'Organic Search',
      utm_source: null,
      utm_medium: null,
      utm_campaign: null,
      utm_term: 'ignored-without-source',
      utm_content: null,
      utm_id: null,
      click_id_type: null,
      click_id: null,
      ad_network: null,
      sub_ids: null,
      affiliate_link: null,
      affiliate_pattern: null,
      properties: '{"plan":"pro"}',
      traits: null,
      ip: '216.160.83.0',
      country: 'US',
      region: 'US-WA',
      city: 'Milton',
      latitude: 47.2513,
      longitude: -122.3149,
      timezone: 'America/Los_Angeles',
      asn: 209,
      as_org: null, // the ASN test source names no organization for 216.160.83.56/29
      user_agent: IPHONE_SAFARI,
      browser: 'Mobile Safari',
      browser_version: '17',
      os: 'iOS',
      os_version: '17.4.1',
      device_type: 'mobile',
      is_bot: false,
      bot_reason: null,
      screen_width: 390,
      screen_height: 844,
      viewport_width: 390,
      viewport_height: 664,
      language: 'en-US',
      dt: '2026-03-10',
    });
  });

  it('looks up GeoIP with the full address but stores only the site-truncated one', () => {
    // Prepare
    const wide: SiteContext = { settings: { ipv4PrefixBits: 16 } };

    // Act
    const row = enricher.enrich(envelope({}, { ip: '81.2.69.142' }), wide);

    // Assess
    expect(row.ip).toBe('81.2.0.0');
    expect(row).toMatchObject({ country: 'GB', region: 'GB-ENG', city: 'London' });
  });

  it('prefers CloudFront viewer geo headers over the database', () => {
    // Prepare
    const input = envelope(
      {},
      {
        ip: '81.2.69.142',
        geo: {
          country: 'fr',
          region: 'IDF',
          city: 'Paris',
          latitude: 48.86,
          longitude: 2.35,
          timezone: 'Europe/Paris',
        },
      },
    );

    // Act
    const row = enricher.enrich(input, site);

    // Assess
    expect(row).toMatchObject({
      country: 'FR',
      region: 'FR-IDF',
      city: 'Paris',
      latitude: 48.86,
      longitude: 2.35,
      timezone: 'Europe/Paris',
    });
  });

  it('uses a Segment clientIp and clientUserAgent over the connection, ignoring the connection geo', () => {
    // Prepare
    const input = envelope(
      { clientIp: '89.160.20.115', clientUserAgent: IPHONE_SAFARI },
      { ip: '52.94.1.1', userAgent: 'analytics-node/2.0', geo: { country: 'US' } },
      { source: 'segment' },
    );

    // Act
    const row = enricher.enrich(input, site);

    // Assess
    expect(row).toMatchObject({ ip: '89.160.20.0', country: 'SE', city: 'Linköping', browser: 'Mobile Safari' });
  });

  it('does not take a postback caller for the visitor', () => {
    // Prepare
    const input = envelope(
      { type: 'conversion', name: 'sale' },
      { ip: '81.2.69.142', userAgent: 'ImpactPostback/1.0' },
      { source: 'postback' },
    );

    // Act
    const row = enricher.enrich(input, site);

    // Assess
    expect(row).toMatchObject({ ip: null, country: null, user_agent: null, is_bot: false });
  });

  it('removes personal data from traits', () => {
    // Prepare
    const input = envelope({
      type: 'identify',
      userId: 'u-1',
      traits: {
        email: 'ada@example.com',
        phone: '+44 20 7946 0000',
        name: 'Ada Lovelace',
        firstName: 'Ada',
        last_name: 'Lovelace',
        address: { street: '1 Main St', city: 'London' },
        backup_contact: 'ada.l@example.org',
        plan: 'pro',
        seats: 5,
      },
    });

    // Act
    const row = enricher.enrich(input, site);

    // Assess
    expect(JSON.parse(row.traits ?? 'null')).toEqual({ plan: 'pro', seats: 5 });
    expect(row.user_id).toBe('u-1');
  });

  it('removes personal data held under a key of its own inside a trait object', () => {
    // Prepare
    const input = envelope({
      type: 'identify',
      userId: 'u-2',
      traits: { billing: { phone: '+44 20 7946 0111', full_name: 'Ada King', plan: 'annual' }, seats: 5 },
    });

    // Act
    const row = enricher.enrich(input, site);

    // Assess
    expect(JSON.parse(row.traits ?? 'null')).toEqual({ billing: { plan: 'annual' }, seats: 5 });
  });

  it.each([
    ['keeps a client time shortly before receipt', RECEIVED_AT - 60_000, RECEIVED_AT - 60_000],
    ['clamps a client time in the future to the received time', RECEIVED_AT + 60_000, RECEIVED_AT],
    ['replaces a client time older than 7 days with the received time', RECEIVED_AT - 8 * DAY, RECEIVED_AT],
    ['keeps a client time 6 days old', RECEIVED_AT - 6 * DAY, RECEIVED_AT - 6 * DAY],
    ['uses the received time without a client time', undefined, RECEIVED_AT],
  ])('%s', (_name, timestamp, expected) => {
    // Act
    const row = enricher.enrich(envelope({ timestamp }), site);

    // Assess
    expect(row.event_time).toEqual(new Date(expected));
    expect(row.dt).toBe(new Date(expected).toISOString().slice(0, 10));
  });

  it('partitions by the UTC date of the event time, not of receipt', () => {
    // Prepare
    const receivedAt = Date.parse('2026-03-11T00:00:30Z');

    // Act
    const row = enricher.enrich(envelope({ timestamp: Date.parse('2026-03-10T23:59:50Z') }, { receivedAt }), site);

    // Assess
    expect(row.dt).toBe('2026-03-10');
    expect(row.received_at).toEqual(new Date(receivedAt));
  });

  it('drops the anonymous id of a cookieless event', () => {
    expect(enricher.enrich(envelope({ cookieless: true }), site)).toMatchObject({
      anonymous_id: null,
      cookieless: true,
    });
  });

  it('marks an affiliate click the tracker matched with the site pattern', () => {
    // Prepare
    const input = envelope({
      type: 'track',
      name: 'affiliate_click',
      properties: { href: 'https://amzn.to/3xYz', pattern: 'AMZN.TO/*' },
    });

    // Act
    const row = enricher.enrich(input, site);

    // Assess
    expect(row).toMatchObject({ affiliate_link: true, affiliate_pattern: 'amzn.to/*' });
  });

  it('matches an outbound click against the site patterns itself', () => {
    // Prepare
    const input = envelope({
      type: 'track',
      name: 'outbound_click',
      properties: { href: 'https://www.awin1.com/cread.php?awinmid=1' },
    });

    // Act
    const row = enricher.enrich(input, site);

    // Assess
    expect(row).toMatchObject({ affiliate_link: true, affiliate_pattern: '*.awin1.com/cread.php*' });
  });

  it('judges a redirect by its URL and a non-matching click as no affiliate link', () => {
    // Act
    const redirect = enricher.enrich(
      envelope({ type: 'click', url: 'https://amzn.to/abc' }, {}, { source: 'redirect' }),
      site,
    );
    const other = enricher.enrich(
      envelope({ type: 'track', name: 'outbound_click', properties: { href: 'https://example.org/' } }),
      site,
    );

    // Assess
    expect(redirect).toMatchObject({ affiliate_link: true, affiliate_pattern: 'amzn.to/*' });
    expect(other).toMatchObject({ affiliate_link: false, affiliate_pattern: null });
  });

  it('flags Googlebot as a bot device by its user agent', () => {
    expect(enricher.enrich(envelope({}, { userAgent: GOOGLEBOT }), site)).toMatchObject({
      is_bot: true,
      bot_reason: 'user_agent',
      device_type: 'bot',
      browser: 'Googlebot',
    });
  });

  it('flags traffic from a hosting network by its ASN', () => {
    // 1.0.0.0/24 is AS15169 (Google) in the ASN test database.
    expect(enricher.enrich(envelope({}, { ip: '1.0.0.1' }), site)).toMatchObject({
      asn: 15169,
      is_bot: true,
      bot_reason: 'datacenter_asn',
    });
  });

  it('flags a hosting provider from the Anonymous IP database', () => {
    // 71.160.223.0/24 is is_hosting_provider in the Anonymous IP test database.
    expect(enricher.enrich(envelope({}, { ip: '71.160.223.10' }), site)).toMatchObject({
      is_bot: true,
      bot_reason: 'datacenter_asn',
    });
  });

  it('flags navigator.webdriver reported as $webdriver', () => {
    expect(enricher.enrich(envelope({ properties: { $webdriver: true } }), site).bot_reason).toBe('headless');
  });

  it('carries click id, utm and sub ids into their columns and the channel', () => {
    // Prepare
    const input = envelope({
      url: 'https://www.example.com/?utm_source=facebook&utm_medium=paid_social&utm_campaign=launch&fbclid=F1&sub1=creative-9',
      referrer: 'https://l.facebook.com/',
    });

    // Act
    const row = enricher.enrich(input, site);

    // Assess
    expect(row).toMatchObject({
      utm_source: 'facebook',
      utm_medium: 'paid_social',
      utm_campaign: 'launch',
      click_id_type: 'fbclid',
      click_id: 'F1',
      ad_network: 'meta',
      sub_ids: '{"sub1":"creative-9"}',
      referrer_type: 'paid',
      channel: 'Paid Social',
    });
  });

  it('applies the site channel rules before the default grouping', () => {
    // Prepare
    const withRules: SiteContext = {
      settings: { channelRules: [{ channel: 'Partners', when: { source: 'partner-a' } }] },
    };

    // Act
    const row = enricher.enrich(
      envelope({ url: 'https://www.example.com/?utm_source=partner-a&utm_medium=cpc' }),
      withRules,
    );

    // Assess
    expect(row.channel).toBe('Partners');
  });

  it('prefers the client time zone over the GeoIP one', () => {
    expect(enricher.enrich(envelope({ timezone: 'Europe/Berlin' }), site).timezone).toBe('Europe/Berlin');
    expect(enricher.enrich(envelope({}), site).timezone).toBe('Europe/Stockholm');
  });

  it('nulls screen sizes that are not plausible pixel counts', () => {
    expect(enricher.enrich(envelope({ screen: { width: -1, height: 1e9 } }), site)).toMatchObject({
      screen_width: null,
      screen_height: null,
    });
  });
});

describe('createEnricher().enrichBatch', () => {
  let enricher: Enricher;

  beforeAll(async () => {
    enricher = createEnricher({ geo: await openGeoIp({ cityPath: CITY_DB, asnPath: ASN_DB }) });
  });

  it('flags every event of a visitor whose batch behaviour is inhuman, and only theirs', () => {
    // Prepare
    const scraper = Array.from({ length: 25 }, (_, i) =>
      envelope({ eventId: `s${i}`, anonymousId: 'scraper', timestamp: RECEIVED_AT - 30_000 + i * 50 }),
    );
    const reader = envelope({ eventId: 'r1', anonymousId: 'reader' });

    // Act
    const rows = enricher.enrichBatch([...scraper, reader], () => site);

    // Assess
    expect(rows).toHaveLength(26);
    expect(rows.slice(0, 25).every((row) => row.is_bot && row.bot_reason === 'behaviour')).toBe(true);
    expect(rows[25]).toMatchObject({ event_id: 'r1', is_bot: false });
  });

  it('reports events of unknown sites and malformed events as failures and enriches the rest', () => {
    // Prepare
    const unknown = envelope({ eventId: 'u1' }, {}, { siteId: 'nowhere' });
    const malformed = envelope({ eventId: 'm1', properties: { n: 1n } as unknown as Record<string, unknown> });
    const good = envelope({ eventId: 'g1' });
    const failures: EnrichmentFailure[] = [];

    // Act
    const rows = enricher.enrichBatch(
      [unknown, malformed, good] as CollectedEventEnvelope[],
      (id) => (id === 'site-1' ? site : undefined),
      (failure) => failures.push(failure),
    );

    // Assess
    expect(rows.map((row) => row.event_id)).toEqual(['g1']);
    expect(failures.map(({ index, reason }) => ({ index, reason }))).toEqual([
      { index: 0, reason: 'unknown_site' },
      { index: 1, reason: 'enrichment_failure' },
    ]);
  });
});
