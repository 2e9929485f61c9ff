/**
 * Sessions for the dashboard's session reports (Overview's sessions, bounces and duration; entry
 * and exit pages; landing attribution), as the named queries define them (`athena/queries/*.sql`,
 * the "sessionize" block), built from session fragments (one row per session per day,
 * `lambdas/lake/session-days-sql.ts`) instead of every event:
 *
 * - days the daily job rolled up, whose `session_days` rows are still up to date (rolled up from
 *   as many events as the day and its neighbours have now), are read from `session_days`;
 * - the other days of the range (today, a day that received late events, a day never rolled up)
 *   are cut into fragments from `events` by the same SQL the job uses.
 *
 * A rolled-up fragment the job judged to stay within its day (`spans_days` false: its session id
 * has no event the day before or after, or, cookieless, it is over 30 minutes from either
 * midnight) is a whole session already. The others, and every fragment of a day not rolled up, are
 * joined: by session id, or for cookieless ones of a visitor when at most 30 minutes separate one's
 * last event from the next one's first (within a day the job cut them exactly there, so only
 * fragments meeting at midnight join). That gives the named queries' sessions exactly. `test/api/session-rollup.test.ts` holds every report to its named
 * query with days rolled up, not rolled up, and rolled up before a late event.
 *
 * A session's landing values (channel, referrer, campaign, click id) are those of its first event;
 * ties on the same millisecond are broken arbitrarily here (by event id in the named queries).
 */
import { type DayCounts, sessionDayIsUpToDate } from '../../lake/day-counts';
import { pageDaysSql } from '../../lake/page-days-sql';
import { type FragmentColumn, sessionFragmentsSql, valueAt } from '../../lake/session-days-sql';
import { type DateRange, daysOf } from './date-range';
import type { LakeReader } from './lake-reader';
import { type BoundSql, type DayRollupSource, lookUpDayCounts, rolledOrLive } from './rolled-or-live';

/** Which days of a range to read from `session_days` and which to sessionize from `events`. */
export interface SessionDays {
  readonly rolled: readonly string[];
  readonly live: readonly string[];
}

/**
 * Splits a range into days read from `session_days` (rows rolled up from as many events as the
 * day and its neighbours have now) and days sessionized from `events`.
 *
 * @example
 * await sessionDays(lake, siteId, { from: '2026-03-01', to: '2026-03-30' }); // { rolled: [28 days], live: ['2026-03-29', '2026-03-30'] }
 */
export async function sessionDays(lake: LakeReader, siteId: string, range: DateRange): Promise<SessionDays> {
  return splitSessionDays(await lookUpDayCounts(lake, siteId, range, ['session_days']), range);
}

/** `sessionDays` from counts already looked up (with the day before and after the range's events). */
export function splitSessionDays(counts: DayCounts, range: DateRange): SessionDays {
  const days = daysOf(range);
  const rolled = new Set(days.filter((day) => sessionDayIsUpToDate(counts, day)));
  return { rolled: days.filter((day) => rolled.has(day)), live: days.filter((day) => !rolled.has(day)) };
}

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
] as const satisfies readonly FragmentColumn[];

export type LandingColumn = (typeof LANDING_COLUMNS)[number];

/** Every session needs these to be joined from its fragments and to have a day and a duration. */
const ALWAYS: readonly FragmentColumn[] = ['visitor', 'started_at', 'ended_at'];

/** How a column of a session is made from its fragments' (in start order). */
function joined(column: FragmentColumn, cookieless: boolean): string {
  switch (column) {
    case 'visitor':
      return cookieless ? 'visitor' : valueAt('min_by', 'visitor', 'started_at');
    case 'started_at':
    case 'entry_at':
      return `min(${column})`;
    case 'ended_at':
    case 'exit_at':
      return `max(${column})`;
    case 'events':
    case 'pageviews':
    case 'conversions':
    case 'engaged_events':
      return `sum(${column})`;
    case 'entry_path':
      return valueAt('min_by', 'entry_path', 'entry_at');
    case 'exit_path':
      return valueAt('max_by', 'exit_path', 'exit_at');
    default:
      return valueAt('min_by', column, 'started_at');
  }
}

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/**
 * `WITH … sessions AS (…)`: one row per session of the site in `days`, with `day` (its start day),
 * `duration_ms` and the asked columns (`pageviews`, `engaged_events`, a landing column, ...).
 * Append the final SELECT, and the `?` values it needs after `params`.
 *
 * @example
 * const { text, params } = sessionsSql(siteId, days, ['pageviews', 'channel']);
 * await lake.sql(`${text}\nSELECT channel, count(*) AS sessions FROM sessions GROUP BY 1`, params);
 */
