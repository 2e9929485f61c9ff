import { dirname } from 'node:path';
import { DAY_MS, journeyLake } from '../attribution/support/journey-lake';
import { type ApiFixture, createApiFixture } from './support/api-fixture';

const RANGE = { from: '2026-03-15', to: '2026-03-31' } as const;
const SHOP = 'https://shop.example.com/';
/** visitor-a buys for 100 USD after three visits. */
const T1 = Date.UTC(2026, 2, 20, 12);
/** visitor-c buys for 50 USD after one visit. */
const T2 = Date.UTC(2026, 2, 22, 9);

/**
 * visitor-a (order-1, 100 USD): T1 − 10 d Organic Search (Google referrer), T1 − 7 d Email /
 *   spring_newsletter, T1 − 1 d Paid Search / brand.
 *   Time decay, half-life 7 d: weights 0.5^(10/7) = 0.371499, 0.5, 0.5^(1/7) = 0.905724 (sum 1.777223)
 *   → shares 0.209034, 0.281338, 0.509628. Position-based: 0.4 / 0.2 / 0.4. Linear: 1/3 each.
 * visitor-c (order-2, 50 USD): T2 − 2 d Paid Search / generic → 1 in every model.
 * visitor-d (lead-3, 20 USD): no visits → '(no touchpoint)', 1 in every model.
 */
async function writeJourneys(lakeDir: string, siteId: string): Promise<void> {
  const lake = journeyLake(siteId);
  const page = (visitor: string, session: string, at: number, query: string, referrer?: string) =>
    lake.page({ visitor, session, at, url: `${SHOP}${query}`, ...(referrer ? { referrer } : {}) });
  page('visitor-a', 'a1', T1 - 10 * DAY_MS, '', 'https://www.google.com/');
  page('visitor-a', 'a2', T1 - 7 * DAY_MS, '?utm_source=newsletter&utm_medium=email&utm_campaign=spring_newsletter');
  page('visitor-a', 'a3', T1 - 1 * DAY_MS, '?utm_source=google&utm_medium=cpc&utm_campaign=brand');
  lake.conversion({ network: 'everflow', transactionId: 'order-1', occurredAt: T1, amount: 100, visitor: 'visitor-a' });
  page('visitor-c', 'c1', T2 - 2 * DAY_MS, '?utm_source=google&utm_medium=cpc&utm_campaign=generic');
  lake.conversion({ network: 'everflow', transactionId: 'order-2', occurredAt: T2, amount: 50, visitor: 'visitor-c' });
  lake.conversion({ network: 'cake', transactionId: 'lead-3', occurredAt: T2, amount: 20, visitor: 'visitor-d' });
  // journeyLake writes under `<dir>/lake`, the fixture's lake folder.
  await lake.write(dirname(lakeDir), 'journeys');
}

describe('GET /api/sites/{siteId}/attribution', () => {
  let api: ApiFixture;
  const path = () => `/api/sites/${api.siteId}/attribution`;

  beforeAll(async () => {
    api = await createApiFixture();
    await writeJourneys(api.lakeDir, api.siteId);
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  // Shares are worked out to 6 places, so revenue (× 100 USD) is checked to 3.
  const expectCredits = (actual: Record<string, number>, expected: readonly number[], digits = 5) => {
    const models = ['firstTouch', 'lastTouch', 'linear', 'timeDecay', 'positionBased'];
    expect(Object.keys(actual)).toEqual(models);
    models.forEach((model, i) => {
      expect(actual[model]).toBeCloseTo(expected[i] ?? Number.NaN, digits);
    });
  };

  it('credits each channel under the five models, campaigns added up, ranked by last touch', async () => {
    // Act
    const answer = await api.call(path(), { query: RANGE, as: api.members.viewer });

    // Assess
    expect(answer.status).toBe(200);
    const rows = answer.body.rows as { channel: string; campaign?: string; currency: string | null }[];
    expect(rows.map((r) => [r.channel, r.campaign, r.currency])).toEqual([
      ['Paid Search', undefined, 'USD'],
      ['(no touchpoint)', undefined, 'USD'],
      ['Email', undefined, 'USD'],
      ['Organic Search', undefined, 'USD'],
    ]);
    const [paid, none, email, organic] = answer.body.rows;
    // Paid Search = brand (last of three) + generic (the only touch of order-2)
    expectCredits(paid.conversions, [1, 2, 1 + 1 / 3, 1.509628, 1.4]);
    expectCredits(paid.revenue, [50, 150, 50 + 100 / 3, 50 + 50.9628, 90], 3);
    expectCredits(none.conversions, [1, 1, 1, 1, 1]);
    expectCredits(none.revenue, [20, 20, 20, 20, 20], 3);
    expectCredits(email.conversions, [0, 0, 1 / 3, 0.281338, 0.2]);
    expectCredits(organic.conversions, [1, 0, 1 / 3, 0.209034, 0.4]);
    expectCredits(organic.revenue, [100, 0, 100 / 3, 20.9034, 40], 3);
  });

  it('splits channels by campaign when grouped by campaign', async () => {
    // Act
    const answer = await api.call(path(), { query: { ...RANGE, groupBy: 'campaign' }, as: api.members.viewer });

    // Assess
    expect(answer.status).toBe(200);
    const byKey = new Map(
      answer.body.rows.map((r: { channel: string; campaign: string; conversions: Record<string, number> }) => [
        `${r.channel} / ${r.campaign}`,
        r.conversions,
      ]),
    );
    expect([...byKey.keys()].sort()).toEqual(
      [
        '(no touchpoint) / (not set)',
        'Email / spring_newsletter',
        'Organic Search / (not set)',
        'Paid Search / brand',
        'Paid Search / generic',
      ].sort(),
    );
    expectCredits(byKey.get('Paid Search / brand') as Record<string, number>, [0, 1, 1 / 3, 0.509628, 0.4]);
    expectCredits(byKey.get('Paid Search / generic') as Record<string, number>, [1, 1, 1, 1, 1]);
  });

  it('reweighs time decay by the half-life and narrows touches to the lookback', async () => {
    // Act: a 5-day lookback leaves order-1 only its Paid Search / brand visit
    const answer = await api.call(path(), {
      query: { ...RANGE, lookbackDays: '5', halfLifeDays: '1' },
      as: api.members.viewer,
    });

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body.rows.map((r: { channel: string }) => r.channel)).toEqual(['Paid Search', '(no touchpoint)']);
    expectCredits(answer.body.rows[0].conversions, [2, 2, 2, 2, 2]);
  });

  it('refuses a caller who is not signed in', async () => {
    // Act
    const answer = await api.call(path(), { query: RANGE });

    // Assess
    expect(answer.status).toBe(401);
  });

  it("answers 404 for another organization's site, before reading the lake", async () => {
    // Prepare
    const other = await api.otherTenant();

    // Act
    const answer = await api.call(`/api/sites/${other.siteId}/attribution`, { query: RANGE, as: api.members.owner });

    // Assess
    expect(answer.status).toBe(404);
  });

  it.each([
    ['lookbackDays', { lookbackDays: '0' }],
    ['lookbackDays', { lookbackDays: '366' }],
    ['lookbackDays', { lookbackDays: 'thirty' }],
    ['halfLifeDays', { halfLifeDays: '1.5' }],
    ['groupBy', { groupBy: 'network' }],
    ['to', { from: '2025-01-01', to: '2026-03-01' }],
  ])('answers 400 naming %s for %j', async (field, query) => {
    // Act
    const answer = await api.call(path(), { query: { ...RANGE, ...query }, as: api.members.viewer });

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error.field).toBe(field);
  });
});
