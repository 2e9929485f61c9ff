import { createDuckDbAnalytics } from '../../lambdas/adapters/local/duckdb-analytics';
import { createLocalObjectStore } from '../../lambdas/adapters/local/local-object-store';
import { createParquetLakeSink } from '../../lambdas/adapters/local/parquet-lake-sink';
import type { DateRange } from '../../lambdas/api/stats/date-range';
import { createLakeReader, type LakeReader } from '../../lambdas/api/stats/lake-reader';
import { summary } from '../../lambdas/api/stats/summary';
import { VISITOR_DAYS_ROLLUP } from '../../lambdas/lake/daily-rollups';
import { rollUpDays } from '../../lambdas/lake/day-rollup';
import { LOCAL_DATABASE } from '../../lambdas/lake/named-queries';
import { eventsTable } from '../../lambdas/lake/tables';
import type { Analytics, AnalyticsParam } from '../../lambdas/ports/analytics';
import type { LakeSink } from '../../lambdas/ports/lake-sink';
import type { ObjectStore } from '../../lambdas/ports/object-store';
import { FIXTURE, fixtureEvent, writeFixtureLake } from '../athena/fixture-lake';
import { makeTempDir } from '../support/temp-dir';

/**
 * Overview's visitors, page views and conversions (`summary.ts`) over the daily visitor rollup,
 * held to the same counts taken straight from `events`: with no day rolled up, every finished day
 * rolled up, and a day rolled up before late events arrived; for the range and the period before
 * it, whose visitors cannot be added up from days.
 */
