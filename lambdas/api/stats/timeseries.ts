import { type DateRange, daysOf, previousRange } from './date-range';
import type { LakeReader } from './lake-reader';
import { numberOf, stringOf } from './lake-values';
import { sessionTotals } from './overview';
import { summary } from './summary';

export type Interval = 'day' | 'hour';

export interface SeriesPoint {
  /** `YYYY-MM-DD` for days, `YYYY-MM-DDTHH:00Z` for hours. */
  readonly start: string;
  readonly visitors: number;
  readonly pageviews: number;
  readonly sessions: number;
  readonly bounceRate: number | null;
  readonly avgDurationSeconds: number | null;
}

export interface Timeseries {
  readonly interval: Interval;
  readonly range: DateRange;
  /** One point per day (or hour), zeros where nothing happened. */
  readonly points: readonly SeriesPoint[];
  /** The previous period's points, aligned by position with `points`. */
  readonly previous: readonly SeriesPoint[];
}

/**
 * Hours of one day and of the day before. Sessions here are distinct session ids (cookieless
 * events have none); a session that spans an hour boundary counts in both hours.
 */
const HOURLY_SQL = `
SELECT
  dt,
  hour(event_time) AS hour,
  count(CASE WHEN event_type IN ('page', 'screen') THEN 1 END) AS pageviews,
  count(DISTINCT coalesce(anonymous_id, ip || '|' || user_agent)) AS visitors,
  count(DISTINCT session_id) AS sessions
FROM {{database}}.events
WHERE site_id = ?
  AND dt BETWEEN ? AND ?
  AND is_bot = false
GROUP BY 1, 2`;

const empty = (start: string): SeriesPoint => ({
  start,
  visitors: 0,
  pageviews: 0,
  sessions: 0,
  bounceRate: null,
  avgDurationSeconds: null,
});

/**
 * The trend of a range and of the period before it: per day from the Overview summary (one query,
 * shared with the totals), or per hour for short ranges.
 *
 * @example
 * const { points, previous } = await timeseries(lake, siteId, { from: '2026-03-01', to: '2026-03-31' }, 'day');
 */
export async function timeseries(
  lake: LakeReader,
  siteId: string,
  range: DateRange,
  interval: Interval,
): Promise<Timeseries> {
  const before = previousRange(range);
  if (interval === 'hour') return hourly(lake, siteId, range, before);
  const s = await summary(lake, siteId, range);
  const byDay = new Map<string, SeriesPoint>();
  for (const [day, events] of s.eventDays)
    byDay.set(day, { ...empty(day), visitors: events.visitors, pageviews: events.pageviews });
  for (const [day, measures] of s.sessionDays) {
    byDay.set(day, { ...(byDay.get(day) ?? empty(day)), ...sessionTotals([measures]) });
  }
  const series = (r: DateRange) => daysOf(r).map((day) => byDay.get(day) ?? empty(day));
  return { interval, range, points: series(range), previous: series(before) };
}

async function hourly(lake: LakeReader, siteId: string, range: DateRange, before: DateRange): Promise<Timeseries> {
  const rows = await lake.sql(HOURLY_SQL, [siteId, before.from, range.to]);
  const byHour = new Map<string, SeriesPoint>();
  for (const row of rows) {
    const start = `${stringOf(row.dt)}T${String(numberOf(row.hour)).padStart(2, '0')}:00Z`;
    byHour.set(start, {
      ...empty(start),
      visitors: numberOf(row.visitors),
      pageviews: numberOf(row.pageviews),
      sessions: numberOf(row.sessions),
    });
  }
  const series = (r: DateRange) =>
    daysOf(r).flatMap((day) =>
      Array.from({ length: 24 }, (_, h) => {
        const start = `${day}T${String(h).padStart(2, '0')}:00Z`;
        return byHour.get(start) ?? empty(start);
      }),
    );
  return { interval: 'hour', range, points: series(range), previous: series(before) };
}
