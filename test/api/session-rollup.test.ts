import { createDuckDbAnalytics } from '../../lambdas/adapters/local/duckdb-analytics';
import { createLocalObjectStore } from '../../lambdas/adapters/local/local-object-store';
import { createParquetLakeSink } from '../../lambdas/adapters/local/parquet-lake-sink';
import { createLakeReader, type LakeReader } from '../../lambdas/api/stats/lake-reader';
import {
  ENTRY_EXIT_REPORT,
  LANDING_REPORTS,
  type SessionReport,
  sessionDays,
  sessionReportSql,
} from '../../lambdas/api/stats/session-rollup';
import { summary } from '../../lambdas/api/stats/summary';
import { PAGE_DAYS_ROLLUP } from '../../lambdas/lake/daily-rollups';
import { rollUpDays } from '../../lambdas/lake/day-rollup';
import { LOCAL_DATABASE } from '../../lambdas/lake/named-queries';
import { rollUpSessionDays } from '../../lambdas/lake/session-days';
import { eventsTable } from '../../lambdas/lake/tables';
import type { Analytics } from '../../lambdas/ports/analytics';
import type { LakeSink } from '../../lambdas/ports/lake-sink';
import type { ObjectStore } from '../../lambdas/ports/object-store';
import { FIXTURE, fixtureEvent, writeFixtureLake } from '../athena/fixture-lake';
import { makeTempDir } from '../support/temp-dir';

/**
 * The dashboard's session reports (`session-rollup.ts`) against the named queries they stand in
 * for, on the named queries' fixture plus sessions that cross midnight: the same rows, whatever
 * order each returns them in, whether the days come from the `session_days` and `page_days` rollups or from events,
 * and after late events arrive for a day already rolled up.
 */
