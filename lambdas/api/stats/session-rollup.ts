/**
 * Sessions as the named queries define them (`athena/queries/*.sql`, the "sessionize" block: a
 * session is its `session_id`; events without one start a new session for their visitor after 30
 * minutes without an event), computed the fast way for the dashboard: events that carry a session
 * id are grouped by it with one hash aggregation, and only cookieless events (no session id) go
 * through the window that splits them at 30-minute gaps. The named queries run that window over
 * every event, three sorts of the whole range, which on 1,000,000 events took 0.8–1.2 s against
 * 0.2 s for this. `test/api/stats.test.ts` holds both to the same hand-worked answers.
 *
 * A session's landing values (channel, referrer, campaign, click id) are those of its first event;
 * ties on the same millisecond are broken arbitrarily here (by event id in the named queries).
 */

const VISITOR = `coalesce(anonymous_id, ip || '|' || user_agent)`;

/**
 * The value of `column` on the row with the earliest (or latest) `event_time`, NULL included.
 * DuckDB's `min_by` skips rows whose value is NULL (a direct landing has no referrer host) where
 * the named queries take the first event's value whatever it is, so NULL travels as a sentinel
 * character no column holds.
 */
const valueAt = (fn: 'min_by' | 'max_by', column: string) =>
  `nullif(${fn}(coalesce(${column}, chr(30)), event_time), chr(30))`;

/** Columns every session report reads from an event, besides the landing columns it asks for. */
const BASE = ['dt', 'event_id', 'event_time', 'event_type', 'path', 'properties'] as const;

/** Landing columns a report may ask for: a fixed list, so no request text reaches the SQL. */
export const LANDING_COLUMNS = [
  'channel',
  'referrer_host',
  'referrer_type',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'ad_network',
  'click_id_type',
  'click_id',
] as const;

export type LandingColumn = (typeof LANDING_COLUMNS)[number];

/**
 * `WITH scoped AS (…), keyed AS (…)`: the site's human events in a day range (three `?`: site id,
 * first day, last day), each with its `session_key`. Callers add CTEs and the final SELECT.
 */
export function keyedEventsSql(landing: readonly LandingColumn[] = []): string {
  for (const column of landing) {
    if (!(LANDING_COLUMNS as readonly string[]).includes(column))
      throw new RangeError(`not a landing column: ${column}`);
  }
  const columns = [...BASE, ...landing].join(', ');
  return `WITH scoped AS (
  SELECT ${columns}, session_id, ${VISITOR} AS visitor
  FROM {{database}}.events
  WHERE site_id = ?
    AND dt BETWEEN ? AND ?
    AND is_bot = false
),
keyed AS (
  SELECT ${columns}, visitor, session_id AS session_key
  FROM scoped
  WHERE session_id IS NOT NULL
  UNION ALL
  SELECT ${columns}, visitor,
    visitor || '#' || CAST(sum(starts_session) OVER (
      PARTITION BY visitor
      ORDER BY event_time
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS varchar) AS session_key
  FROM (
    SELECT
      s.*,
      CASE
        WHEN date_diff('millisecond', lag(s.event_time) OVER (PARTITION BY s.visitor ORDER BY s.event_time), s.event_time) <= 1800000
          THEN 0
        ELSE 1
      END AS starts_session
    FROM scoped s
    WHERE s.session_id IS NULL
      AND s.visitor IS NOT NULL
  ) gaps
)`;
}

/**
 * `keyedEventsSql` plus `sessions AS (…)`: one row per session with its visitor, start day,
 * duration, page views, conversions, engaged events (clicks, forms, scrolls, videos, conversions,
 * custom events, or 10 s visible: GA4's engaged session, as the `sessions` named query counts
 * them) and its landing values. Append the final SELECT.
 *
 * @example
 * const sql = `${sessionsSql(['channel'])}\nSELECT channel, count(*) AS sessions FROM sessions GROUP BY channel`;
 */
