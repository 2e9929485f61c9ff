import { createLocalObjectStore } from '../../lambdas/adapters/local/local-object-store';
import { createParquetLakeSink } from '../../lambdas/adapters/local/parquet-lake-sink';
import { eventsTable } from '../../lambdas/lake/tables';

/**
 * A small lake for the named-query tests, written with the real Parquet writer. Site `s1`, two
 * ISO weeks (Mon 2026-03-02 .. Sun 2026-03-15), five human visitors and two bots, plus rows the
 * queries must not see: another site, and a day after the range.
 *
 * Visitors (device, place):
 * - a: desktop Chrome macOS, San Francisco. Lands from a Google ad (gclid, utm google/cpc/spring),
 *      views /pricing, signs up, purchases; comes back the next week (direct).
 * - b: mobile Mobile Safari iOS, Berlin. Organic search to /blog/post with 15 s engagement; next
 *      day /pricing with only 3 s engagement (a bounce); the day after, /pricing from a newsletter
 *      (utm newsletter/email/march) and signs up 30 minutes later.
 * - c: mobile Chrome Android, San Francisco. Lands from a Meta ad (fbclid, utm facebook/paid_social/spring)
 *      and clicks out; the next week views /pricing again (a new session, internal referrer).
 * - d: desktop Chrome macOS, Paris; cookieless (no anonymous or session id), so counted by IP and user
 *      agent and sessionized by 30-minute gaps: /, /pricing 10 min later, / again 50 min after that.
 * - e: tablet Safari iPadOS, London; server-side events with an anonymous id but no session id:
 *      /docs, /docs/api 20 min later, /docs 40 min after that. First seen in week 2.
 * - bots x (user_agent, 3 page views) and y (datacenter_asn, 1 page view).
 */
export const FIXTURE = { siteId: 's1', fromDate: '2026-03-02', toDate: '2026-03-15' } as const;

type Row = Record<string, unknown>;

const visitors: Readonly<Record<string, Row>> = {
  a: { anonymous_id: 'a', ip: '198.51.100.1', user_agent: 'UA-A', ...desktop('San Francisco') },
  b: {
    anonymous_id: 'b',
    ip: '198.51.100.2',
    user_agent: 'UA-B',
    device_type: 'mobile',
    browser: 'Mobile Safari',
    os: 'iOS',
    country: 'DE',
    region: 'DE-BE',
    city: 'Berlin',
  },
  c: {
    anonymous_id: 'c',
    ip: '198.51.100.3',
    user_agent: 'UA-C',
    device_type: 'mobile',
    browser: 'Chrome',
    os: 'Android',
    country: 'US',
    region: 'US-CA',
    city: 'San Francisco',
  },
  d: { anonymous_id: null, cookieless: true, ip: '203.0.113.0', user_agent: 'UA-D', ...desktop('Paris') },
  e: {
    anonymous_id: 'e',
    source: 'server',
    ip: '198.51.100.5',
    user_agent: 'UA-E',
    device_type: 'tablet',
    browser: 'Safari',
    os: 'iPadOS',
    country: 'GB',
    region: 'GB-LND',
    city: 'London',
  },
  x: {
    anonymous_id: 'x',
    ip: '192.0.2.1',
    user_agent: 'Bot-X',
    device_type: 'bot',
    is_bot: true,
    bot_reason: 'user_agent',
  },
  y: { anonymous_id: 'y', ip: '192.0.2.2', user_agent: 'UA-Y', is_bot: true, bot_reason: 'datacenter_asn' },
};

function desktop(city: 'San Francisco' | 'Paris'): Row {
  const place =
    city === 'Paris'
      ? { country: 'FR', region: 'FR-IDF', city: 'Paris' }
      : { country: 'US', region: 'US-CA', city: 'San Francisco' };
  return { device_type: 'desktop', browser: 'Chrome', os: 'macOS', ...place };
}

const direct = { channel: 'Direct', referrer_type: 'direct' };
const internal = { channel: 'Direct', referrer_type: 'internal', referrer_host: 'shop.example' };
const page = (path: string, extra: Row = {}): Row => ({ event_type: 'page', path, ...extra });
const engagement = (visibleMs: number): Row => ({
  event_type: 'engagement',
  event_name: 'page_engagement',
  properties: JSON.stringify({ visible_ms: visibleMs, max_scroll: 50 }),
  ...internal,
});

/** [id, visitor, session_id, time (UTC), columns] */
type Spec = readonly [string, string, string | null, string, Row];

