import { type ApiFixture, createApiFixture } from './support/api-fixture';
import { RANGE, writeFixtureEvents, writeRecentEvents } from './support/fixture-events';

/**
 * The reports over the named queries' fixture lake (`test/athena/fixture-lake.ts`, whose header
 * works out every session by hand), read through the API as the dashboard reads them.
 */
describe('reports over the lake', () => {
  const now = Date.parse('2026-03-20T12:00:00Z');
  let api: ApiFixture;
  const get = (report: string, query: Record<string, string> = {}) =>
    api.call(`/api/sites/${api.siteId}/stats/${report}`, { query: { ...RANGE, ...query }, as: api.members.viewer });

  beforeAll(async () => {
    api = await createApiFixture({ now: () => now });
    await writeFixtureEvents(api.lakeDir, api.siteId);
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  it('totals visitors, sessions, page views, bounces, duration and conversions, and the empty period before', async () => {
    // Act
    const answer = await get('overview');

    // Assess: 5 human visitors (d counted by IP and user agent), 11 sessions of which 5 bounced,
    // 14 page views, one conversion (a-4); (2·170 + 3 + 2·902.5 + 2·300 + 0 + 0 + 2·600) / 11 s.
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      range: RANGE,
      previousRange: { from: '2026-02-16', to: '2026-03-01' },
      current: {
        visitors: 5,
        sessions: 11,
        pageviews: 14,
        bounceRate: 0.4545,
        avgDurationSeconds: 358.9,
        conversions: 1,
      },
      previous: { visitors: 0, sessions: 0, pageviews: 0, bounceRate: null, avgDurationSeconds: null, conversions: 0 },
    });
  });

  it('draws one point per day, zeros on quiet days, with the previous period aligned', async () => {
    // Act
    const answer = await get('timeseries');

    // Assess
    const { points, previous } = answer.body;
    expect(points).toHaveLength(14);
    expect(previous).toHaveLength(14);
    expect(points[0]).toEqual({
      start: '2026-03-02',
      visitors: 2,
      pageviews: 3,
      sessions: 2,
      bounceRate: 0,
      avgDurationSeconds: 170,
    });
    expect(points[5]).toEqual({
      start: '2026-03-07',
      visitors: 0,
      pageviews: 0,
      sessions: 0,
      bounceRate: null,
      avgDurationSeconds: null,
    });
    expect(previous.every((p: { pageviews: number }) => p.pageviews === 0)).toBe(true);
  });

  it('draws 24 hourly points for one day', async () => {
    // Act
    const answer = await get('timeseries', { from: '2026-03-05', to: '2026-03-05', interval: 'hour' });

    // Assess: d-1, d-2 at 16:xx and d-3 at 17:00
    expect(answer.body.points).toHaveLength(24);
    expect(answer.body.points[16]).toMatchObject({ start: '2026-03-05T16:00Z', pageviews: 2, visitors: 1 });
    expect(answer.body.points[17]).toMatchObject({ start: '2026-03-05T17:00Z', pageviews: 1, visitors: 1 });
  });

  it('ranks top, entry and exit pages, each by its own measure', async () => {
    // Act
    const top = await get('pages', { kind: 'top', limit: '2' });
    const entry = await get('pages', { kind: 'entry', limit: '1' });
    const exit = await get('pages', { kind: 'exit', limit: '2' });

    // Assess
    expect(top.body).toMatchObject({
      report: 'pages/top',
      rows: [
        { path: '/pricing', pageviews: 5, visitors: 4 },
        { path: '/', pageviews: 4, visitors: 2 },
      ],
      limit: 2,
      offset: 0,
      hasMore: true,
    });
    expect(entry.body.rows).toEqual([{ path: '/', entries: 4, pageviews: 4, exits: 2, exitRate: 0.5 }]);
    expect(exit.body.rows).toEqual([
      { path: '/pricing', exits: 5, pageviews: 5, exitRate: 1, entries: 3 },
      { path: '/', exits: 2, pageviews: 4, exitRate: 0.5, entries: 4 },
    ]);
    expect(exit.body.columns[0]).toEqual({ key: 'path', kind: 'dimension' });
  });

  it('pages through a ranked list without repeating or skipping rows', async () => {
    // Act
    const pages = [];
    for (let offset = 0; offset < 8; offset += 2)
      pages.push(await get('pages', { kind: 'top', limit: '2', offset: String(offset) }));

    // Assess
    const paths = pages.flatMap((p) => p.body.rows.map((r: { path: string }) => r.path));
    expect(paths).toEqual(['/pricing', '/', '/docs', '/blog/post', '/docs/api', '/landing']);
    expect(pages.map((p) => p.body.hasMore)).toEqual([true, true, false, false]);
  });

  it('attributes sessions to channels, referrers, campaigns and click-id networks', async () => {
    // Act
    const channels = await get('sources', { kind: 'channels' });
    const campaigns = await get('sources', { kind: 'campaigns' });
    const clickIds = await get('sources', { kind: 'click-ids' });
    const referrers = await get('sources', { kind: 'referrers' });

    // Assess
    // b2, d#2, a2, c2, e#1, e#2 landed directly (a1's later internal events stay Paid Search)
    expect(channels.body.rows[0]).toEqual({
      channel: 'Direct',
      sessions: 6,
      visitors: 5,
      pageviews: 7,
      conversions: 0,
    });
    expect(campaigns.body.rows).toContainEqual({
      utmCampaign: 'spring',
      utmSource: 'google',
      utmMedium: 'cpc',
      sessions: 1,
      visitors: 1,
      pageviews: 2,
      conversions: 1,
    });
    expect(clickIds.body.rows.map((r: { adNetwork: string }) => r.adNetwork).sort()).toEqual(['google_ads', 'meta']);
    expect(referrers.body.rows.map((r: { referrerHost: string }) => r.referrerHost)).toContain('news.example.org');
  });

  it('breaks visitors down by country, region and city, and by device, browser and OS', async () => {
    // Act
    const countries = await get('geo', { kind: 'country' });
    const cities = await get('geo', { kind: 'city' });
    const devices = await get('devices', { kind: 'device' });
    const browsers = await get('devices', { kind: 'browser' });

    // Assess: a and c in San Francisco; b Berlin, d Paris, e London
    expect(countries.body.rows[0]).toEqual({ country: 'US', visitors: 2, pageviews: 5 });
    expect(cities.body.rows[0]).toMatchObject({ country: 'US', region: 'US-CA', city: 'San Francisco', visitors: 2 });
    expect(devices.body.rows).toEqual([
      { deviceType: 'desktop', visitors: 2, pageviews: 6 },
      { deviceType: 'mobile', visitors: 2, pageviews: 5 },
      { deviceType: 'tablet', visitors: 1, pageviews: 3 },
    ]);
    expect(browsers.body.rows[0]).toEqual({ browser: 'Chrome', visitors: 3, pageviews: 8 });
  });

  it('follows visitors through funnel steps', async () => {
    // Act
    const answer = await get('funnel', { steps: '/pricing,signup', windowSeconds: '3600' });

    // Assess: a (pricing 10:00:30 → signup 10:02) and b (b3: pricing 08:30 → signup 09:00)
    expect(answer.body.steps).toEqual([
      { step: 1, key: '/pricing', visitors: 4, conversionRate: 1 },
      { step: 2, key: 'signup', visitors: 2, conversionRate: 0.5 },
    ]);
  });

  it('groups visitors into weekly cohorts, moving the start back to a Monday', async () => {
    // Act
    const answer = await get('retention', { from: '2026-03-04', to: '2026-03-15' });

    // Assess
    expect(answer.body.range).toEqual({ from: '2026-03-02', to: '2026-03-15' });
    expect(answer.body.cohorts[0]).toMatchObject({ week: '2026-03-02', size: 4 });
    expect(answer.body.cohorts[0].weeks[0]).toEqual({ weekNumber: 0, visitors: 4, retention: 1 });
  });

  it('counts visitors active in the last five minutes and lists the latest events first', async () => {
    // Prepare
    await writeRecentEvents(api.lakeDir, api.siteId, now, [
      { id: 'r-1', visitor: 'p', path: '/now', secondsAgo: 30 },
      { id: 'r-2', visitor: 'q', path: '/now', secondsAgo: 10 },
      { id: 'r-3', visitor: 'q', path: '/later', secondsAgo: 5 },
      { id: 'r-old', visitor: 'old', path: '/gone', secondsAgo: 600 },
    ]);

    // Act
    const answer = await api.call(`/api/sites/${api.siteId}/stats/realtime`, { as: api.members.viewer });

    // Assess
    expect(answer.body).toMatchObject({ activeVisitors: 2, pageviews: 3, since: '2026-03-20T11:55:00.000Z' });
    expect(answer.body.topPages[0]).toEqual({ path: '/now', visitors: 2 });
    expect(answer.body.events.map((e: { eventId: string }) => e.eventId)).toEqual(['r-3', 'r-2', 'r-1']);
    expect(answer.body.events[0]).toMatchObject({
      type: 'page',
      path: '/later',
      receivedAt: '2026-03-20T11:59:55.000Z',
    });
  });
});
