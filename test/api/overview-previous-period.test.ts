import { change } from '../../dashboard/src/format';
import { createLocalObjectStore } from '../../lambdas/adapters/local/local-object-store';
import { createParquetLakeSink } from '../../lambdas/adapters/local/parquet-lake-sink';
import { eventsTable } from '../../lambdas/lake/tables';
import { type ApiFixture, createApiFixture } from './support/api-fixture';

/** A week and the week before it, both with visits. */
const RANGE = { from: '2026-03-09', to: '2026-03-15' } as const;
const PREVIOUS = { from: '2026-03-02', to: '2026-03-08' } as const;

/** [visitor, session, time (UTC), event type] */
type Spec = readonly [string, string, string, 'page' | 'conversion'];

/**
 * Previous week: p1 views two pages a minute apart and converts; p2 views one page (a bounce).
 * This week: c1 and c2 view one page each (bounces); c3 views two pages two minutes apart;
 * p1 comes back and views one page (a bounce).
 */
const specs: readonly Spec[] = [
  ['p1', 'p1-a', '2026-03-03T10:00:00Z', 'page'],
  ['p1', 'p1-a', '2026-03-03T10:01:00Z', 'page'],
  ['p1', 'p1-a', '2026-03-03T10:01:00Z', 'conversion'],
  ['p2', 'p2-a', '2026-03-06T09:00:00Z', 'page'],
  ['c1', 'c1-a', '2026-03-09T08:00:00Z', 'page'],
  ['c2', 'c2-a', '2026-03-11T12:00:00Z', 'page'],
  ['c3', 'c3-a', '2026-03-12T15:00:00Z', 'page'],
  ['c3', 'c3-a', '2026-03-12T15:02:00Z', 'page'],
  ['p1', 'p1-b', '2026-03-14T18:00:00Z', 'page'],
];

async function writeEvents(lakeDir: string, siteId: string): Promise<void> {
  const rows = specs.map(([visitor, session, time, type], n) => {
    const at = new Date(time);
    return {
      event_id: `ev-${n}`,
      site_id: siteId,
      organization_id: 'o1',
      event_type: type,
      ...(type === 'conversion' ? { event_name: 'purchase' } : {}),
      event_time: at,
      received_at: at,
      source: 'tracker',
      anonymous_id: visitor,
      session_id: session,
      cookieless: false,
      path: n % 2 === 0 ? '/' : '/pricing',
      channel: 'Direct',
      referrer_type: 'direct',
      is_bot: false,
      dt: time.slice(0, 10),
    };
  });
  await createParquetLakeSink(createLocalObjectStore({ root: lakeDir })).write(eventsTable, rows, 'two-weeks');
}

/** Overview's comparison with the period before, over events in both periods. */
describe('overview against the previous period', () => {
  let api: ApiFixture;

  beforeAll(async () => {
    api = await createApiFixture({ now: () => Date.parse('2026-03-20T12:00:00Z') });
    await writeEvents(api.lakeDir, api.siteId);
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  it('totals the previous period of the same length beside the current one', async () => {
    // Act
    const answer = await api.call(`/api/sites/${api.siteId}/stats/overview`, {
      query: RANGE,
      as: api.members.viewer,
    });

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      range: RANGE,
      previousRange: PREVIOUS,
      current: { visitors: 4, sessions: 4, pageviews: 5, bounceRate: 0.75, avgDurationSeconds: 30, conversions: 0 },
      previous: { visitors: 2, sessions: 2, pageviews: 3, bounceRate: 0.5, avgDurationSeconds: 30, conversions: 1 },
    });
  });

  it('gives the changes the dashboard shows against the previous period', async () => {
    // Act
    const { current, previous } = (
      await api.call(`/api/sites/${api.siteId}/stats/overview`, { query: RANGE, as: api.members.viewer })
    ).body;

    // Assess: the KPI cards' "▲ 100% vs previous" and friends
    expect(change(current.visitors, previous.visitors)).toBe(1);
    expect(change(current.sessions, previous.sessions)).toBe(1);
    expect(change(current.pageviews, previous.pageviews)).toBeCloseTo(2 / 3, 4);
    expect(change(current.bounceRate, previous.bounceRate)).toBe(0.5);
    expect(change(current.avgDurationSeconds, previous.avgDurationSeconds)).toBe(0);
    expect(change(current.conversions, previous.conversions)).toBe(-1);
  });

  it('draws the previous period day by day beside the current one', async () => {
    // Act
    const answer = await api.call(`/api/sites/${api.siteId}/stats/timeseries`, {
      query: RANGE,
      as: api.members.viewer,
    });

    // Assess
    const { points, previous } = answer.body;
    expect(points.map((p: { pageviews: number }) => p.pageviews)).toEqual([1, 0, 1, 2, 0, 1, 0]);
    expect(previous.map((p: { start: string }) => p.start)).toEqual([
      '2026-03-02',
      '2026-03-03',
      '2026-03-04',
      '2026-03-05',
      '2026-03-06',
      '2026-03-07',
      '2026-03-08',
    ]);
    expect(previous.map((p: { pageviews: number }) => p.pageviews)).toEqual([0, 2, 0, 0, 1, 0, 0]);
    expect(previous.map((p: { visitors: number }) => p.visitors)).toEqual([0, 1, 0, 0, 1, 0, 0]);
  });
});