describe('session reports over the daily session rollup', () => {
  let analytics: Analytics;
  let lake: LakeReader;
  let store: ObjectStore;
  let sink: LakeSink;
  let cleanup: () => void;
  const range = { from: FIXTURE.fromDate, to: FIXTURE.toDate };
  const scope = { site_id: FIXTURE.siteId, from_date: FIXTURE.fromDate, to_date: FIXTURE.toDate };
  const today = '2026-03-17';
  const sorted = (rows: readonly Record<string, unknown>[]) => [...rows].map((r) => JSON.stringify(r)).sort();
  /** The daily job's session and page rollups; what it did for sessions. */
  const rollUp = async () => {
    const deps = { analytics, database: LOCAL_DATABASE, lake: store };
    const sessions = await rollUpSessionDays(deps, FIXTURE.siteId, today);
    await rollUpDays(deps, FIXTURE.siteId, today, PAGE_DAYS_ROLLUP);
    return sessions;
  };
  /** The days the entry and exit pages report reads from `page_days`. */
  const pageDaysRead = async () => {
    const { text, params } = await sessionReportSql(lake, ENTRY_EXIT_REPORT, FIXTURE.siteId, range);
    const branch = text.match(/FROM \S+\.page_days\s+WHERE site_id = \?\s+AND dt IN \(([?, ]+)\)/);
    if (!branch?.[1] || branch.index === undefined) return [];
    const first = (text.slice(0, branch.index).match(/\?/g) ?? []).length + 1;
    return params.slice(first, first + branch[1].split(',').length);
  };
  const reports: [string, SessionReport][] = [
    ...Object.entries(LANDING_REPORTS),
    ['entry-and-exit-pages', ENTRY_EXIT_REPORT],
  ];

  const expectNamedAnswers = async () => {
    for (const [name, report] of reports) {
      const named = await lake.named(name, scope);
      const { text, params } = await sessionReportSql(lake, report, FIXTURE.siteId, range);
      const fast = await lake.sql(text, params);
      expect({ name, rows: sorted(fast) }).toEqual({ name, rows: sorted(named) });
    }
    const sessions = await lake.named('sessions', scope);
    const { sessionDays: days } = await summary(lake, FIXTURE.siteId, range);
    expect(sessions.length).toBeGreaterThan(0);
    for (const row of sessions) {
      const day = days.get(String(row.day));
      expect({ day: row.day, sessions: day?.sessions, bounces: day?.bounces }).toEqual({
        day: row.day,
        sessions: row.sessions,
        bounces: row.bounces,
      });
      expect(Math.round((day?.durationMs ?? 0) / (day?.sessions ?? 1) / 100) / 10).toBe(row.avg_duration_seconds);
    }
  };

  beforeAll(async () => {
    const temp = makeTempDir('sightline-rollup-');
    cleanup = temp.cleanup;
    await writeFixtureLake(temp.dir);
    store = createLocalObjectStore({ root: temp.dir });
    sink = createParquetLakeSink(store);
    // Sessions across midnight: f is cookieless (23:50 and 00:10 are one session, 01:00 starts
    // another); g1 has a session id and lands from social at 23:59, its exit page the next day.
    await sink.write(
      eventsTable,
      [
        fixtureEvent('f-1', '2026-03-06T23:50:00Z', { ip: '203.0.113.9', user_agent: 'UA-F', path: '/' }),
        fixtureEvent('f-2', '2026-03-07T00:10:00Z', { ip: '203.0.113.9', user_agent: 'UA-F', path: '/pricing' }),
        fixtureEvent('f-3', '2026-03-07T01:00:00Z', { ip: '203.0.113.9', user_agent: 'UA-F', path: '/' }),
        fixtureEvent('g-1', '2026-03-07T23:59:00Z', {
          anonymous_id: 'g',
          session_id: 'g1',
          path: '/blog/post',
          channel: 'Organic Social',
          referrer_host: 'www.reddit.com',
          referrer_type: 'social',
        }),
        fixtureEvent('g-2', '2026-03-08T00:05:00Z', { anonymous_id: 'g', session_id: 'g1', path: '/docs' }),
      ],
      'midnight',
    );
    analytics = await createDuckDbAnalytics({ lakeDir: temp.dir });
    lake = createLakeReader({ analytics, database: LOCAL_DATABASE, cacheMs: 0 });
  });
  afterAll(async () => {
    await analytics.close();
    cleanup();
  });

  it('gives the named queries’ answers with no day rolled up', async () => {
    // Act
    const days = await sessionDays(lake, FIXTURE.siteId, range);

    // Assess
    expect(days.rolled).toEqual([]);
    expect(await pageDaysRead()).toEqual([]);
    await expectNamedAnswers();
  });

  it('rolls up each finished day with events once, and nothing when nothing changed', async () => {
    // Act
    const first = await rollUp();
    const second = await rollUp();

    // Assess: 2026-03-16 (after the range) is finished too; bots-only days have no sessions to write
    expect(first.map((d) => d.day)).toEqual(
      expect.arrayContaining(['2026-03-02', '2026-03-05', '2026-03-06', '2026-03-07', '2026-03-08', '2026-03-16']),
    );
    // 2026-03-07: f's fragments from 00:10 and from 01:00, and g1's first event
    expect(first.find((d) => d.day === '2026-03-07')).toEqual({ day: '2026-03-07', events: 3, fragments: 3 });
    expect(second.map((d) => d.day)).toEqual([]);
  });

  it('gives the named queries’ answers from rolled-up days, joining sessions across midnight', async () => {
    // Act
    const days = await sessionDays(lake, FIXTURE.siteId, range);

    // Assess: every day with human sessions comes from the rollup
    expect(days.rolled).toEqual(expect.arrayContaining(['2026-03-02', '2026-03-06', '2026-03-07', '2026-03-08']));
    expect(days.live).not.toContain('2026-03-07');
    expect(await pageDaysRead()).toEqual(
      expect.arrayContaining(['2026-03-02', '2026-03-06', '2026-03-07', '2026-03-08']),
    );
    await expectNamedAnswers();
  });

  it('sessionizes a day from events again after a late event, until the rollup catches up', async () => {
    // Prepare: a1 gets a later page view (its exit page changes); d's second session a later event;
    // b1 an event after midnight
    await sink.write(
      eventsTable,
      [
        fixtureEvent('a-late', '2026-03-02T10:06:00Z', {
          anonymous_id: 'a',
          session_id: 'a1',
          ip: '198.51.100.1',
          user_agent: 'UA-A',
          path: '/docs',
          channel: 'Direct',
          referrer_type: 'internal',
        }),
        fixtureEvent('d-late', '2026-03-05T17:20:00Z', { path: '/docs' }),
        // b1 (2026-03-02, judged within its day when rolled up) now goes on past midnight
        fixtureEvent('b-late', '2026-03-03T00:10:00Z', {
          anonymous_id: 'b',
          session_id: 'b1',
          ip: '198.51.100.2',
          user_agent: 'UA-B',
          path: '/docs',
          channel: 'Direct',
          referrer_type: 'internal',
        }),
      ],
      'late',
    );

    // Act
    const stale = await sessionDays(lake, FIXTURE.siteId, range);

    // Assess
    expect(stale.live).toEqual(expect.arrayContaining(['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05']));
    expect(stale.rolled).toContain('2026-03-07');
    // page views per path depend on the day alone: only the days with late events are live
    const pagesRead = await pageDaysRead();
    expect(pagesRead).toEqual(expect.arrayContaining(['2026-03-04', '2026-03-07']));
    expect(pagesRead).not.toEqual(expect.arrayContaining(['2026-03-02']));
    expect(pagesRead).not.toEqual(expect.arrayContaining(['2026-03-05']));
    await expectNamedAnswers();

    // Act
    const rolled = await rollUp();

    // Assess
    // the days with late events (03-02, 03-03, 03-05) and their neighbours with events (03-04, 03-06)
    const days = ['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06'];
    expect(rolled.map((d) => d.day).sort()).toEqual(days);
    expect((await sessionDays(lake, FIXTURE.siteId, range)).rolled).toEqual(expect.arrayContaining(days));
    expect(await pageDaysRead()).toEqual(expect.arrayContaining(['2026-03-02', '2026-03-05']));
    await expectNamedAnswers();
  });

  it('counts page views and visitors per day as the daily query does', async () => {
    // Act
    const named = await lake.named('daily-pageviews-and-visitors', scope);
    const { eventDays } = await summary(lake, FIXTURE.siteId, range);

    // Assess
    expect(named.length).toBeGreaterThan(0);
    for (const row of named) {
      expect(eventDays.get(String(row.day))).toMatchObject({ pageviews: row.pageviews, visitors: row.visitors });
    }
  });
});
