import { createDuckDbAnalytics } from '../../lambdas/adapters/local/duckdb-analytics';
import { type AttributionQueryName, loadAttributionQuery } from '../../lambdas/attribution/attribution-queries';
import { runAttributionQuery } from '../../lambdas/attribution/run-attribution-query';
import { ValidationError } from '../../lambdas/core/errors';
import { LOCAL_DATABASE, renderNamedQuery } from '../../lambdas/lake/named-queries';
import type { Analytics } from '../../lambdas/ports/analytics';
import { inlineParameters } from '../athena/sql-text';
import { runCli } from '../support/run-cli';
import { makeTempDir } from '../support/temp-dir';
import { DAY_MS, journeyLake } from './support/journey-lake';

const SITE = '11111111-1111-4111-8111-111111111111';
const APP_SITE = '22222222-2222-4222-8222-222222222222';
const RANGE = { siteId: SITE, from: '2026-03-15', to: '2026-03-31' } as const;

/** Conversion 1: visitor-a buys for 100 USD on 2026-03-20 at noon, after four visits from four channels. */
const T1 = Date.UTC(2026, 2, 20, 12);
/** Conversion 2: visitor-b, who landed with an Impact click id two days earlier. */
const T2 = Date.UTC(2026, 2, 21, 9);
const SHOP = 'https://shop.example.com/';

/**
 * The fixture lake, built through the real enricher:
 *
 * visitor-a (conversion 1, everflow order-1, 100 USD, 30-day lookback, 7-day half-life):
 *   T1 − 31 d  session s0, Display (utm_medium=display)        → outside the lookback
 *   T1 − 10 d  session s1, Organic Search (Google referrer)    → touch 1
 *   T1 − 7 d   session s2, Email / spring_newsletter           → touch 2
 *   T1 − 3 d − 60 s  tracked-link click (aff-1, offer-9)       → merged into s3 (a session follows within 30 min)
 *   T1 − 3 d   session s3, Affiliates / offer-9                → touch 3
 *   T1 − 2 d   a Googlebot session                             → not a visit (bot)
 *   T1 − 1 d   session s4, Paid Search / brand                 → touch 4
 *   T1 + 1 h   session s5                                      → after the conversion
 * visitor-b: T2 − 2 d lands with ?irclickid=ir-123 (Affiliates); conversion 2 (impact act-2, 50 USD)
 *   names only that click id; pending, then approved (latest revision counts).
 * visitor-b: conversion 3 (trackier ord-3, 70 USD) pending, then rejected → left out.
 * visitor-d: conversion 4 (cake lead-4, 20 USD) with no visits → '(no touchpoint)'.
 * visitor-a: conversion 5 on 2026-04-05 → outside the range.
 */
