import {
  type DayCounts,
  dayAfter,
  dayCounts,
  dayCountsQuery,
  dayIsUpToDate,
  type RollupTable,
} from '../../lake/day-counts';
import { type DateRange, daysOf } from './date-range';
import type { LakeReader } from './lake-reader';

/** SQL with its `?` values, in order. */
export interface BoundSql {
  readonly text: string;
  readonly params: readonly string[];
}

/**
 * One lookup of how fresh the given rollups are over a range: events per day (the day before and
 * after included, since a `session_days` day depends on its neighbours) and what each table's rows
 * were computed from.
 *
 * @example
 * const counts = await lookUpDayCounts(lake, siteId, range, ['session_days', 'visitor_days']);
 */
export async function lookUpDayCounts(
  lake: LakeReader,
  siteId: string,
  range: DateRange,
  tables: readonly RollupTable[],
): Promise<DayCounts> {
  const events = { from: dayAfter(range.from, -1), to: dayAfter(range.to) };
  const { text, params } = dayCountsQuery(siteId, events, range, tables);
  return dayCounts(await lake.sql(text, params));
}

/** A daily rollup that depends on each day's events alone, and the SQL that stands in for it. */
export interface DayRollupSource {
  readonly table: 'visitor_days' | 'page_days';
  /** The columns read, the same from the table and from `live`. */
  readonly columns: string;
  /** The same rows computed from `events` for the given days. */
  readonly live: (days: readonly string[]) => BoundSql;
}

/**
 * `<name> AS (…)`: a rollup's rows over a range, read from its table on days whose rows are up to
 * date and computed from `events` on the others (today, a day with late events, a day never rolled
 * up), so the answer is the same either way and only its speed depends on the daily job.
 *
 * @example
 * const { text, params } = rolledOrLive('visitor_days', siteId, counts, range, VISITOR_DAYS_SOURCE(siteId));
 */
export function rolledOrLive(
  name: string,
  siteId: string,
  counts: DayCounts,
  range: DateRange,
  source: DayRollupSource,
): BoundSql {
  const upToDate = dayIsUpToDate(source.table);
  const rolled: string[] = [];
  const live: string[] = [];
  for (const day of daysOf(range)) (upToDate(counts, day) ? rolled : live).push(day);
  const branches: string[] = [];
  const params: string[] = [];
  if (rolled.length > 0) {
    branches.push(`SELECT ${source.columns}
  FROM {{database}}.${source.table}
  WHERE site_id = ?
    AND dt IN (${rolled.map(() => '?').join(', ')})`);
    params.push(siteId, ...rolled);
  }
  if (live.length > 0) {
    const sql = source.live(live);
    branches.push(sql.text);
    params.push(...sql.params);
  }
  return { text: `${name} AS (\n  ${branches.join('\n  UNION ALL\n  ')}\n)`, params };
}
