import { createDuckDbAnalytics } from '../../lambdas/adapters/local/duckdb-analytics';
import { LOCAL_DATABASE } from '../../lambdas/lake/named-queries';
import { runNamedQuery } from '../../lambdas/lake/named-query-runner';
import type { Analytics, AnalyticsParam } from '../../lambdas/ports/analytics';
import { makeTempDir } from '../support/temp-dir';
import { FIXTURE, writeFixtureLake } from './fixture-lake';

/**
 * Every named query on the fixture lake (see fixture-lake.ts for who did what), against answers
 * worked out by hand. Human events in range: a 5, b 6, c 3, d 3, e 3 = 20; page views among
 * them: a 3, b 3, c 2, d 3, e 3 = 14. Bots: x 3 page views, y 1.
 *
 * Sessions (d and e have no session id: split at gaps over 30 minutes):
 *   a1  03-02 10:00:00–10:05:00  300 s  / → /pricing, signup, purchase      Paid Search (gclid, google/cpc/spring)
 *   b1  03-02 12:00:00–12:00:40   40 s  /blog/post, 15 s engaged            Organic Search
 *   b2  03-03 08:00:00–08:00:03    3 s  /pricing, 3 s engaged → bounce      Direct
 *   b3  03-04 08:30:00–09:00:00 1800 s  /pricing, signup                    Email (newsletter/email/march)
 *   c1  03-04 14:00:00–14:00:05    5 s  /landing, outbound click            Paid Social (fbclid, facebook/paid_social/spring)
 *   d#1 03-05 16:00:00–16:10:00  600 s  / → /pricing                        Referral (blog.example.net)
 *   d#2 03-05 17:00:00             0 s  / → bounce                          Direct
 *   a2  03-09 09:00:00             0 s  / → bounce                          Direct
 *   c2  03-10 10:00:00             0 s  /pricing → bounce                   Direct (internal referrer)
 *   e#1 03-11 15:00:00–15:20:00 1200 s  /docs → /docs/api                   Direct
 *   e#2 03-11 16:00:00             0 s  /docs → bounce                      Direct
 */
