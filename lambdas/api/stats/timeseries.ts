import { type DateRange, daysOf, previousRange } from './date-range';
import type { LakeReader } from './lake-reader';
import { nullableNumber, numberOf, stringOf } from './lake-values';

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
 * The trend of a range and of the period before it: per day from the `daily-pageviews-and-visitors`
 * and `sessions` named queries, or per hour when the range is one day.
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
  const scope = { site_id: siteId, from_date: before.from, to_date: range.to };
  const [daily, sessions] = await Promise.all([
    lake.named('daily-pageviews-and-visitors', scope),
    lake.named('sessions', scope),
  ]);
  const byDay = new Map<string, SeriesPoint>();
  for (const row of daily) {
    const day = stringOf(row.day) ?? '';
    byDay.set(day, { ...empty(day), visitors: numberOf(row.visitors), pageviews: numberOf(row.pageviews) });
  }
  for (const row of sessions) {
    const day = stringOf(row.day) ?? '';
    byDay.set(day, {
      ...(byDay.get(day) ?? empty(day)),
      sessions: numberOf(row.sessions),
      bounceRate: nullableNumber(row.bounce_rate),
      avgDurationSeconds: nullableNumber(row.avg_duration_seconds),
    });
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