export function sessionsSql(siteId: string, days: SessionDays, asked: readonly FragmentColumn[]): BoundSql {
  // A path is joined by its time: asking for one brings the other.
  const needed = asked.flatMap((c) =>
    c === 'entry_path' ? [c, 'entry_at' as const] : c === 'exit_path' ? [c, 'exit_at' as const] : [c],
  );
  const columns = [...new Set([...ALWAYS, ...needed])];
  const list = columns.join(', ');
  const branches: string[] = [];
  const params: string[] = [];
  if (days.rolled.length > 0) {
    branches.push(`SELECT session_id, spans_days, ${list}
  FROM {{database}}.session_days
  WHERE site_id = ?
    AND dt IN (${placeholders(days.rolled.length)})`);
    params.push(siteId, ...days.rolled);
  }
  // With no day to read at all, an empty live branch still gives the columns their types.
  const live = days.live.length > 0 || days.rolled.length === 0 ? (days.live.length > 0 ? days.live : ['']) : [];
  if (live.length > 0) {
    // A day not rolled up has no judgement of which of its sessions go on another day: all may.
    branches.push(`SELECT session_id, true AS spans_days, ${list}
  FROM (
${sessionFragmentsSql(columns, live.length)}
  ) live`);
    params.push(siteId, ...live, siteId, ...live);
  }
  const carried = columns.filter((c) => !ALWAYS.includes(c) || c === 'visitor');
  const text = `WITH fragments AS (
  ${branches.join('\n  UNION ALL\n  ')}
),
identified AS (
  SELECT ${columns.map((c) => `${joined(c, false)} AS ${c}`).join(',\n    ')}
  FROM fragments
  WHERE session_id IS NOT NULL AND spans_days
  GROUP BY session_id
),
cookieless_numbered AS (
  SELECT g.*,
    sum(starts_session) OVER (
      PARTITION BY visitor
      ORDER BY started_at
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS session_number
  FROM (
    SELECT f.*,
      CASE
        WHEN date_diff(
          'millisecond',
          max(ended_at) OVER (PARTITION BY visitor ORDER BY started_at ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING),
          started_at
        ) <= 1800000 THEN 0
        ELSE 1
      END AS starts_session
    FROM fragments f
    WHERE session_id IS NULL AND spans_days
  ) g
),
cookieless AS (
  SELECT ${columns.map((c) => `${joined(c, true)} AS ${c}`).join(',\n    ')}
  FROM cookieless_numbered
  GROUP BY visitor, session_number
),
sessions AS (
  SELECT
    CAST(CAST(started_at AS date) AS varchar) AS day,
    date_diff('millisecond', started_at, ended_at) AS duration_ms,
    ${carried.join(', ')}
  FROM (
    SELECT ${list} FROM fragments WHERE NOT spans_days
    UNION ALL
    SELECT ${list} FROM identified
    UNION ALL
    SELECT ${list} FROM cookieless
  ) joined
)`;
  return { text, params };
}

/** A session report: the session columns it reads and its SELECT over `sessions`. */
export interface SessionReport {
  readonly columns: readonly FragmentColumn[];
  /** The final SELECT over `sessions` (and `page_views`); it has no `?`. */
  readonly select: string;
  /** Whether the SELECT reads `page_views` (`dt`, `path`, `pageviews`: a path's page views in sessions per day). */
  readonly pageViews?: boolean;
}

/** Page views per path and day from the `page_days` rollup where it is up to date, else from `events`. */
const pageDays = (siteId: string): DayRollupSource => ({
  table: 'page_days',
  columns: 'dt, path, pageviews',
  live: (days) => ({ text: pageDaysSql(days.length), params: [siteId, ...days] }),
});