async function buildLake(dataDir: string): Promise<void> {
  const lake = journeyLake(SITE);
  const page = (visitor: string, session: string, at: number, query: string, referrer?: string) =>
    lake.page({ visitor, session, at, url: `${SHOP}${query}`, ...(referrer ? { referrer } : {}) });
  page('visitor-a', 's0', T1 - 31 * DAY_MS, '?utm_source=banners&utm_medium=display');
  page('visitor-a', 's1', T1 - 10 * DAY_MS, '', 'https://www.google.com/');
  page('visitor-a', 's1', T1 - 10 * DAY_MS + 60_000, 'pricing');
  page('visitor-a', 's2', T1 - 7 * DAY_MS, '?utm_source=newsletter&utm_medium=email&utm_campaign=spring_newsletter');
  lake.click({
    visitor: 'visitor-a',
    at: T1 - 3 * DAY_MS - 60_000,
    affiliateId: 'aff-1',
    offerId: 'offer-9',
    subIds: { sub1: 'newsletter' },
  });
  page('visitor-a', 's3', T1 - 3 * DAY_MS, '?utm_source=aff-1&utm_medium=affiliate&utm_campaign=offer-9');
  lake.page({
    visitor: 'visitor-a',
    session: 'bot',
    at: T1 - 2 * DAY_MS,
    url: `${SHOP}?utm_source=x&utm_medium=cpc`,
    bot: true,
  });
  page('visitor-a', 's4', T1 - 1 * DAY_MS, '?utm_source=google&utm_medium=cpc&utm_campaign=brand');
  page('visitor-a', 's5', T1 + 3_600_000, '?utm_source=google&utm_medium=cpc&utm_campaign=late');
  lake.conversion({
    network: 'everflow',
    transactionId: 'order-1',
    occurredAt: T1,
    amount: 100,
    payout: 10,
    visitor: 'visitor-a',
    affiliateId: 'aff-1',
    offerId: 'offer-9',
    subIds: { sub1: 'newsletter' },
  });

  page('visitor-b', 'sb1', T2 - 2 * DAY_MS, '?irclickid=ir-123');
  const impact = {
    network: 'impact',
    transactionId: 'act-2',
    occurredAt: T2,
    amount: 50,
    payout: 5,
    clickId: 'ir-123',
  };
  lake.conversion({ ...impact, affiliateId: '123456', offerId: '4444', status: 'pending' });
  lake.conversion({
    ...impact,
    affiliateId: '123456',
    offerId: '4444',
    status: 'approved',
    revision: 1,
    receivedAt: T2 + 2 * DAY_MS,
  });
  const trackier = { network: 'trackier', transactionId: 'ord-3', occurredAt: T2, amount: 70, visitor: 'visitor-b' };
  lake.conversion({ ...trackier, status: 'pending' });
  lake.conversion({ ...trackier, status: 'rejected', revision: 1, receivedAt: T2 + DAY_MS });
  lake.conversion({
    network: 'cake',
    transactionId: 'lead-4',
    occurredAt: Date.UTC(2026, 2, 25, 8),
    amount: 20,
    visitor: 'visitor-d',
  });
  lake.conversion({
    network: 'everflow',
    transactionId: 'order-5',
    occurredAt: Date.UTC(2026, 3, 5),
    amount: 999,
    visitor: 'visitor-a',
  });

  // Affiliate clicks besides visitor-a's: another aff-1 click whose visitor sent GPC, and one for aff-2.
  lake.click({
    at: Date.UTC(2026, 2, 18),
    affiliateId: 'aff-1',
    offerId: 'offer-9',
    subIds: { sub1: 'newsletter' },
    optedOut: true,
  });
  lake.click({ at: Date.UTC(2026, 2, 19), affiliateId: 'aff-2', offerId: 'offer-9' });
  await lake.write(dataDir, 'web');

  const app = journeyLake(APP_SITE);
  const mmp = { occurredAt: Date.UTC(2026, 2, 16, 10), currency: 'USD' };
  app.conversion({
    ...mmp,
    network: 'appsflyer',
    transactionId: 'af-1',
    eventName: 'install',
    mediaSource: 'Facebook Ads',
    campaign: 'launch',
    deviceId: 'dev-1',
  });
  app.conversion({
    ...mmp,
    network: 'appsflyer',
    transactionId: 'af-2',
    eventName: 'af_purchase',
    amount: 9.99,
    mediaSource: 'Facebook Ads',
    campaign: 'launch',
    deviceId: 'dev-1',
  });
  app.conversion({
    ...mmp,
    network: 'appsflyer',
    transactionId: 'af-3',
    eventName: 'af_purchase',
    amount: 4.99,
    mediaSource: 'Facebook Ads',
    campaign: 'launch',
    deviceId: 'dev-1',
  });
  app.conversion({
    ...mmp,
    network: 'adjust',
    transactionId: 'adj-1',
    eventName: 'install',
    mediaSource: 'Google Ads',
    campaign: 'spring',
    deviceId: 'dev-2',
  });
  app.conversion({
    ...mmp,
    network: 'adjust',
    transactionId: 'adj-2',
    eventName: 'reattribution',
    mediaSource: 'Google Ads',
    campaign: 'spring',
    deviceId: 'dev-3',
  });
  app.conversion({
    ...mmp,
    network: 'branch',
    transactionId: 'br-1',
    eventName: 'install',
    status: 'rejected',
    mediaSource: 'Facebook',
    campaign: 'summer',
  });
  app.conversion({ ...mmp, network: 'everflow', transactionId: 'web-1', amount: 5 });
  await app.write(dataDir, 'app');
}

