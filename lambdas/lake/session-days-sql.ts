import { dayAfter } from './day-counts';

/**
 * Session fragments: one row per session per UTC day, the rows of the `session_days` lake table.
 * Sessions are the named queries' ("sessionize" in `athena/queries/*.sql`): a session is its
 * `session_id`; events without one start a new session for their visitor after 30 minutes without
 * an event. Here that is cut at each midnight (the gap window runs per visitor and day), so a day's
 * fragments depend on that day's events only and can be written once the day is over; the reports
 * join a session's fragments again (`lambdas/api/stats/session-rollup.ts`).
 *
 * The same SQL writes the table (the daily job, one day at a time) and stands in for it on days
 * not rolled up yet (today, or a day that received late events), on Athena and DuckDB alike.
 */

/** A fragment's columns, each computed over the session's events of one day. */
export const FRAGMENT_COLUMNS = [
  'visitor',
  'started_at',
  'ended_at',
  'events',
  'pageviews',
  'conversions',
  'engaged_events',
  'channel',
  'referrer_host',
  'referrer_type',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'ad_network',
  'click_id_type',
  'click_id',
  'entry_path',
  'entry_at',
  'exit_path',
  'exit_at',
] as const;

export type FragmentColumn = (typeof FRAGMENT_COLUMNS)[number];

export const VISITOR = `coalesce(anonymous_id, ip || '|' || user_agent)`;
const PAGE = `event_type IN ('page', 'screen')`;
/** A character no column holds: `min_by` skips NULL values, the named queries keep them. */
const NULL_MARK = 'chr(30)';

/** The value of `value` on the row with the smallest (or largest) `by`, NULL values included. */
export const valueAt = (fn: 'min_by' | 'max_by', value: string, by: string) =>
  `nullif(${fn}(coalesce(${value}, ${NULL_MARK}), ${by}), ${NULL_MARK})`;

/** The event columns each fragment column is computed from. */
const INPUTS: Readonly<Record<FragmentColumn, readonly string[]>> = {
  visitor: [],
  started_at: [],
  ended_at: [],
  events: [],
  pageviews: [],
  conversions: [],
  engaged_events: ['properties'],
  channel: ['channel'],
  referrer_host: ['referrer_host'],
  referrer_type: ['referrer_type'],
  utm_source: ['utm_source'],
  utm_medium: ['utm_medium'],
  utm_campaign: ['utm_campaign'],
  ad_network: ['ad_network'],
  click_id_type: ['click_id_type'],
  click_id: ['click_id'],
  entry_path: ['path'],
  entry_at: [],
  exit_path: ['path'],
  exit_at: [],
};

/** The aggregate of a fragment column over a session's events of one day (`visitor` is given). */
function aggregate(column: FragmentColumn, visitor: string): string {
  switch (column) {
    case 'visitor':
      return visitor;
    case 'started_at':
      return 'min(event_time)';
    case 'ended_at':
      return 'max(event_time)';
    case 'events':
      return 'count(*)';
    case 'pageviews':
      return `count(CASE WHEN ${PAGE} THEN 1 END)`;
    case 'conversions':
      return `count(CASE WHEN event_type = 'conversion' THEN 1 END)`;
    case 'engaged_events':
      return `count(
      CASE
        WHEN event_type IN ('click', 'form', 'scroll', 'video', 'conversion', 'track') THEN 1
        WHEN event_type = 'engagement'
          AND TRY_CAST(json_extract(properties, '$.visible_ms') AS bigint) >= 10000 THEN 1
      END
    )`;
    case 'entry_path':
      return valueAt('min_by', `CASE WHEN ${PAGE} THEN path END`, `CASE WHEN ${PAGE} THEN event_time END`);
    case 'exit_path':
      return valueAt('max_by', `CASE WHEN ${PAGE} THEN path END`, `CASE WHEN ${PAGE} THEN event_time END`);
    case 'entry_at':
      return `min(CASE WHEN ${PAGE} THEN event_time END)`;
    case 'exit_at':
      return `max(CASE WHEN ${PAGE} THEN event_time END)`;
    default:
      // a landing column: the value of the day's first event
      return valueAt('min_by', column, 'event_time');
  }
}

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/**
 * `SELECT dt, session_id, <columns>` over the site's human events of the given days: one row per
 * session per day. The `?` are the site id, then the `dayCount` days; twice (sessions with an id,
 * then cookieless ones), as `fragmentParams` binds them.
 *
 * @example
 * const text = sessionFragmentsSql(['started_at', 'ended_at', 'pageviews'], 1);
 * await analytics.query(renderNamedQuery(text, { database }), { params: fragmentParams(siteId, ['2026-03-01']) });
 */
