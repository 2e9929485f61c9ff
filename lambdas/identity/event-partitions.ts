import { type Kysely, sql as raw } from 'kysely';
import type { Database } from '../db/schema';
import type { Sql } from '../ports/sql';

/**
 * Creates the monthly partitions of `events` for the month of `now` and the `monthsAhead` after it
 * (UTC months), leaving existing ones alone. Run daily by the scheduler, with the migrating role.
 * Events of a month that arrived before its partition existed (a local stack started again after
 * months off, say) wait in the default partition, where they would stop PostgreSQL from creating
 * the month's: they are moved into it as it is created.
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
    await sql.db.transaction().execute((trx) => createMonth(trx, name, from, to));
    names.push(name);
  }
  return names;
}

async function createMonth(trx: Kysely<Database>, name: string, from: Date, to: Date): Promise<void> {
  const bounds = raw`for values from (${raw.lit(from.toISOString())}) to (${raw.lit(to.toISOString())})`;
  const { rows } = await raw<{ exists: boolean; stranded: boolean }>`
    select to_regclass(${name}) is not null as exists,
      exists (select 1 from events_default where occurred_at >= ${from} and occurred_at < ${to}) as stranded`.execute(
    trx,
  );
  if (rows[0]?.exists) return;
  if (!rows[0]?.stranded) {
    await raw`create table if not exists ${raw.table(name)} partition of events ${bounds}`.execute(trx);
    return;
  }
  // Built apart, filled from the default partition, then attached (indexes are created as it is).
  await raw`create table ${raw.table(name)} (like events including defaults including constraints)`.execute(trx);
  await raw`with moved as (
      delete from events_default where occurred_at >= ${from} and occurred_at < ${to} returning *
    )
    insert into ${raw.table(name)} select * from moved`.execute(trx);
  await raw`alter table events attach partition ${raw.table(name)} ${bounds}`.execute(trx);
}
