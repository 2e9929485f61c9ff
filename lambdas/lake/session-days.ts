import { type DayCounts, dayAfter, sessionDayIsUpToDate } from './day-counts';
import { type DayRollup, type DayRollupDeps, rollUpDays } from './day-rollup';
import { rollupParams, rollupSql } from './session-days-sql';
import { sessionDaysTable } from './tables';

/** One day rolled up: its events when read and the session fragments (sessions of that day) written. */
export interface RolledDay {
  readonly day: string;
  readonly events: number;
  readonly fragments: number;
}

/** The `session_days` rollup: a day's rows record the events of the day and of its neighbours. */
export const SESSION_DAYS_ROLLUP: DayRollup = {
  table: sessionDaysTable,
  fileId: 'sessions',
  sql: rollupSql(),
  params: rollupParams,
  isUpToDate: sessionDayIsUpToDate,
  seen: (counts: DayCounts, day: string) => ({
    day_events: counts.events.get(day) ?? 0,
    previous_day_events: counts.events.get(dayAfter(day, -1)) ?? 0,
    next_day_events: counts.events.get(dayAfter(day)) ?? 0,
  }),
};

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
export async function rollUpSessionDays(deps: DayRollupDeps, siteId: string, today: string): Promise<RolledDay[]> {
  const days = await rollUpDays(deps, siteId, today, SESSION_DAYS_ROLLUP);
  return days.map(({ day, events, rows }) => ({ day, events, fragments: rows }));
}
