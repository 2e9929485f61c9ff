import { type DateRange, previousRange } from './date-range';
import type { LakeReader, LakeRow } from './lake-reader';
import { nullableNumber, numberOf } from './lake-values';

export interface OverviewTotals {
  readonly visitors: number;
  readonly sessions: number;
  readonly pageviews: number;
  /** Share of sessions that bounced (0–1); null without sessions. */
  readonly bounceRate: number | null;
  /** Mean session duration; null without sessions. */
  readonly avgDurationSeconds: number | null;
  readonly conversions: number;
}

export interface Overview {
  readonly range: DateRange;
  readonly previousRange: DateRange;
  readonly current: OverviewTotals;
  readonly previous: OverviewTotals;
}

/**
 * Visitors, page views and conversions of both periods in one scan. Visitors are counted as the
 * named queries count them (anonymous id, else truncated IP and user agent); bots excluded.
 */
const TOTALS_SQL = `
SELECT
  CASE WHEN dt >= ? THEN 'current' ELSE 'previous' END AS period,
  count(CASE WHEN event_type IN ('page', 'screen') THEN 1 END) AS pageviews,
  count(DISTINCT coalesce(anonymous_id, ip || '|' || user_agent)) AS visitors,
  count(CASE WHEN event_type = 'conversion' THEN 1 END) AS conversions
FROM {{database}}.events
WHERE site_id = ?
  AND dt BETWEEN ? AND ?
  AND is_bot = false
GROUP BY 1`;

/**
 * The overview's headline numbers for a range and the period of the same length before it: two
 * queries (totals, and the `sessions` named query per day over both periods, summed here).
 *
 * @example
 * const { current, previous } = await overview(lake, siteId, { from: '2026-03-08', to: '2026-03-14' });
 */
export async function overview(lake: LakeReader, siteId: string, range: DateRange): Promise<Overview> {
  const before = previousRange(range);
  const [totals, sessions] = await Promise.all([
    lake.sql(TOTALS_SQL, [range.from, siteId, before.from, range.to]),
    lake.named('sessions', { site_id: siteId, from_date: before.from, to_date: range.to }),
  ]);
  const period = (name: 'current' | 'previous', inPeriod: (day: string) => boolean): OverviewTotals => {
    const row = totals.find((r) => r.period === name);
    return {
      visitors: numberOf(row?.visitors),
      pageviews: numberOf(row?.pageviews),
      conversions: numberOf(row?.conversions),
      ...sessionTotals(sessions.filter((s) => inPeriod(String(s.day)))),
    };
  };
  return {
    range,
    previousRange: before,
    current: period('current', (day) => day >= range.from),
    previous: period('previous', (day) => day < range.from),
  };
}

/** Sums the `sessions` query's daily rows: counts add up, the mean duration is weighted by sessions. */
export function sessionTotals(
  days: readonly LakeRow[],
): Pick<OverviewTotals, 'sessions' | 'bounceRate' | 'avgDurationSeconds'> {
  let sessions = 0;
  let bounces = 0;
  let durationSum = 0;
  for (const day of days) {
    const n = numberOf(day.sessions);
    sessions += n;
    bounces += numberOf(day.bounces);
    durationSum += (nullableNumber(day.avg_duration_seconds) ?? 0) * n;
  }
  return {
    sessions,
    bounceRate: sessions > 0 ? round(bounces / sessions, 4) : null,
    avgDurationSeconds: sessions > 0 ? round(durationSum / sessions, 1) : null,
  };
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