describe('Overview over the daily visitor rollup', () => {
  let analytics: Analytics;
  let lake: LakeReader;
  let store: ObjectStore;
  let sink: LakeSink;
  let cleanup: () => void;
  /** The `visitor_days` days each summary read from the rollup, in order. */
  let rolledReads: string[][] = [];
  const today = '2026-03-17';
  const fortnight = { from: FIXTURE.fromDate, to: FIXTURE.toDate };
  // its period before (2026-03-02 to 2026-03-08) has visitors too, some of them again this week
  const week = { from: '2026-03-09', to: '2026-03-15' };
  const rollUp = () =>
    rollUpDays({ analytics, database: LOCAL_DATABASE, lake: store }, FIXTURE.siteId, today, VISITOR_DAYS_ROLLUP);

  /** The measures counted from `events` alone, per period and per day. */
  const fromEvents = async (range: DateRange) => {
    const previousFrom = new Date(Date.parse(range.from) - (Date.parse(range.to) - Date.parse(range.from)) - 86_400_000)
      .toISOString()
      .slice(0, 10);
    const measures = `count(DISTINCT coalesce(anonymous_id, ip || '|' || user_agent)) AS visitors,
      count(CASE WHEN event_type IN ('page', 'screen') THEN 1 END) AS pageviews,
      count(CASE WHEN event_type = 'conversion' THEN 1 END) AS conversions
    FROM {{database}}.events WHERE site_id = ? AND dt BETWEEN ? AND ? AND is_bot = false`;
    const totals = async (from: string, to: string) => {
      const [row] = await lake.sql(`SELECT ${measures}`, [FIXTURE.siteId, from, to]);
      return {
        visitors: Number(row?.visitors),
        pageviews: Number(row?.pageviews),
        conversions: Number(row?.conversions),
      };
    };
    const days = await lake.sql(`SELECT dt, ${measures} GROUP BY dt`, [FIXTURE.siteId, previousFrom, range.to]);
    return {
      current: await totals(range.from, range.to),
      previous: await totals(previousFrom, new Date(Date.parse(range.from) - 86_400_000).toISOString().slice(0, 10)),
      days: Object.fromEntries(
        days.map((d) => [
          String(d.dt),
          { visitors: Number(d.visitors), pageviews: Number(d.pageviews), conversions: Number(d.conversions) },
        ]),
      ),
    };
  };

  const expectEventAnswers = async (range: DateRange) => {
    const expected = await fromEvents(range);
    const s = await summary(lake, FIXTURE.siteId, range);
    expect(expected.current.visitors).toBeGreaterThan(0);
    expect(s.periods).toEqual({ current: expected.current, previous: expected.previous });
    expect(Object.fromEntries(s.eventDays)).toEqual(expected.days);
  };

  beforeAll(async () => {
    const temp = makeTempDir('sightline-visitor-rollup-');
    cleanup = temp.cleanup;
    await writeFixtureLake(temp.dir);
    store = createLocalObjectStore({ root: temp.dir });
    sink = createParquetLakeSink(store);
    // A visitor with no anonymous id, ip or user agent (a server-side page view): no visitor, but
    // a page view; and a returning visitor seen in both weeks.
    await sink.write(
      eventsTable,
      [
        fixtureEvent('n-1', '2026-03-04T08:00:00Z', {
          anonymous_id: null,
          ip: null,
          user_agent: null,
          session_id: null,
        }),
        fixtureEvent('r-1', '2026-03-03T09:00:00Z', { anonymous_id: 'r', session_id: 'r1', event_type: 'page' }),
        fixtureEvent('r-2', '2026-03-10T09:00:00Z', { anonymous_id: 'r', session_id: 'r2', event_type: 'conversion' }),
      ],
      'extra',
    );
    const duckdb = await createDuckDbAnalytics({ lakeDir: temp.dir });
    analytics = {
      ...duckdb,
      query: (sql: string, options?: { params?: readonly AnalyticsParam[]; maxRows?: number }) => {
        const rolled = sql.match(/FROM \S+\.visitor_days\s+WHERE site_id = \?\s+AND dt IN \(([?, ]+)\)/);
        if (rolled?.[1] && rolled.index !== undefined) {
          // the days are the `?` after the branch's site id
          const first = (sql.slice(0, rolled.index).match(/\?/g) ?? []).length + 1;
          const count = rolled[1].split(',').length;
          rolledReads.push((options?.params ?? []).slice(first, first + count).map(String));
        }
        return duckdb.query(sql, options);
      },
    };
    lake = createLakeReader({ analytics, database: LOCAL_DATABASE, cacheMs: 0 });
  });
  beforeEach(() => {
    rolledReads = [];
  });
  afterAll(async () => {
    await analytics.close();
    cleanup();
  });

  it('counts visitors, page views and conversions from events when no day is rolled up', async () => {
    // Act and Assess
    await expectEventAnswers(fortnight);
    await expectEventAnswers(week);
    expect(rolledReads).toEqual([]);
  });

  it('rolls up each finished day with human events once, and nothing when nothing changed', async () => {
    // Act
    const first = await rollUp();
    const second = await rollUp();

    // Assess: 2026-03-04 has a, c and the event with no visitor (one row each)
    expect(first.map((d) => d.day)).toEqual(expect.arrayContaining(['2026-03-02', '2026-03-04', '2026-03-10']));
    expect(first.every((d) => d.day < today)).toBe(true);
    const march4 = first.find((d) => d.day === '2026-03-04');
    const visitorsMarch4 = await lake.sql(
      `SELECT count(DISTINCT coalesce(anonymous_id, ip || '|' || user_agent)) AS n FROM {{database}}.events WHERE site_id = ? AND dt = ? AND is_bot = false`,
      [FIXTURE.siteId, '2026-03-04'],
    );
    expect(march4?.rows).toBe(Number(visitorsMarch4[0]?.n) + 1);
    expect(second).toEqual([]);
  });

  it('gives the same answers from rolled-up days, a visitor of several days counted once per period', async () => {
    // Act and Assess
    await expectEventAnswers(fortnight);
    await expectEventAnswers(week);
    // both summaries read every finished day with human events from the rollup
    expect(rolledReads).toHaveLength(2);
    expect(rolledReads[0]).toEqual(expect.arrayContaining(['2026-03-02', '2026-03-04', '2026-03-10']));
  });

  it('counts a day from events again after a late event, until the rollup catches up', async () => {
    // Prepare: a new visitor and a returning one on 2026-03-10, after it was rolled up
    await sink.write(
      eventsTable,
      [
        fixtureEvent('late-1', '2026-03-10T12:00:00Z', { anonymous_id: 'late', session_id: 'l1' }),
        fixtureEvent('late-2', '2026-03-10T12:05:00Z', { anonymous_id: 'r', session_id: 'r3', event_type: 'page' }),
      ],
      'late',
    );

    // Act and Assess: 2026-03-10 comes from events, the other days still from the rollup
    await expectEventAnswers(week);
    expect(rolledReads[0]).not.toContain('2026-03-10');
    expect(rolledReads[0]).toEqual(expect.arrayContaining(['2026-03-04', '2026-03-11']));

    // Act
    const rolled = await rollUp();
    rolledReads = [];

    // Assess
    expect(rolled.map((d) => d.day)).toEqual(['2026-03-10']);
    await expectEventAnswers(week);
    expect(rolledReads[0]).toContain('2026-03-10');
  });
});
