import { type Kysely, sql } from 'kysely';

/**
 * A person's sightings of one IP and user agent are kept per time window (`window_start`, the start
 * of the window-long slot they fell in; the epoch for e-mail variants, which have no window), not as
 * one range from the first sighting to the last: a range spanning days matched any other visitor in
 * between, so two sightings days apart proposed a link, depending on the order events were resolved.
 * Rows already stored keep the epoch: their ranges cannot be split.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table soft_signals add column window_start timestamptz not null default 'epoch'`.execute(db);
  await sql`alter table soft_signals drop constraint soft_signals_pkey,
    add primary key (site_id, kind, digest, person_id, window_start)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`delete from soft_signals s using soft_signals t
    where s.site_id = t.site_id and s.kind = t.kind and s.digest = t.digest and s.person_id = t.person_id
      and s.window_start > t.window_start`.execute(db);
  await sql`alter table soft_signals drop constraint soft_signals_pkey,
    add primary key (site_id, kind, digest, person_id)`.execute(db);
  await sql`alter table soft_signals drop column window_start`.execute(db);
}