export function sessionFragmentsSql(columns: readonly FragmentColumn[], dayCount: number): string {
  if (!Number.isSafeInteger(dayCount) || dayCount < 1) throw new RangeError('dayCount must be a positive integer');
  const inputs = [...new Set(columns.flatMap((c) => INPUTS[c]))];
  const scope = `FROM {{database}}.events
    WHERE site_id = ?
      AND dt IN (${placeholders(dayCount)})
      AND is_bot = false`;
  const identified = columns.map((c) => `${aggregate(c, valueAt('min_by', VISITOR, 'event_time'))} AS ${c}`);
  const cookieless = columns.map((c) => `${aggregate(c, 'visitor')} AS ${c}`);
  const carried = ['dt', 'event_time', 'event_type', ...inputs].join(', ');
  return `SELECT dt, session_id,
    ${identified.join(',\n    ')}
  ${scope}
    AND session_id IS NOT NULL
  GROUP BY dt, session_id
UNION ALL
SELECT dt, CAST(NULL AS varchar) AS session_id,
    ${cookieless.join(',\n    ')}
FROM (
  SELECT ${carried}, visitor,
    sum(starts_session) OVER (
      PARTITION BY visitor, dt
      ORDER BY event_time
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS session_number
  FROM (
    SELECT ${carried}, visitor,
      CASE
        WHEN date_diff('millisecond', lag(event_time) OVER (PARTITION BY visitor, dt ORDER BY event_time), event_time) <= 1800000
          THEN 0
        ELSE 1
      END AS starts_session
    FROM (
      SELECT ${carried}, ${VISITOR} AS visitor
      ${scope}
        AND session_id IS NULL
    ) cookieless_scope
    WHERE visitor IS NOT NULL
  ) gaps
) numbered
GROUP BY dt, visitor, session_number`;
}

/** The `?` values of `sessionFragmentsSql`. */
export function fragmentParams(siteId: string, days: readonly string[]): string[] {
  return [siteId, ...days, siteId, ...days];
}

/**
 * One day's `session_days` rows: `sessionFragmentsSql` of every column, with `spans_days` (whether
 * the fragment may join one of another day). `?` as `rollupParams` binds them.
 */
export function rollupSql(): string {
  return `SELECT f.*,
  CASE
    WHEN f.session_id IS NULL THEN f.started_at <= CAST(? AS timestamp) OR f.ended_at >= CAST(? AS timestamp)
    ELSE f.session_id IN (
      SELECT session_id
      FROM {{database}}.events
      WHERE site_id = ?
        AND dt IN (?, ?)
        AND is_bot = false
        AND session_id IS NOT NULL
    )
  END AS spans_days
FROM (
${sessionFragmentsSql(FRAGMENT_COLUMNS, 1)}
) f`;
}

/** The `?` values of `rollupSql` for a site and day. */
export function rollupParams(siteId: string, day: string): string[] {
  // A cookieless fragment can only join another day's if it is within 30 minutes of a midnight.
  return [
    `${day} 00:30:00.000`,
    `${day} 23:30:00.000`,
    siteId,
    dayAfter(day, -1),
    dayAfter(day),
    ...fragmentParams(siteId, [day]),
  ];
}
