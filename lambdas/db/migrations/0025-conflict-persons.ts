import { type Kysely, sql } from 'kysely';

/**
 * Conflicts by the persons they name. A person's page lists the conflicts on their identifiers and
 * those naming them (`person_ids`, the persons a dropped identifier would have joined). Array overlap
 * (`&&`) is not leakproof, so under row-level security it could not drive an index scan, and as one
 * arm of an `or` across the join it made every profile read all of the identifiers table. The GIN
 * index serves the overlap; the function applies the tenant condition itself, as the link lookups of
 * `0021-identity-link-lookups` do, and never scans the table.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index identity_conflicts_persons_idx on identity_conflicts using gin (person_ids)
    with (fastupdate = off)`.execute(db);
  await sql`
    create function identity_conflicts_naming(persons uuid[])
    returns table (id bigint) rows 10
    language sql stable security definer set search_path = pg_catalog, public set enable_seqscan = off as $$
      select c.id from public.identity_conflicts c
      where c.person_ids && persons
        and c.organization_id = nullif(pg_catalog.current_setting('sightline.org_id', true), '')::uuid
    $$`.execute(db);
  await sql`revoke all on function identity_conflicts_naming(uuid[]) from public`.execute(db);
  await sql`grant execute on function identity_conflicts_naming(uuid[]) to sightline_app`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop function if exists identity_conflicts_naming(uuid[])`.execute(db);
  await sql`drop index if exists identity_conflicts_persons_idx`.execute(db);
}