const specs: readonly Spec[] = [
  [
    'a-1',
    'a',
    'a1',
    '2026-03-02T10:00:00Z',
    page('/', {
      channel: 'Paid Search',
      referrer_host: 'www.google.com',
      referrer_type: 'paid',
      utm_source: 'google',
      utm_medium: 'cpc',
      utm_campaign: 'spring',
      click_id_type: 'gclid',
      click_id: 'g-1',
      ad_network: 'google_ads',
    }),
  ],
  ['a-2', 'a', 'a1', '2026-03-02T10:00:30Z', page('/pricing', internal)],
  ['a-3', 'a', 'a1', '2026-03-02T10:02:00Z', { event_type: 'track', event_name: 'signup', ...internal }],
  ['a-4', 'a', 'a1', '2026-03-02T10:05:00Z', { event_type: 'conversion', event_name: 'purchase', ...internal }],
  ['a-5', 'a', 'a2', '2026-03-09T09:00:00Z', page('/', direct)],
  [
    'b-1',
    'b',
    'b1',
    '2026-03-02T12:00:00Z',
    page('/blog/post', { channel: 'Organic Search', referrer_host: 'www.google.com', referrer_type: 'search' }),
  ],
  ['b-2', 'b', 'b1', '2026-03-02T12:00:40Z', engagement(15_000)],
  ['b-3', 'b', 'b2', '2026-03-03T08:00:00Z', page('/pricing', direct)],
  ['b-4', 'b', 'b2', '2026-03-03T08:00:03Z', engagement(3_000)],
  [
    'b-5',
    'b',
    'b3',
    '2026-03-04T08:30:00Z',
    page('/pricing', {
      channel: 'Email',
      referrer_host: 'news.example.org',
      referrer_type: 'email',
      utm_source: 'newsletter',
      utm_medium: 'email',
      utm_campaign: 'march',
    }),
  ],
  ['b-6', 'b', 'b3', '2026-03-04T09:00:00Z', { event_type: 'track', event_name: 'signup', ...internal }],
  [
    'c-1',
    'c',
    'c1',
    '2026-03-04T14:00:00Z',
    page('/landing', {
      channel: 'Paid Social',
      referrer_host: 'm.facebook.com',
      referrer_type: 'paid',
      utm_source: 'facebook',
      utm_medium: 'paid_social',
      utm_campaign: 'spring',
      click_id_type: 'fbclid',
      click_id: 'fb-1',
      ad_network: 'meta',
    }),
  ],
  ['c-2', 'c', 'c1', '2026-03-04T14:00:05Z', { event_type: 'click', event_name: 'outbound_click', ...internal }],
  // c2 starts on a link from a tab left open on the site: an internal referrer.
  ['c-3', 'c', 'c2', '2026-03-10T10:00:00Z', page('/pricing', internal)],
  [
    'd-1',
    'd',
    null,
    '2026-03-05T16:00:00Z',
    page('/', { channel: 'Referral', referrer_host: 'blog.example.net', referrer_type: 'other' }),
  ],
  ['d-2', 'd', null, '2026-03-05T16:10:00Z', page('/pricing', internal)],
  ['d-3', 'd', null, '2026-03-05T17:00:00Z', page('/', direct)],
  ['e-1', 'e', null, '2026-03-11T15:00:00Z', page('/docs', direct)],
  ['e-2', 'e', null, '2026-03-11T15:20:00Z', page('/docs/api', direct)],
  ['e-3', 'e', null, '2026-03-11T16:00:00Z', page('/docs', direct)],
  ['x-1', 'x', 'x1', '2026-03-02T03:00:00Z', page('/', direct)],
  ['x-2', 'x', 'x1', '2026-03-02T03:00:01Z', page('/', direct)],
  ['x-3', 'x', 'x1', '2026-03-02T03:00:02Z', page('/', direct)],
  ['y-1', 'y', 'y1', '2026-03-03T04:00:00Z', page('/pricing', direct)],
  // Not in the answers: a day after the range, and another site on a day inside it.
  ['a-6', 'a', 'a3', '2026-03-16T10:00:00Z', page('/', direct)],
  ['z-1', 'a', 'z1', '2026-03-02T10:00:00Z', page('/', { ...direct, site_id: 's2' })],
];

/** The fixture's rows, with every column the enricher always sets. */
export function fixtureRows(): Row[] {
  return specs.map(([id, visitor, sessionId, time, columns]) => {
    const at = new Date(time);
    return {
      event_id: id,
      site_id: FIXTURE.siteId,
      organization_id: 'o1',
      event_time: at,
      received_at: at,
      source: 'tracker',
      session_id: sessionId,
      cookieless: false,
      is_bot: false,
      ...visitors[visitor],
      ...columns,
      dt: time.slice(0, 10),
    };
  });
}

/**
 * One more event for a test to add: the cookieless visitor d's first event (`d-1`) at another
 * time, with `columns` over it.
 */
export function fixtureEvent(id: string, time: string, columns: Record<string, unknown>): Row {
  const template = fixtureRows().find((row) => row.event_id === 'd-1') as Row;
  const at = new Date(time);
  return { ...template, event_id: id, event_time: at, received_at: at, dt: time.slice(0, 10), ...columns };
}

/** Writes the fixture into `dir` as the local runtime lays the lake out. */
export async function writeFixtureLake(dir: string): Promise<void> {
  const sink = createParquetLakeSink(createLocalObjectStore({ root: dir }));
  await sink.write(eventsTable, fixtureRows(), 'fixture');
}
