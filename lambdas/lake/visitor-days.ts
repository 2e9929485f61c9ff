import { type DayCounts, visitorDayIsUpToDate } from './day-counts';
import { type DayRollup, type DayRollupDeps, type RolledUpDay, rollUpDays } from './day-rollup';
import { visitorDaysTable } from './tables';
import { visitorDayParams, visitorDaysSql } from './visitor-days-sql';

/** The `visitor_days` rollup: a day's rows depend on that day's events only. */
export const VISITOR_DAYS_ROLLUP: DayRollup = {
  table: visitorDaysTable,
  fileId: 'visitors',
  sql: visitorDaysSql(1),
  params: (siteId: string, day: string) => visitorDayParams(siteId, [day]),
  isUpToDate: visitorDayIsUpToDate,
  seen: (counts: DayCounts, day: string) => ({ day_events: counts.events.get(day) ?? 0 }),
};

/**
 * Rolls the site's finished days up into `visitor_days`: for each day before `today` with events
 * and no up-to-date rows (never rolled up, or events arrived since), one file of visitor-days
 * replacing the day's previous one. Run daily by `maintain`; Overview never depends on it having
 * run (a day without up-to-date rows is counted from `events`), only its speed does.
 *
 * @example
 * await rollUpVisitorDays({ analytics, database: LOCAL_DATABASE, lake }, siteId, '2026-03-31');
 * // [{ day: '2026-03-30', events: 33012, rows: 8123 }, ...]
 */
export function rollUpVisitorDays(deps: DayRollupDeps, siteId: string, today: string): Promise<RolledUpDay[]> {
  return rollUpDays(deps, siteId, today, VISITOR_DAYS_ROLLUP);
}
