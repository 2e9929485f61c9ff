import type { Analytics } from '../ports/analytics';
import type { ObjectStore } from '../ports/object-store';
import { writeLakeRows } from './lake-writer';
import { renderNamedQuery } from './named-queries';
import { DAY_COUNTS_SQL, dayAfter, dayCounts, isUpToDate, rollupParams, rollupSql } from './session-days-sql';
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

/** The first day the job looks at: every day of the lake (Glue's projection starts later still). */
const FIRST_DAY = '2000-01-01';

/**
 * Rolls the site's finished days up into `session_days`: for each day before `today` with events
 * and no up-to-date rows (never rolled up, or events arrived since on it or on a neighbouring
 * day), one file of session fragments replacing the day's previous one. Run daily by `maintain`;
 * reports never depend on it having run (a day without up-to-date rows is sessionized from
 * `events`), only their speed does.
 *
 * @example
 * await rollUpSessionDays({ analytics, database: LOCAL_DATABASE, lake }, siteId, '2026-03-31');
 * // [{ day: '2026-03-30', events: 33012, fragments: 12877 }, ...]
 */
export async function rollUpSessionDays(deps: SessionDaysDeps, siteId: string, today: string): Promise<RolledDay[]> {
  const render = (sql: string) => renderNamedQuery(sql, { database: deps.database });
  const { rows: countRows } = await deps.analytics.query(render(DAY_COUNTS_SQL), {
    params: [siteId, FIRST_DAY, today, siteId, FIRST_DAY, dayAfter(today, -1)],
    maxRows: 1_000_000,
  });
  const counts = dayCounts(countRows);
  const stale = [...counts.events.keys()].filter((day) => day < today && !isUpToDate(counts, day)).sort();
  const fragments = render(rollupSql());
  const rolled: RolledDay[] = [];
  for (const day of stale) {
    const events = counts.events.get(day) ?? 0;
    const { rows } = await deps.analytics.query(fragments, {
      params: rollupParams(siteId, day),
      maxRows: MAX_FRAGMENTS_PER_DAY,
    });
    if (rows.length > 0) {
      const seen = {
        day_events: events,
        previous_day_events: counts.events.get(dayAfter(day, -1)) ?? 0,
        next_day_events: counts.events.get(dayAfter(day)) ?? 0,
      };
      await writeLakeRows(
        deps.lake,
        sessionDaysTable,
        rows.map((row) => ({ ...row, ...seen })),
        FILE_ID,
        () => ({ site_id: siteId, dt: day }),
      );
    }
    rolled.push({ day, events, fragments: rows.length });
  }
  return rolled;
}