describe('attribution queries on the local lake', () => {
  let analytics: Analytics;
  let dataDir: string;
  let cleanup: () => void;

  beforeAll(async () => {
    ({ dir: dataDir, cleanup } = makeTempDir('sightline-attribution-'));
    await buildLake(dataDir);
    analytics = await createDuckDbAnalytics({ lakeDir: `${dataDir}/lake`, memoryLimit: '256MB' });
  }, 30_000);
  afterAll(async () => {
    await analytics.close();
    cleanup();
  });

  const run = async (
    name: AttributionQueryName,
    overrides: { lookbackDays?: number; halfLifeDays?: number; siteId?: string } = {},
  ) => (await runAttributionQuery(analytics, name, { ...RANGE, ...overrides }, { database: LOCAL_DATABASE })).rows;

  it('credits each visit of a four-channel journey as each model prescribes', async () => {
    // Act
    const rows = (await run('conversion-credits')).filter((r) => r.transaction_id === 'order-1');

    // Assess
    // Four touches (n = 4), oldest first. Time decay, half-life 7 days: weight = 0.5^(age / 7 d)
    //   s1 10 d: 0.5^(10/7) = 0.371499   s2 7 d: 0.5^1 = 0.5
    //   s3  3 d: 0.5^(3/7)  = 0.742997   s4 1 d: 0.5^(1/7) = 0.905724      sum = 2.520219
    //   shares: 0.371499/2.520219 = 0.147407, 0.5/… = 0.198395, 0.742997/… = 0.294814, 0.905724/… = 0.359383
    // Position-based: 0.4 first, 0.4 last, the middle two share 0.2 → 0.1 each. Linear: 1/4 each.
    const expected = [
      {
        channel: 'Organic Search',
        campaign: '(not set)',
        first: 1,
        last: 0,
        linear: 0.25,
        decay: 0.147407,
        position: 0.4,
      },
      {
        channel: 'Email',
        campaign: 'spring_newsletter',
        first: 0,
        last: 0,
        linear: 0.25,
        decay: 0.198395,
        position: 0.1,
      },
      { channel: 'Affiliates', campaign: 'offer-9', first: 0, last: 0, linear: 0.25, decay: 0.294814, position: 0.1 },
      { channel: 'Paid Search', campaign: 'brand', first: 0, last: 1, linear: 0.25, decay: 0.359383, position: 0.4 },
    ];
    expect(rows.map((r) => [r.channel, r.campaign, r.position, r.touches])).toEqual(
      expected.map((e, i) => [e.channel, e.campaign, i + 1, 4]),
    );
    rows.forEach((row, i) => {
      const e = expected[i];
      expect(row.first_touch).toBe(e?.first);
      expect(row.last_touch).toBe(e?.last);
      expect(row.linear).toBeCloseTo(e?.linear ?? Number.NaN, 6);
      expect(row.time_decay).toBeCloseTo(e?.decay ?? Number.NaN, 5);
      expect(row.position_based).toBeCloseTo(e?.position ?? Number.NaN, 6);
    });
  });

  it('puts the five models side by side per channel and campaign, with revenue', async () => {
    // Act
    const rows = await run('attribution-by-channel');

    // Assess
    // Conversion 1 (100 USD) splits as above; conversion 2 (50 USD, one touch) and conversion 4
    // (20 USD, none) give their channel 1 in every model; conversion 3 (rejected) and 5 (April) count nowhere.
    const byKey = new Map(rows.map((r) => [`${r.channel} / ${r.campaign}`, r]));
    expect([...byKey.keys()].sort()).toEqual(
      [
        '(no touchpoint) / (not set)',
        'Affiliates / (not set)',
        'Affiliates / offer-9',
        'Email / spring_newsletter',
        'Organic Search / (not set)',
        'Paid Search / brand',
      ].sort(),
    );
    const models = ['first_touch', 'last_touch', 'linear', 'time_decay', 'position_based'] as const;
    const expected: Record<string, readonly number[]> = {
      'Organic Search / (not set)': [1, 0, 0.25, 0.147407, 0.4],
      'Email / spring_newsletter': [0, 0, 0.25, 0.198395, 0.1],
      'Affiliates / offer-9': [0, 0, 0.25, 0.294814, 0.1],
      'Paid Search / brand': [0, 1, 0.25, 0.359383, 0.4],
      'Affiliates / (not set)': [1, 1, 1, 1, 1],
      '(no touchpoint) / (not set)': [1, 1, 1, 1, 1],
    };
    const amounts: Record<string, number> = { 'Affiliates / (not set)': 50, '(no touchpoint) / (not set)': 20 };
    for (const [key, credits] of Object.entries(expected)) {
      const row = byKey.get(key);
      expect(row?.currency).toBe('USD');
      models.forEach((model, i) => {
        expect(row?.[model]).toBeCloseTo(credits[i] ?? Number.NaN, 5);
        // revenue credit = conversion credit × amount (100 USD for conversion 1)
        expect(row?.[`${model}_revenue`]).toBeCloseTo((credits[i] ?? Number.NaN) * (amounts[key] ?? 100), 3);
      });
    }
    for (const model of models) {
      // every model hands out exactly one conversion per conversion: 3 conversions
      expect(rows.reduce((sum, r) => sum + Number(r[model]), 0)).toBeCloseTo(3, 6);
    }
  });

  it('narrows the touchpoints to the lookback window and reweighs time decay by the half-life', async () => {
    // Act
    const rows = (await run('conversion-credits', { lookbackDays: 5, halfLifeDays: 1 })).filter(
      (r) => r.transaction_id === 'order-1',
    );

    // Assess
    // Only s3 (3 d) and s4 (1 d) are within 5 days. Half-life 1 day: 0.5^3 = 0.125, 0.5^1 = 0.5,
    // shares 0.125/0.625 = 0.2 and 0.5/0.625 = 0.8. Two touches: position-based 0.5 / 0.5.
    expect(rows.map((r) => r.channel)).toEqual(['Affiliates', 'Paid Search']);
    expect(rows.map((r) => r.time_decay)).toEqual([expect.closeTo(0.2, 6), expect.closeTo(0.8, 6)]);
    expect(rows.map((r) => r.position_based)).toEqual([0.5, 0.5]);
  });

  it('reports affiliate clicks, cookie drops, conversions, payout and EPC by affiliate, offer and sub id', async () => {
    // Act
    const rows = await run('affiliate-stats');

    // Assess
    // aff-1 / offer-9 / newsletter: 2 clicks (one from a GPC visitor: no cookie), order-1 (100, payout 10)
    //   → EPC 10 / 2 = 5, conversion rate 1 / 2.
    // aff-2: 1 click, no conversion → EPC 0. Impact's partner 123456 converted without a tracked click;
    // cake lead-4 names no affiliate. Rejected and out-of-range conversions are left out.
    expect(rows).toEqual([
      expect.objectContaining({
        affiliate_id: 'aff-1',
        offer_id: 'offer-9',
        sub_id: 'newsletter',
        clicks: 2,
        cookie_drops: 1,
        conversions: 1,
        revenue: 100,
        payout: 10,
        currency: 'USD',
        epc: 5,
        conversion_rate: 0.5,
      }),
      expect.objectContaining({
        affiliate_id: '123456',
        offer_id: '4444',
        sub_id: '(none)',
        clicks: 0,
        conversions: 1,
        revenue: 50,
        payout: 5,
        epc: null,
      }),
      expect.objectContaining({
        affiliate_id: 'aff-2',
        offer_id: 'offer-9',
        sub_id: '(none)',
        clicks: 1,
        cookie_drops: 1,
        conversions: 0,
        payout: 0,
        epc: 0,
        conversion_rate: 0,
      }),
      expect.objectContaining({
        affiliate_id: '(none)',
        offer_id: '(none)',
        sub_id: '(none)',
        clicks: 0,
        conversions: 1,
        revenue: 20,
        payout: 0,
      }),
    ]);
  });

  it('counts mobile installs and in-app events by network, media source and campaign', async () => {
    // Act
    const rows = await run('mobile-installs', { siteId: APP_SITE });

    // Assess
    // AppsFlyer: 1 install + 2 purchases (9.99 + 4.99 = 14.98) from one device. Adjust: 1 install,
    // 1 re-attribution. Branch's install was rejected; the everflow row is not a mobile network.
    // Most installs first, then most in-app events.
    expect(rows).toEqual([
      expect.objectContaining({
        network: 'appsflyer',
        media_source: 'Facebook Ads',
        campaign: 'launch',
        installs: 1,
        reinstalls: 0,
        in_app_events: 2,
        event_devices: 1,
        revenue: expect.closeTo(14.98, 6),
        currency: 'USD',
      }),
      expect.objectContaining({
        network: 'adjust',
        media_source: 'Google Ads',
        campaign: 'spring',
        installs: 1,
        reinstalls: 1,
        in_app_events: 0,
        revenue: 0,
      }),
    ]);
  });

  it('refuses parameters out of bounds with a 400 naming the field', async () => {
    // Act
    const act = (request: Partial<Parameters<typeof runAttributionQuery>[2]>) =>
      runAttributionQuery(analytics, 'attribution-by-channel', { ...RANGE, ...request }, { database: LOCAL_DATABASE });

    // Assess
    await expect(act({ lookbackDays: 0 })).rejects.toMatchObject({ field: 'lookbackDays' });
    await expect(act({ halfLifeDays: 1_000 })).rejects.toMatchObject({ field: 'halfLifeDays' });
    await expect(act({ to: '2026-03-01' })).rejects.toMatchObject({ field: 'to' });
    await expect(act({ siteId: "x' or 1=1 --" })).rejects.toThrow(ValidationError);
  });

  it('runs through `sightline query --engine athena` with the parameters written in', async () => {
    // Prepare
    // site_id, from_date, from_date, to_date, site_id, from_date, lookback_days, to_date, lookback_days, half_life_days
    const params = [SITE, RANGE.from, RANGE.from, RANGE.to, SITE, RANGE.from, 30, RANGE.to, 30, 7];
    const sql = inlineParameters(
      renderNamedQuery(loadAttributionQuery('attribution-by-channel'), { database: LOCAL_DATABASE }),
      params,
    );

    // Act
    const result = await runCli(['query', '--engine', 'athena', '--format', 'json', '--', sql], {
      SIGHTLINE_DATA_DIR: dataDir,
    });

    // Assess
    expect(result.code).toBe(0);
    const rows = JSON.parse(result.stdout) as Record<string, unknown>[];
    const paid = rows.find((r) => r.channel === 'Paid Search');
    expect(paid).toMatchObject({ campaign: 'brand', first_touch: 0, last_touch: 1, linear: 0.25 });
    expect(paid?.time_decay).toBeCloseTo(0.359383, 5);
  }, 60_000);
});
