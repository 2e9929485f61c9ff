import type { Analytics } from '../ports/analytics';
import type { ObjectStore } from '../ports/object-store';
import { type DayCounts, dayAfter, dayCounts, dayCountsQuery, dayIsUpToDate, type RollupTable } from './day-counts';
import { writeLakeRows } from './lake-writer';
import { renderNamedQuery } from './named-queries';
import type { LakeTable } from './tables';

export interface DayRollupDeps {
  /** Reads the lake: Athena in AWS, DuckDB locally. */
  readonly analytics: Analytics;
  /** What `{{database}}` renders as (the Glue database, or `LOCAL_DATABASE`). */
  readonly database: string;
  /** Where the rollup files are written: the lake bucket, or the local lake directory. */
  readonly lake: ObjectStore;
}

/** A daily rollup: a lake table computed from one day of `events` at a time. */
export interface DayRollup {
  readonly table: LakeTable & { readonly name: RollupTable };
  /** A day's file has one fixed name, so rolling a day up again replaces it. */
  readonly fileId: string;
  /** One day's rows (`{{database}}` not yet rendered). */
  readonly sql: string;
  readonly params: (siteId: string, day: string) => readonly string[];
  /** Whether the day's rows are still those its events give now. */
  readonly isUpToDate: (counts: DayCounts, day: string) => boolean;
  /** The event counts each row records, by which `isUpToDate` later judges it. */
  readonly seen: (counts: DayCounts, day: string) => Readonly<Record<string, number>>;
}

/** One day rolled up: its events when read and the rows written. */
export interface RolledUpDay {
  readonly day: string;
  readonly events: number;
  readonly rows: number;
}

/** Rows of days with a great many are still written whole (the bound a query may read). */
const MAX_ROWS_PER_DAY = 1_000_000;

/** The first day the job looks at: every day of the lake (Glue's projection starts later still). */
const FIRST_DAY = '2000-01-01';

/**
 * Rolls the site's finished days up into the rollup's table: for each day before `today` with
 * events and no up-to-date rows (never rolled up, or events arrived since), one file replacing
 * the day's previous one. Each day is written as soon as it is computed, so a run cut short is
 * continued by the next. Reports never depend on it having run, only their speed does.
 *
 * @example
 * await rollUpDays({ analytics, database: LOCAL_DATABASE, lake }, siteId, '2026-03-31', VISITOR_DAYS_ROLLUP);
 * // [{ day: '2026-03-30', events: 33012, rows: 8123 }, ...]
 */
export async function rollUpDays(
  deps: DayRollupDeps,
  siteId: string,
  today: string,
  rollup: DayRollup,
): Promise<RolledUpDay[]> {
  const render = (sql: string) => renderNamedQuery(sql, { database: deps.database });
  const lookup = dayCountsQuery(siteId, { from: FIRST_DAY, to: today }, { from: FIRST_DAY, to: dayAfter(today, -1) }, [
    rollup.table.name,
  ]);
  const { rows: countRows } = await deps.analytics.query(render(lookup.text), {
    params: lookup.params,
    maxRows: 1_000_000,
  });
  const counts = dayCounts(countRows);
  const stale = [...counts.events.keys()].filter((day) => day < today && !rollup.isUpToDate(counts, day)).sort();
  const sql = render(rollup.sql);
  const rolled: RolledUpDay[] = [];
  for (const day of stale) {
    const { rows } = await deps.analytics.query(sql, { params: rollup.params(siteId, day), maxRows: MAX_ROWS_PER_DAY });
    if (rows.length > 0) {
      const seen = rollup.seen(counts, day);
      await writeLakeRows(
        deps.lake,
        rollup.table,
        rows.map((row) => ({ ...row, ...seen })),
        rollup.fileId,
        () => ({ site_id: siteId, dt: day }),
      );
    }
    rolled.push({ day, events: counts.events.get(day) ?? 0, rows: rows.length });
  }
  return rolled;
}

/**
 * A rollup whose rows of a day depend on that day's events alone: `sqlOf(n)` computes the rows of
 * `n` days, its `?` the site id, then the days.
 *
 * @example
 * const VISITOR_DAYS_ROLLUP = singleDayRollup(visitorDaysTable, 'visitors', visitorDaysSql);
 */
export function singleDayRollup(
  table: LakeTable & { readonly name: 'visitor_days' | 'page_days' },
  fileId: string,
  sqlOf: (dayCount: number) => string,
): DayRollup {
  return {
    table,
    fileId,
    sql: sqlOf(1),
    params: (siteId, day) => [siteId, day],
    isUpToDate: dayIsUpToDate(table.name),
    seen: (counts, day) => ({ day_events: counts.events.get(day) ?? 0 }),
  };
}
