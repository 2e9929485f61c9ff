/**
 * Page-days: one row per page path per UTC day, the rows of the `page_days` lake table, with the
 * path's page views that belong to a session (a session id, or a visitor: anonymous id, else ip and
 * user agent), as the entry and exit pages named query counts them. Bots are left out.
 *
 * The same SQL writes the table (the daily job, one day at a time) and stands in for it on days
 * not rolled up yet (today, or a day that received late events), on Athena and DuckDB alike.
 */

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/**
 * `SELECT dt, path, pageviews` over the site's human page views of `dayCount` days. The `?` are
 * the site id, then the days.
 *
 * @example
 * await analytics.query(renderNamedQuery(pageDaysSql(1), { database }), { params: [siteId, '2026-03-01'] });
 */
export function pageDaysSql(dayCount: number): string {
  if (!Number.isSafeInteger(dayCount) || dayCount < 1) throw new RangeError('dayCount must be a positive integer');
  return `SELECT dt, path, count(*) AS pageviews
  FROM {{database}}.events
  WHERE site_id = ?
    AND dt IN (${placeholders(dayCount)})
    AND is_bot = false
    AND event_type IN ('page', 'screen')
    -- has a visitor (coalesce(anonymous_id, ip || '|' || user_agent) IS NOT NULL), without building it
    AND (session_id IS NOT NULL OR anonymous_id IS NOT NULL OR (ip IS NOT NULL AND user_agent IS NOT NULL))
  GROUP BY 1, 2`;
}