export function sessionsSql(landing: readonly LandingColumn[] = []): string {
  return `${keyedEventsSql(landing)},
sessions AS (
  SELECT
    session_key,
    ${valueAt('min_by', 'visitor')} AS visitor,
    ${landing.map((c) => `${valueAt('min_by', c)} AS ${c},`).join('\n    ')}
    CAST(CAST(min(event_time) AS date) AS varchar) AS day,
    date_diff('millisecond', min(event_time), max(event_time)) AS duration_ms,
    count(CASE WHEN event_type IN ('page', 'screen') THEN 1 END) AS pageviews,
    count(CASE WHEN event_type = 'conversion' THEN 1 END) AS conversions,
    count(
      CASE
        WHEN event_type IN ('click', 'form', 'scroll', 'video', 'conversion', 'track') THEN 1
        WHEN event_type = 'engagement'
          AND TRY_CAST(json_extract(properties, '$.visible_ms') AS bigint) >= 10000 THEN 1
      END
    ) AS engaged_events
  FROM keyed
  GROUP BY session_key
)`;
}

/**
 * Landing attribution by the given columns: sessions, visitors, page views and conversions (the
 * channel, referrer, campaign and click-id named queries' measures), with an optional filter on
 * the session rows.
 */
export function landingSql(columns: readonly LandingColumn[], where = ''): string {
  return `${sessionsSql(columns)}
SELECT
  ${columns.join(',\n  ')},
  count(*) AS sessions,
  count(DISTINCT visitor) AS visitors,
  sum(pageviews) AS pageviews,
  sum(conversions) AS conversions
FROM sessions
${where ? `WHERE ${where}\n` : ''}GROUP BY ${columns.map((_, i) => i + 1).join(', ')}`;
}

/** Click-id landings also count distinct click ids (as `click-id-networks` does). */
export const CLICK_ID_SQL = `${sessionsSql(['ad_network', 'click_id_type', 'click_id'])}
SELECT
  ad_network,
  click_id_type,
  count(*) AS sessions,
  count(DISTINCT click_id) AS click_ids,
  count(DISTINCT visitor) AS visitors,
  sum(pageviews) AS pageviews,
  sum(conversions) AS conversions
FROM sessions
WHERE click_id_type IS NOT NULL
GROUP BY 1, 2`;

/** Entries, exits and exit rate per page path: a session's first and last page view. */
export const ENTRY_EXIT_SQL = `${keyedEventsSql()},
pageviews AS (
  SELECT session_key, path, event_time
  FROM keyed
  WHERE event_type IN ('page', 'screen')
),
ends AS (
  SELECT session_key, ${valueAt('min_by', 'path')} AS entry_path, ${valueAt('max_by', 'path')} AS exit_path
  FROM pageviews
  GROUP BY session_key
),
views AS (SELECT path, count(*) AS pageviews FROM pageviews GROUP BY path),
entries AS (SELECT entry_path AS path, count(*) AS entries FROM ends GROUP BY entry_path),
exits AS (SELECT exit_path AS path, count(*) AS exits FROM ends GROUP BY exit_path)
SELECT
  v.path,
  v.pageviews,
  coalesce(n.entries, 0) AS entries,
  coalesce(x.exits, 0) AS exits,
  round(CAST(coalesce(x.exits, 0) AS double) / v.pageviews, 4) AS exit_rate
FROM views v
LEFT JOIN entries n ON n.path = v.path
LEFT JOIN exits x ON x.path = v.path`;

/**
 * The landing-attribution reports, each the counterpart of a named query (same filters, same
 * measures): `channels`, `referrers` (internal referrers left out), `utm-campaigns`, `click-id-networks`.
 */
export const LANDING_REPORTS = {
  channels: landingSql(['channel']),
  referrers: landingSql(
    ['referrer_host', 'referrer_type'],
    "referrer_host IS NOT NULL AND referrer_type <> 'internal'",
  ),
  'utm-campaigns': landingSql(
    ['utm_campaign', 'utm_source', 'utm_medium'],
    'utm_campaign IS NOT NULL OR utm_source IS NOT NULL OR utm_medium IS NOT NULL',
  ),
  'click-id-networks': CLICK_ID_SQL,
} as const;
