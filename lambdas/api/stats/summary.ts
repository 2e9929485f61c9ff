import { visitorDaysSql } from '../../lake/visitor-days-sql';
import { type DateRange, previousRange } from './date-range';
import type { LakeReader } from './lake-reader';
import { numberOf, stringOf } from './lake-values';
import { type DayRollupSource, lookUpDayCounts, rolledOrLive } from './rolled-or-live';
import { sessionsSql, splitSessionDays } from './session-rollup';

/** Event measures of a day or a period. */
export interface EventMeasures {
  readonly visitors: number;
  readonly pageviews: number;
  readonly conversions: number;
}

/** Session measures of the sessions that started on a day. */
export interface SessionMeasures {
  readonly sessions: number;
  readonly bounces: number;
  readonly durationMs: number;
}

/** What Overview and its trend chart need, for a range and the period before it, from one query. */
export interface Summary {
  readonly range: DateRange;
  readonly previousRange: DateRange;
  readonly periods: { readonly current: EventMeasures; readonly previous: EventMeasures };
  readonly eventDays: ReadonlyMap<string, EventMeasures>;
  readonly sessionDays: ReadonlyMap<string, SessionMeasures>;
}

const big = 'CAST(NULL AS bigint)';

/**
 * `visitor_days AS (…)`: page views, conversions and visitors per day and visitor (bots
 * excluded), from the `visitor_days` rollup where it is up to date and from `events` elsewhere.
 * Distinct visitors over a period cannot be summed from days, nor taken from sessions (a session's
 * events may carry more than one visitor), but they can be counted over visitor-days.
 */
const visitorDays = (siteId: string): DayRollupSource => ({
  table: 'visitor_days',
  columns: 'dt, visitor, pageviews, conversions',
  live: (days) => ({ text: visitorDaysSql(days.length), params: [siteId, ...days] }),
});

/**
 * Three groupings: event measures per day, event measures per period (`?`: the current period's
 * first day), and sessions per start day. Page views are `page` and `screen` events; visitors
 * and sessions are counted as the named queries count them.
 */
const SUMMARY_SELECT = `SELECT 'day' AS kind, dt AS bucket,
  sum(pageviews) AS pageviews,
  count(visitor) AS visitors,
  sum(conversions) AS conversions,
  ${big} AS sessions, ${big} AS bounces, ${big} AS duration_ms
FROM visitor_days
GROUP BY dt
UNION ALL
SELECT 'period' AS kind, CASE WHEN dt >= ? THEN 'current' ELSE 'previous' END AS bucket,
  sum(pageviews) AS pageviews,
  count(DISTINCT visitor) AS visitors,
  sum(conversions) AS conversions,
  ${big} AS sessions, ${big} AS bounces, ${big} AS duration_ms
FROM visitor_days
GROUP BY 2
UNION ALL
SELECT 'sessions' AS kind, day AS bucket, ${big} AS pageviews, ${big} AS visitors, ${big} AS conversions,
  count(*) AS sessions,
  count(CASE WHEN pageviews <= 1 AND engaged_events = 0 THEN 1 END) AS bounces,
  sum(duration_ms) AS duration_ms
FROM sessions
GROUP BY day`;

/**
 * The Overview summary of a range and of the period of the same length before it, in one query
 * after the lookup of which days the session and visitor rollups hold (Overview's totals and its
 * trend chart both read it, and the lake reader runs it once for both). Sessions come from
 * `session-rollup.ts`, page views, conversions and visitors from visitor-days.
 *
 * @example
 * const { periods, sessionDays } = await summary(lake, siteId, { from: '2026-03-01', to: '2026-03-31' });
 */
export async function summary(lake: LakeReader, siteId: string, range: DateRange): Promise<Summary> {
  const before = previousRange(range);
  const whole = { from: before.from, to: range.to };
  const counts = await lookUpDayCounts(lake, siteId, whole, ['session_days', 'visitor_days']);
  const sessions = sessionsSql(siteId, splitSessionDays(counts, whole), ['pageviews', 'engaged_events']);
  const visitors = rolledOrLive('visitor_days', siteId, counts, whole, visitorDays(siteId));
  const rows = await lake.sql(`${sessions.text},\n${visitors.text}\n${SUMMARY_SELECT}`, [
    ...sessions.params,
    ...visitors.params,
    range.from,
  ]);
  const events = (row: (typeof rows)[number]): EventMeasures => ({
    visitors: numberOf(row.visitors),
    pageviews: numberOf(row.pageviews),
    conversions: numberOf(row.conversions),
  });
  const none: EventMeasures = { visitors: 0, pageviews: 0, conversions: 0 };
  const period = (name: string) => {
    const row = rows.find((r) => r.kind === 'period' && r.bucket === name);
    return row ? events(row) : none;
  };
  return {
    range,
    previousRange: before,
    periods: { current: period('current'), previous: period('previous') },
    eventDays: new Map(rows.filter((r) => r.kind === 'day').map((r) => [stringOf(r.bucket) ?? '', events(r)])),
    sessionDays: new Map(
      rows
        .filter((r) => r.kind === 'sessions')
        .map((r) => [
          stringOf(r.bucket) ?? '',
          { sessions: numberOf(r.sessions), bounces: numberOf(r.bounces), durationMs: numberOf(r.duration_ms) },
        ]),
    ),
  };
}
