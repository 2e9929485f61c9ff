import { VISITOR } from './session-days-sql';

/**
 * Visitor-days: one row per visitor per UTC day, the rows of the `visitor_days` lake table, with
 * the visitor's page views and conversions that day. Distinct visitors over a period cannot be
 * added up from days, but they can be counted over visitor-days, which are far fewer than events.
 * Events with no visitor (no anonymous id, ip or user agent) make one row with a null visitor, so
 * their page views still count. Bots are left out, as in every report.
 *
 * The same SQL writes the table (the daily job, one day at a time) and stands in for it on days
 * not rolled up yet (today, or a day that received late events), on Athena and DuckDB alike.
 */

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/**
 * `SELECT dt, visitor, pageviews, conversions` over the site's human events of `dayCount` days.
 * The `?` are the site id, then the days.
 *
 * @example
 * const text = visitorDaysSql(2);
 * await analytics.query(renderNamedQuery(text, { database }), { params: [siteId, '2026-03-01', '2026-03-02'] });
 */
export function visitorDaysSql(dayCount: number): string {
  if (!Number.isSafeInteger(dayCount) || dayCount < 1) throw new RangeError('dayCount must be a positive integer');
  return `SELECT dt, ${VISITOR} AS visitor,
    count(CASE WHEN event_type IN ('page', 'screen') THEN 1 END) AS pageviews,
    count(CASE WHEN event_type = 'conversion' THEN 1 END) AS conversions
  FROM {{database}}.events
  WHERE site_id = ?
    AND dt IN (${placeholders(dayCount)})
    AND is_bot = false
  GROUP BY 1, 2`;
}
