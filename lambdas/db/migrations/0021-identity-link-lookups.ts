import { type Kysely, sql } from 'kysely';

/**
 * Link lookups that can use their indexes under row-level security. Row-level security evaluates a
 * query's own conditions after the policy's, so only leakproof operators may drive an index scan;
 * array containment (`&&`, `@>`) and array equality are not leakproof, so as `sightline_app` every
 * lookup of a link by its identifiers scanned the organization's links (time growing with the data).
 * These functions run as the tables' owner and apply the tenant condition themselves, the one the
 * policy applies (`organization_id` = `sightline.org_id` of the transaction). They never scan the
 * table: the statistics of a young site's links (or a plan cached while the table was small) would
 * otherwise pick a sequential scan that stays in use as the table grows.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Every resolution searches the links' GIN index; a pending list (fast update) makes each search
  // read it linearly until vacuum folds it in, which a busy queue outruns.
  await sql`alter index identity_links_members_idx set (fastupdate = off)`.execute(db);
  // The links that mention any of `ids` (the GIN index on identifier_ids).
  await sql`
    create function identity_links_touching(ids bigint[])
    returns table (id bigint, identifier_ids bigint[], first_observed_at timestamptz, first_event_id text)
    language sql stable security definer set search_path = pg_catalog, public set enable_seqscan = off as $$
      select l.id, l.identifier_ids, l.first_observed_at, l.first_event_id from public.identity_links l
      where l.identifier_ids && ids
        and l.organization_id = nullif(pg_catalog.current_setting('sightline.org_id', true), '')::uuid
    $$`.execute(db);
  // The link of exactly this set of identifiers (sorted), if any (the unique index on site and set).
  await sql`
    create function identity_link_of(site uuid, ids bigint[])
    returns table (id bigint, identifier_ids bigint[], first_observed_at timestamptz, first_event_id text)
    language sql stable security definer set search_path = pg_catalog, public set enable_seqscan = off as $$
      select l.id, l.identifier_ids, l.first_observed_at, l.first_event_id from public.identity_links l
      where l.site_id = site and l.identifier_ids = ids
        and l.organization_id = nullif(pg_catalog.current_setting('sightline.org_id', true), '')::uuid
    $$`.execute(db);
  // The identifiers connected to each seed through links (seed, member), at most `max_rows` rows.
  await sql`
    create function identity_regions(seeds bigint[], max_rows integer)
    returns table (seed bigint, id bigint)
    language sql stable security definer set search_path = pg_catalog, public set enable_seqscan = off as $$
      with recursive region(seed, id) as (
        select s, s from unnest(seeds) as s
        union
        select r.seed, m.id from region r
          join public.identity_links l on l.identifier_ids @> array[r.id]
            and l.organization_id = nullif(pg_catalog.current_setting('sightline.org_id', true), '')::uuid
          cross join lateral unnest(l.identifier_ids) as m(id)
      )
      select seed, id from region limit max_rows
    $$`.execute(db);
  for (const fn of [
    'identity_links_touching(bigint[])',
    'identity_link_of(uuid, bigint[])',
    'identity_regions(bigint[], integer)',
  ]) {
    await sql`revoke all on function ${sql.raw(fn)} from public`.execute(db);
    await sql`grant execute on function ${sql.raw(fn)} to sightline_app`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter index identity_links_members_idx reset (fastupdate)`.execute(db);
  await sql`drop function if exists identity_links_touching(bigint[]), identity_link_of(uuid, bigint[]),
    identity_regions(bigint[], integer)`.execute(db);
}
