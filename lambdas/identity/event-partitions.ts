import { sql as raw } from 'kysely';
import type { Sql } from '../ports/sql';

/**
 * Creates the monthly partitions of `events` for the month of `now` and the `monthsAhead` after it
 * (UTC months), leaving existing ones alone. Run daily by the scheduler, with the migrating role.
 *
 * @example
 * await ensureEventPartitions(sql, new Date()); // ['events_2026_11', 'events_2026_12', 'events_2027_01']
 */
export async function ensureEventPartitions(sql: Sql, now: Date, monthsAhead = 2): Promise<string[]> {
  const names: string[] = [];
  for (let i = 0; i <= monthsAhead; i++) {
    const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + i, 1));
    const to = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + 1, 1));
    const name = `events_${from.getUTCFullYear()}_${String(from.getUTCMonth() + 1).padStart(2, '0')}`;
    await raw`create table if not exists ${raw.table(name)} partition of events
      for values from (${raw.lit(from.toISOString())}) to (${raw.lit(to.toISOString())})`.execute(sql.db);
    names.push(name);
  }
  return names;
}
