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
 * Per day: the events (bots included) in `events`, and what the `session_days` rows were rolled up
 * from (`kind` = `rolled`: low and high of `day_events`, `previous_day_events`, `next_day_events`).
 * Counting a day's events reads no column, only the files' row counts. Six `?`: site id, first and
 * last day for `events`, then for `session_days`.
 */
export const DAY_COUNTS_SQL = `SELECT 'events' AS kind, dt,
  count(*) AS day_low, count(*) AS day_high,
  CAST(NULL AS bigint) AS previous_low, CAST(NULL AS bigint) AS previous_high,
  CAST(NULL AS bigint) AS next_low, CAST(NULL AS bigint) AS next_high
FROM {{database}}.events
WHERE site_id = ?
  AND dt BETWEEN ? AND ?
GROUP BY dt
UNION ALL
SELECT 'rolled' AS kind, dt,
  min(day_events), max(day_events),
  min(previous_day_events), max(previous_day_events),
  min(next_day_events), max(next_day_events)
FROM {{database}}.session_days
WHERE site_id = ?
  AND dt BETWEEN ? AND ?
GROUP BY dt`;

/** The UTC day `offset` days from `day` (both `YYYY-MM-DD`). */
export function dayAfter(day: string, offset = 1): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
}

/** The counts of `DAY_COUNTS_SQL`, by day. */
export interface DayCounts {
  /** Events per day; a day missing has none. */
  readonly events: ReadonlyMap<string, number>;
  /** Days with `session_days` rows and what they were rolled up from. */
  readonly rolled: ReadonlyMap<string, { readonly day: Range; readonly previous: Range; readonly next: Range }>;
}

type Range = readonly [number | null, number | null];

/** Reads `DAY_COUNTS_SQL` rows. */
export function dayCounts(rows: readonly Readonly<Record<string, unknown>>[]): DayCounts {
  const events = new Map<string, number>();
  const rolled = new Map<string, { day: Range; previous: Range; next: Range }>();
  const n = (value: unknown) => (value === null || value === undefined ? null : Number(value));
  for (const row of rows) {
    const day = String(row.dt);
    if (row.kind === 'events') events.set(day, Number(row.day_low));
    else
      rolled.set(day, {
        day: [n(row.day_low), n(row.day_high)],
        previous: [n(row.previous_low), n(row.previous_high)],
        next: [n(row.next_low), n(row.next_high)],
      });
  }
  return { events, rolled };
}

/**
 * Whether a day's `session_days` rows may be used: rolled up from as many events as the day, the
 * day before and the day after have now (a late event on a neighbour may join a session to it).
 */
export function isUpToDate(counts: DayCounts, day: string): boolean {
  const rolled = counts.rolled.get(day);
  if (rolled === undefined) return false;
  const matches = ([low, high]: Range, now: string) => {
    const events = counts.events.get(now) ?? 0;
    return low === events && high === events;
  };
  return matches(rolled.day, day) && matches(rolled.previous, dayAfter(day, -1)) && matches(rolled.next, dayAfter(day));
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
