import { type DateRange, previousRange } from './date-range';
import type { LakeReader } from './lake-reader';
import { numberOf, stringOf } from './lake-values';
import { sessionsSql } from './session-rollup';

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

/** What Overview and its trend chart need, for a range and the period before it, from one scan. */
export interface Summary {
  readonly range: DateRange;
  readonly previousRange: DateRange;
  readonly periods: { readonly current: EventMeasures; readonly previous: EventMeasures };
  readonly eventDays: ReadonlyMap<string, EventMeasures>;
  readonly sessionDays: ReadonlyMap<string, SessionMeasures>;
}

const big = 'CAST(NULL AS bigint)';

/**
 * Three groupings of one scan of both periods: event measures per day, event measures per period
 * (visitors are distinct over the whole period, so they cannot be summed from days), and sessions
 * per start day. Page views are `page` and `screen` events; visitors and sessions are counted as
 * the named queries count them; bots excluded.
 */
const SUMMARY_SQL = `${sessionsSql()}
SELECT 'day' AS kind, dt AS bucket,
  count(CASE WHEN event_type IN ('page', 'screen') THEN 1 END) AS pageviews,
  count(DISTINCT visitor) AS visitors,
  count(CASE WHEN event_type = 'conversion' THEN 1 END) AS conversions,
  ${big} AS sessions, ${big} AS bounces, ${big} AS duration_ms
FROM scoped
GROUP BY dt
UNION ALL
SELECT 'period' AS kind, CASE WHEN dt >= ? THEN 'current' ELSE 'previous' END AS bucket,
  count(CASE WHEN event_type IN ('page', 'screen') THEN 1 END) AS pageviews,
  count(DISTINCT visitor) AS visitors,
  count(CASE WHEN event_type = 'conversion' THEN 1 END) AS conversions,
  ${big} AS sessions, ${big} AS bounces, ${big} AS duration_ms
FROM scoped
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
 * (Overview's totals and its trend chart both read it, and the lake reader runs it once for both).
 *
 * @example
 * const { periods, sessionDays } = await summary(lake, siteId, { from: '2026-03-01', to: '2026-03-31' });
 */
export async function summary(lake: LakeReader, siteId: string, range: DateRange): Promise<Summary> {
  const before = previousRange(range);
  const rows = await lake.sql(SUMMARY_SQL, [siteId, before.from, range.to, range.from]);
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
