/**
 * How fresh the daily rollups are: per day, the events `events` holds now and the events each
 * rollup table's rows of that day were computed from. A rollup's rows of a day are used only
 * while those numbers still agree, so a late event sends the day back to `events` until the daily
 * job rolls it up again. Counting a day's events reads no column, only the files' row counts.
 */

/** The rollup tables whose freshness can be looked up. */
export type RollupTable = 'session_days' | 'visitor_days' | 'page_days';

/** Events per day (bots included). Three `?`: site id, first and last day. */
const EVENTS_BRANCH = `SELECT 'events' AS kind, dt,
  count(*) AS day_low, count(*) AS day_high,
  CAST(NULL AS bigint) AS previous_low, CAST(NULL AS bigint) AS previous_high,
  CAST(NULL AS bigint) AS next_low, CAST(NULL AS bigint) AS next_high
FROM {{database}}.events
WHERE site_id = ?
  AND dt BETWEEN ? AND ?
GROUP BY dt`;

/** A rollup whose rows of a day depend on that day's events only. */
function singleDayBranch(table: RollupTable): string {
  return `SELECT '${table}' AS kind, dt,
  min(day_events), max(day_events),
  CAST(NULL AS bigint), CAST(NULL AS bigint),
  CAST(NULL AS bigint), CAST(NULL AS bigint)
FROM {{database}}.${table}
WHERE site_id = ?
  AND dt BETWEEN ? AND ?
GROUP BY dt`;
}

/** What each rollup's rows of a day were computed from (low and high over the day's rows). */
const ROLLUP_BRANCHES: Readonly<Record<RollupTable, string>> = {
  // A session may go on the day before or after, so its rows also record the neighbours' events.
  session_days: `SELECT 'session_days' AS kind, dt,
  min(day_events), max(day_events),
  min(previous_day_events), max(previous_day_events),
  min(next_day_events), max(next_day_events)
FROM {{database}}.session_days
WHERE site_id = ?
  AND dt BETWEEN ? AND ?
GROUP BY dt`,
  visitor_days: singleDayBranch('visitor_days'),
  page_days: singleDayBranch('page_days'),
};

/** An inclusive range of `YYYY-MM-DD` days. */
interface Days {
  readonly from: string;
  readonly to: string;
}

/** SQL with its `?` values, in order. */
export interface DayCountsQuery {
  readonly text: string;
  readonly params: readonly string[];
}

/**
 * One query counting the site's events per day over `events`, and what the given rollups' rows
 * were computed from over `rolled`.
 *
 * @example
 * const { text, params } = dayCountsQuery(siteId, { from: '2026-02-28', to: '2026-04-01' }, { from: '2026-03-01', to: '2026-03-31' }, ['visitor_days']);
 */
export function dayCountsQuery(
  siteId: string,
  events: Days,
  rolled: Days,
  tables: readonly RollupTable[],
): DayCountsQuery {
  return {
    text: [EVENTS_BRANCH, ...tables.map((t) => ROLLUP_BRANCHES[t])].join('\nUNION ALL\n'),
    params: [siteId, events.from, events.to, ...tables.flatMap(() => [siteId, rolled.from, rolled.to])],
  };
}

/** The UTC day `offset` days from `day` (both `YYYY-MM-DD`). */
export function dayAfter(day: string, offset = 1): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
}

type Range = readonly [number | null, number | null];

/** What a rollup's rows of a day were computed from: the events of the day and of its neighbours. */
interface Rolled {
  readonly day: Range;
  /** Only `session_days` records its neighbours' events (`[null, null]` otherwise). */
  readonly previous: Range;
  readonly next: Range;
}

/** The counts of `dayCountsQuery`, by day. */
export interface DayCounts {
  /** Events per day; a day missing has none. */
  readonly events: ReadonlyMap<string, number>;
  /** Per rollup table looked up, the days with rows and what they were computed from. */
  readonly rolled: ReadonlyMap<RollupTable, ReadonlyMap<string, Rolled>>;
}

const ROLLUP_TABLES = new Set<unknown>(Object.keys(ROLLUP_BRANCHES));

/** Reads `dayCountsQuery` rows. */
export function dayCounts(rows: readonly Readonly<Record<string, unknown>>[]): DayCounts {
  const events = new Map<string, number>();
  const rolled = new Map<RollupTable, Map<string, Rolled>>();
  const n = (value: unknown) => (value === null || value === undefined ? null : Number(value));
  for (const row of rows) {
    const day = String(row.dt);
    if (row.kind === 'events') events.set(day, Number(row.day_low));
    else if (ROLLUP_TABLES.has(row.kind)) {
      const table = row.kind as RollupTable;
      const days = rolled.get(table) ?? new Map<string, Rolled>();
      days.set(day, {
        day: [n(row.day_low), n(row.day_high)],
        previous: [n(row.previous_low), n(row.previous_high)],
        next: [n(row.next_low), n(row.next_high)],
      });
      rolled.set(table, days);
    }
  }
  return { events, rolled };
}

/** Whether every row of a day was computed from as many events as `events` holds for `day` now. */
function agrees(counts: DayCounts, [low, high]: Range, day: string): boolean {
  const events = counts.events.get(day) ?? 0;
  return low === events && high === events;
}

/**
 * Whether a day's `session_days` rows may be used: rolled up from as many events as the day, the
 * day before and the day after have now (a late event on a neighbour may join a session to it).
 */
export function sessionDayIsUpToDate(counts: DayCounts, day: string): boolean {
  const rolled = counts.rolled.get('session_days')?.get(day);
  if (rolled === undefined) return false;
  return (
    agrees(counts, rolled.day, day) &&
    agrees(counts, rolled.previous, dayAfter(day, -1)) &&
    agrees(counts, rolled.next, dayAfter(day))
  );
}

/**
 * Whether a day's rows of a rollup that depends on the day alone (`visitor_days`, `page_days`) may
 * be used: rolled up from as many events as the day has now.
 */
export function dayIsUpToDate(table: 'visitor_days' | 'page_days') {
  return (counts: DayCounts, day: string): boolean => {
    const rolled = counts.rolled.get(table)?.get(day);
    return rolled !== undefined && agrees(counts, rolled.day, day);
  };
}