describe('named queries on the fixture lake (DuckDB)', () => {
  let analytics: Analytics;
  let cleanup: () => void;

  beforeAll(async () => {
    const temp = makeTempDir('sightline-athena-');
    cleanup = temp.cleanup;
    await writeFixtureLake(temp.dir);
    analytics = await createDuckDbAnalytics({ lakeDir: temp.dir });
  });
  afterAll(async () => {
    await analytics.close();
    cleanup();
  });

  const run = async (name: string, extra: Record<string, AnalyticsParam> = {}) =>
    (
      await runNamedQuery(
        analytics,
        name,
        { site_id: FIXTURE.siteId, from_date: FIXTURE.fromDate, to_date: FIXTURE.toDate, ...extra },
        { database: LOCAL_DATABASE },
      )
    ).rows;

  it('counts page views and visitors per day, a cookieless visitor by IP and user agent', async () => {
    // Act
    const rows = await run('daily-pageviews-and-visitors');

    // Assess: bots x, y, site s2 and 03-16 are not counted.
    expect(rows).toEqual([
      { day: '2026-03-02', pageviews: 3, visitors: 2 }, // a-1, a-2, b-1; a, b
      { day: '2026-03-03', pageviews: 1, visitors: 1 }, // b-3 (b-4 is engagement)
      { day: '2026-03-04', pageviews: 2, visitors: 2 }, // b-5, c-1; b, c
      { day: '2026-03-05', pageviews: 3, visitors: 1 }, // d-1..d-3, one IP + user agent
      { day: '2026-03-09', pageviews: 1, visitors: 1 }, // a-5
      { day: '2026-03-10', pageviews: 1, visitors: 1 }, // c-3
      { day: '2026-03-11', pageviews: 3, visitors: 1 }, // e-1..e-3
    ]);
  });

  it('summarises sessions per start day: duration, bounces and page views per session', async () => {
    // Act
    const rows = await run('sessions');

    // Assess
    expect(rows).toEqual([
      // a1 300 s + b1 40 s; b1 has one page view but 15 s engaged, so no bounce; (2 + 1) / 2 page views
      {
        day: '2026-03-02',
        sessions: 2,
        bounces: 0,
        bounce_rate: 0,
        avg_duration_seconds: 170,
        pageviews_per_session: 1.5,
      },
      // b2: one page view, 3 s engaged (< 10 s)
      { day: '2026-03-03', sessions: 1, bounces: 1, bounce_rate: 1, avg_duration_seconds: 3, pageviews_per_session: 1 },
      // b3 (signup is engagement) 1800 s + c1 (click is engagement) 5 s = 1805 / 2
      {
        day: '2026-03-04',
        sessions: 2,
        bounces: 0,
        bounce_rate: 0,
        avg_duration_seconds: 902.5,
        pageviews_per_session: 1,
      },
      // d#1 600 s, 2 page views; d#2 0 s, bounce: (600 + 0) / 2, (2 + 1) / 2
      {
        day: '2026-03-05',
        sessions: 2,
        bounces: 1,
        bounce_rate: 0.5,
        avg_duration_seconds: 300,
        pageviews_per_session: 1.5,
      },
      { day: '2026-03-09', sessions: 1, bounces: 1, bounce_rate: 1, avg_duration_seconds: 0, pageviews_per_session: 1 },
      { day: '2026-03-10', sessions: 1, bounces: 1, bounce_rate: 1, avg_duration_seconds: 0, pageviews_per_session: 1 },
      // e#1 1200 s (20-minute gap kept), e#2 0 s after a 40-minute gap: (1200 + 0) / 2
      {
        day: '2026-03-11',
        sessions: 2,
        bounces: 1,
        bounce_rate: 0.5,
        avg_duration_seconds: 600,
        pageviews_per_session: 1.5,
      },
    ]);
  });

  it('ranks pages by page views, with the visitors who viewed them', async () => {
    // Act
    const rows = await run('top-pages');

    // Assess
    expect(rows).toEqual([
      { path: '/pricing', pageviews: 5, visitors: 4 }, // a-2, b-3, b-5, c-3, d-2 (bot y not counted)
      { path: '/', pageviews: 4, visitors: 2 }, // a-1, a-5, d-1, d-3 (bot x not counted)
      { path: '/docs', pageviews: 2, visitors: 1 }, // e-1, e-3
      { path: '/blog/post', pageviews: 1, visitors: 1 },
      { path: '/docs/api', pageviews: 1, visitors: 1 },
      { path: '/landing', pageviews: 1, visitors: 1 },
    ]);
  });

  it('counts the first and last page view of each session as entry and exit', async () => {
    // Act
    const rows = await run('entry-and-exit-pages');

    // Assess
    expect(rows).toEqual([
      // entries a1, d#1, d#2, a2; exits d#2, a2: 2 / 4
      { path: '/', pageviews: 4, entries: 4, exits: 2, exit_rate: 0.5 },
      // entries b2, b3, c2; exits a1, b2, b3, d#1, c2: 5 / 5
      { path: '/pricing', pageviews: 5, entries: 3, exits: 5, exit_rate: 1 },
      // entries e#1, e#2; exit e#2 (e#1 leaves from /docs/api): 1 / 2
      { path: '/docs', pageviews: 2, entries: 2, exits: 1, exit_rate: 0.5 },
      { path: '/blog/post', pageviews: 1, entries: 1, exits: 1, exit_rate: 1 },
      { path: '/landing', pageviews: 1, entries: 1, exits: 1, exit_rate: 1 },
      { path: '/docs/api', pageviews: 1, entries: 0, exits: 1, exit_rate: 1 },
    ]);
  });

  it('attributes sessions, page views and conversions to the landing channel', async () => {
    // Act
    const rows = await run('channels');

    // Assess: later events of a1 say Direct (internal referrer) but the session stays Paid Search.
    expect(rows).toEqual([
      // b2, d#2, a2, c2, e#1, e#2; visitors b, d, a, c, e; page views 1 + 1 + 1 + 1 + 2 + 1
      { channel: 'Direct', sessions: 6, visitors: 5, pageviews: 7, conversions: 0 },
      { channel: 'Email', sessions: 1, visitors: 1, pageviews: 1, conversions: 0 }, // b3
      { channel: 'Organic Search', sessions: 1, visitors: 1, pageviews: 1, conversions: 0 }, // b1
      { channel: 'Paid Search', sessions: 1, visitors: 1, pageviews: 2, conversions: 1 }, // a1 with its purchase
      { channel: 'Paid Social', sessions: 1, visitors: 1, pageviews: 1, conversions: 0 }, // c1
      { channel: 'Referral', sessions: 1, visitors: 1, pageviews: 2, conversions: 0 }, // d#1
    ]);
  });

  it('attributes sessions to the landing referrer, leaving out direct and internal ones (c2)', async () => {
    // Act
    const rows = await run('referrers');

    // Assess: one session each; Google paid (a1) and organic (b1) stay apart by referrer_type.
    expect(rows).toEqual([
      {
        referrer_host: 'blog.example.net',
        referrer_type: 'other',
        sessions: 1,
        visitors: 1,
        pageviews: 2,
        conversions: 0,
      },
      {
        referrer_host: 'm.facebook.com',
        referrer_type: 'paid',
        sessions: 1,
        visitors: 1,
        pageviews: 1,
        conversions: 0,
      },
      {
        referrer_host: 'news.example.org',
        referrer_type: 'email',
        sessions: 1,
        visitors: 1,
        pageviews: 1,
        conversions: 0,
      },
      {
        referrer_host: 'www.google.com',
        referrer_type: 'paid',
        sessions: 1,
        visitors: 1,
        pageviews: 2,
        conversions: 1,
      },
      {
        referrer_host: 'www.google.com',
        referrer_type: 'search',
        sessions: 1,
        visitors: 1,
        pageviews: 1,
        conversions: 0,
      },
    ]);
  });

  it('attributes sessions to the UTM campaign of their landing URL', async () => {
    // Act
    const rows = await run('utm-campaigns');

    // Assess
    expect(rows).toEqual([
      {
        utm_campaign: 'march',
        utm_source: 'newsletter',
        utm_medium: 'email',
        sessions: 1,
        visitors: 1,
        pageviews: 1,
        conversions: 0,
      },
      {
        utm_campaign: 'spring',
        utm_source: 'facebook',
        utm_medium: 'paid_social',
        sessions: 1,
        visitors: 1,
        pageviews: 1,
        conversions: 0,
      },
      {
        utm_campaign: 'spring',
        utm_source: 'google',
        utm_medium: 'cpc',
        sessions: 1,
        visitors: 1,
        pageviews: 2,
        conversions: 1,
      },
    ]);
  });

  it('counts visitors and page views by place', async () => {
    // Act
    const rows = await run('geography');

    // Assess
    expect(rows).toEqual([
      { country: 'US', region: 'US-CA', city: 'San Francisco', visitors: 2, pageviews: 5 }, // a 3 + c 2
      { country: 'DE', region: 'DE-BE', city: 'Berlin', visitors: 1, pageviews: 3 },
      { country: 'FR', region: 'FR-IDF', city: 'Paris', visitors: 1, pageviews: 3 },
      { country: 'GB', region: 'GB-LND', city: 'London', visitors: 1, pageviews: 3 },
    ]);
  });

  it('counts visitors and page views by device type, browser and OS', async () => {
    // Act
    const rows = await run('devices-and-browsers');

    // Assess
    expect(rows).toEqual([
      { device_type: 'desktop', browser: 'Chrome', os: 'macOS', visitors: 2, pageviews: 6 }, // a 3 + d 3
      { device_type: 'mobile', browser: 'Mobile Safari', os: 'iOS', visitors: 1, pageviews: 3 }, // b
      { device_type: 'tablet', browser: 'Safari', os: 'iPadOS', visitors: 1, pageviews: 3 }, // e
      { device_type: 'mobile', browser: 'Chrome', os: 'Android', visitors: 1, pageviews: 2 }, // c
    ]);
  });

  it('splits events into human traffic and bots by reason, with each share of all 24 events', async () => {
    // Act
    const rows = await run('bot-share');

    // Assess
    expect(rows).toEqual([
      { is_bot: false, bot_reason: null, events: 20, pageviews: 14, visitors: 5, event_share: 0.8333 }, // 20 / 24
      { is_bot: true, bot_reason: 'datacenter_asn', events: 1, pageviews: 1, visitors: 1, event_share: 0.0417 }, // 1 / 24
      { is_bot: true, bot_reason: 'user_agent', events: 3, pageviews: 3, visitors: 1, event_share: 0.125 }, // 3 / 24
    ]);
  });

  it('attributes sessions to the ad network of the click id they landed with', async () => {
    // Act
    const rows = await run('click-id-networks');

    // Assess
    expect(rows).toEqual([
      {
        ad_network: 'google_ads',
        click_id_type: 'gclid',
        sessions: 1,
        click_ids: 1,
        visitors: 1,
        pageviews: 2,
        conversions: 1,
      },
      {
        ad_network: 'meta',
        click_id_type: 'fbclid',
        sessions: 1,
        click_ids: 1,
        visitors: 1,
        pageviews: 1,
        conversions: 0,
      },
    ]);
  });

  it('follows visitors through ordered funnel steps within the window of a step-1 event', async () => {
    // Act
    const rows = await run('funnel', {
      window_seconds: 86_400,
      step1: '/pricing',
      step2: 'signup',
      step3: 'purchase',
      step4: null,
    });

    // Assess
    // /pricing: a (03-02), b (03-03 and 03-04), c (03-10), d (03-05) = 4.
    // signup within a day: a 90 s after; b's 03-03 visit is 25 h before the signup, but its
    // 03-04 08:30 visit is 30 min before it = 2. purchase after signup: a only = 1.
    expect(rows).toEqual([
      { step: 1, step_key: '/pricing', visitors: 4, conversion_rate: 1 },
      { step: 2, step_key: 'signup', visitors: 2, conversion_rate: 0.5 },
      { step: 3, step_key: 'purchase', visitors: 1, conversion_rate: 0.25 },
    ]);
  });

  it('drops visitors whose next step falls outside a shorter window, and keeps step order', async () => {
    // Act
    const rows = await run('funnel', { window_seconds: 60, step1: '/pricing', step2: 'signup' });
    const reversed = await run('funnel', { window_seconds: 86_400, step1: 'signup', step2: '/pricing' });

    // Assess
    // a signs up 90 s and b 30 min after /pricing: neither within 60 s.
    expect(rows).toEqual([
      { step: 1, step_key: '/pricing', visitors: 4, conversion_rate: 1 },
      { step: 2, step_key: 'signup', visitors: 0, conversion_rate: 0 },
    ]);
    // a and b sign up; no /pricing view follows either signup within a day.
    expect(reversed).toEqual([
      { step: 1, step_key: 'signup', visitors: 2, conversion_rate: 1 },
      { step: 2, step_key: '/pricing', visitors: 0, conversion_rate: 0 },
    ]);
  });

  it('groups visitors into first-seen week cohorts and counts who returns each week', async () => {
    // Act
    const rows = await run('retention-cohorts');

    // Assess
    // Week of 03-02: a, b, c, d first seen; a (03-09) and c (03-10) return in week 1: 2 / 4.
    // Week of 03-09: e first seen.
    expect(rows).toEqual([
      { cohort_week: '2026-03-02', week_number: 0, cohort_size: 4, visitors: 4, retention: 1 },
      { cohort_week: '2026-03-02', week_number: 1, cohort_size: 4, visitors: 2, retention: 0.5 },
      { cohort_week: '2026-03-09', week_number: 0, cohort_size: 1, visitors: 1, retention: 1 },
    ]);
  });

  it('sees only the site and days it is asked for', async () => {
    // Act
    const otherSite = await run('top-pages', { site_id: 's2' });
    const dayAfter = await run('top-pages', { from_date: '2026-03-16', to_date: '2026-03-16' });

    // Assess
    expect(otherSite).toEqual([{ path: '/', pageviews: 1, visitors: 1 }]); // z-1
    expect(dayAfter).toEqual([{ path: '/', pageviews: 1, visitors: 1 }]); // a-6
  });
});