/**
 * A session report's SQL for a site and range, its `session_days` days first looked up.
 *
 * @example
 * const { text, params } = await sessionReportSql(lake, LANDING_REPORTS.channels, siteId, range);
 */
export async function sessionReportSql(
  lake: LakeReader,
  report: SessionReport,
  siteId: string,
  range: DateRange,
): Promise<BoundSql> {
  if (!report.pageViews) {
    const sessions = sessionsSql(siteId, await sessionDays(lake, siteId, range), report.columns);
    return { text: `${sessions.text}\n${report.select}`, params: sessions.params };
  }
  const counts = await lookUpDayCounts(lake, siteId, range, ['session_days', 'page_days']);
  const sessions = sessionsSql(siteId, splitSessionDays(counts, range), report.columns);
  const views = rolledOrLive('page_views', siteId, counts, range, pageDays(siteId));
  return {
    text: `${sessions.text},\n${views.text}\n${report.select}`,
    params: [...sessions.params, ...views.params],
  };
}

/**
 * Landing attribution by the given columns: sessions, visitors, page views and conversions (the
 * channel, referrer, campaign and click-id named queries' measures), with an optional filter on
 * the session rows.
 */
export function landingReport(columns: readonly LandingColumn[], where = ''): SessionReport {
  return {
    columns: ['pageviews', 'conversions', ...columns],
    select: `SELECT
  ${columns.join(',\n  ')},
  count(*) AS sessions,
  count(DISTINCT visitor) AS visitors,
  sum(pageviews) AS pageviews,
  sum(conversions) AS conversions
FROM sessions
${where ? `WHERE ${where}\n` : ''}GROUP BY ${columns.map((_, i) => i + 1).join(', ')}`,
  };
}

/** Click-id landings also count distinct click ids (as `click-id-networks` does). */
export const CLICK_ID_REPORT: SessionReport = {
  columns: ['pageviews', 'conversions', 'ad_network', 'click_id_type', 'click_id'],
  select: `SELECT
  ad_network,
  click_id_type,
  count(*) AS sessions,
  count(DISTINCT click_id) AS click_ids,
  count(DISTINCT visitor) AS visitors,
  sum(pageviews) AS pageviews,
  sum(conversions) AS conversions
FROM sessions
WHERE click_id_type IS NOT NULL
GROUP BY 1, 2`,
};

/**
 * Entries, exits and exit rate per page path: a session's first and last page view. Page views per
 * path count every page view that belongs to a session (one with a session id or a visitor).
 */
export const ENTRY_EXIT_REPORT: SessionReport = {
  columns: ['entry_path', 'exit_path'],
  pageViews: true,
  select: `, views AS (
  SELECT path, sum(pageviews) AS pageviews
  FROM page_views
  GROUP BY path
),
entries AS (SELECT entry_path AS path, count(*) AS entries FROM sessions WHERE entry_at IS NOT NULL GROUP BY entry_path),
exits AS (SELECT exit_path AS path, count(*) AS exits FROM sessions WHERE entry_at IS NOT NULL GROUP BY exit_path)
SELECT
  v.path,
  v.pageviews,
  coalesce(n.entries, 0) AS entries,
  coalesce(x.exits, 0) AS exits,
  round(CAST(coalesce(x.exits, 0) AS double) / v.pageviews, 4) AS exit_rate
FROM views v
LEFT JOIN entries n ON n.path = v.path
LEFT JOIN exits x ON x.path = v.path`,
};

/**
 * The landing-attribution reports, each the counterpart of a named query (same filters, same
 * measures): `channels`, `referrers` (internal referrers left out), `utm-campaigns`, `click-id-networks`.
 */
export const LANDING_REPORTS = {
  channels: landingReport(['channel']),
  referrers: landingReport(
    ['referrer_host', 'referrer_type'],
    "referrer_host IS NOT NULL AND referrer_type <> 'internal'",
  ),
  'utm-campaigns': landingReport(
    ['utm_campaign', 'utm_source', 'utm_medium'],
    'utm_campaign IS NOT NULL OR utm_source IS NOT NULL OR utm_medium IS NOT NULL',
  ),
  'click-id-networks': CLICK_ID_REPORT,
} as const satisfies Record<string, SessionReport>;
