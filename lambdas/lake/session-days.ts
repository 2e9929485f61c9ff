import type { Analytics } from '../ports/analytics';
import type { ObjectStore } from '../ports/object-store';
import { writeLakeRows } from './lake-writer';
import { renderNamedQuery } from './named-queries';
import { FRAGMENT_COLUMNS, fragmentParams, sessionFragmentsSql } from './session-days-sql';
import { sessionDaysTable } from './tables';

export interface SessionDaysDeps {
  /** Reads the lake: Athena in AWS, DuckDB locally. */
  readonly analytics: Analytics;
  /** What `{{database}}` renders as (the Glue database, or `LOCAL_DATABASE`). */
  readonly database: string;
  /** Where the `session_days` files are written: the lake bucket, or the local lake directory. */
  readonly lake: ObjectStore;
}

/** One day rolled up: its events when read and the session fragments (sessions of that day) written. */
export interface RolledDay {
  readonly day: string;
  readonly events: number;
  readonly fragments: number;
}

/** A day's file has one fixed name, so rolling a day up again replaces it. */
const FILE_ID = 'sessions';

/** Fragments of days with a great many sessions are still written whole (the bound a query may read). */
const MAX_FRAGMENTS_PER_DAY = 1_000_000;

/**
 * The site's days (before `today`) whose events differ in number from what their `session_days`
 * rows were rolled up from, or that have none: the days the job has to (re)write. Reading a count
 * per day needs no column of the events, only the files' row counts.
 */
const STALE_DAYS_SQL = `SELECT e.dt AS dt, e.events AS events
FROM (
  SELECT dt, count(*) AS events
  FROM {{database}}.events
  WHERE site_id = ?
    AND dt < ?
  GROUP BY dt
) e
LEFT JOIN (
  SELECT dt, min(day_events) AS low, max(day_events) AS high
  FROM {{database}}.session_days
  WHERE site_id = ?
    AND dt < ?
  GROUP BY dt
) r ON r.dt = e.dt
WHERE r.dt IS NULL OR r.low <> e.events OR r.high <> e.events`;

/**
 * Rolls the site's finished days up into `session_days`: for each day before `today` that has no
 * up-to-date rows (never rolled up, or late events arrived since), one file of session fragments
 * replacing the day's previous one. Run daily by `maintain`; reports never depend on it having run
 * (a day without up-to-date rows is sessionized from `events`), only their speed does.
 *
 * @example
 * await rollUpSessionDays({ analytics, database: LOCAL_DATABASE, lake }, siteId, '2026-03-31');
 * // [{ day: '2026-03-30', events: 33012, fragments: 12877 }, ...]
 */
export async function rollUpSessionDays(deps: SessionDaysDeps, siteId: string, today: string): Promise<RolledDay[]> {
  const render = (sql: string) => renderNamedQuery(sql, { database: deps.database });
  const stale = await deps.analytics.query(render(STALE_DAYS_SQL), {
    params: [siteId, today, siteId, today],
    maxRows: 100_000,
  });
  const fragments = render(sessionFragmentsSql(FRAGMENT_COLUMNS, 1));
  const rolled: RolledDay[] = [];
  for (const { dt, events } of stale.rows) {
    const day = String(dt);
    const dayEvents = Number(events);
    const { rows } = await deps.analytics.query(fragments, {
      params: fragmentParams(siteId, [day]),
      maxRows: MAX_FRAGMENTS_PER_DAY,
    });
    if (rows.length > 0) {
      await writeLakeRows(
        deps.lake,
        sessionDaysTable,
        rows.map((row) => ({ ...row, day_events: dayEvents })),
        FILE_ID,
        () => ({ site_id: siteId, dt: day }),
      );
    }
    rolled.push({ day, events: dayEvents, fragments: rows.length });
  }
  return rolled;
}
