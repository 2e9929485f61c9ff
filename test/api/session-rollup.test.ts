import { createDuckDbAnalytics } from '../../lambdas/adapters/local/duckdb-analytics';
import { createLakeReader, type LakeReader } from '../../lambdas/api/stats/lake-reader';
import { ENTRY_EXIT_SQL, LANDING_REPORTS } from '../../lambdas/api/stats/session-rollup';
import { summary } from '../../lambdas/api/stats/summary';
import { LOCAL_DATABASE } from '../../lambdas/lake/named-queries';
import type { Analytics } from '../../lambdas/ports/analytics';
import { FIXTURE, writeFixtureLake } from '../athena/fixture-lake';
import { makeTempDir } from '../support/temp-dir';

/**
 * The dashboard's fast session reports (`session-rollup.ts`) against the named queries they stand
 * in for, on the named queries' own fixture: the same rows, whatever order each returns them in.
 */
describe('session rollup agrees with the named queries', () => {
  let analytics: Analytics;
  let lake: LakeReader;
  let cleanup: () => void;
  const scope = { site_id: FIXTURE.siteId, from_date: FIXTURE.fromDate, to_date: FIXTURE.toDate };
  const params = [FIXTURE.siteId, FIXTURE.fromDate, FIXTURE.toDate];
  const sorted = (rows: readonly Record<string, unknown>[]) => [...rows].map((r) => JSON.stringify(r)).sort();

  beforeAll(async () => {
    const temp = makeTempDir('sightline-rollup-');
    cleanup = temp.cleanup;
    await writeFixtureLake(temp.dir);
    analytics = await createDuckDbAnalytics({ lakeDir: temp.dir });
    lake = createLakeReader({ analytics, database: LOCAL_DATABASE, cacheMs: 0 });
  });
  afterAll(async () => {
    await analytics.close();
    cleanup();
  });

  it.each([...Object.entries(LANDING_REPORTS), ['entry-and-exit-pages', ENTRY_EXIT_SQL]])(
    'gives the rows of %s',
    async (name, sql) => {
      // Act
      const named = await lake.named(name, scope);
      const fast = await lake.sql(sql, params);

      // Assess
      expect(fast.length).toBeGreaterThan(0);
      expect(sorted(fast)).toEqual(sorted(named));
    },
  );

  it('counts sessions, bounces and duration per day as the sessions query does', async () => {
    // Act
    const named = await lake.named('sessions', scope);
    const { sessionDays } = await summary(lake, FIXTURE.siteId, { from: FIXTURE.fromDate, to: FIXTURE.toDate });

    // Assess
    expect(named.length).toBe(7);
    for (const row of named) {
      const day = sessionDays.get(String(row.day));
      expect(day).toBeDefined();
      expect(day?.sessions).toBe(row.sessions);
      expect(day?.bounces).toBe(row.bounces);
      expect(Math.round((day?.durationMs ?? 0) / (day?.sessions ?? 1) / 100) / 10).toBe(row.avg_duration_seconds);
    }
  });

  it('counts page views and visitors per day as the daily query does', async () => {
    // Act
    const named = await lake.named('daily-pageviews-and-visitors', scope);
    const { eventDays } = await summary(lake, FIXTURE.siteId, { from: FIXTURE.fromDate, to: FIXTURE.toDate });

    // Assess
    for (const row of named) {
      expect(eventDays.get(String(row.day))).toMatchObject({ pageviews: row.pageviews, visitors: row.visitors });
    }
  });
});
