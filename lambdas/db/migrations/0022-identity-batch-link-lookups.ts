import { type Kysely, sql } from 'kysely';

/**
 * Batch forms of the link lookups of `0021-identity-link-lookups`, for the batched resolver: one call
 * for the whole batch instead of one per set of identifiers or per identifier. A security-definer
 * function with settings switches them (and the search path) on every call; called once per row of
 * a batch, that switching cost more than the index probes it wrapped. Same guarantees: they run as
 * the tables' owner, apply the tenant condition themselves and never scan the table.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // The link of exactly each set (`[{ n, site_id, ids: [id, ...] }]`, ids in any order), if any.
  await sql`
    create function identity_links_of(sets jsonb)
    returns table (n integer, id bigint, identifier_ids bigint[], first_observed_at timestamptz, first_event_id text)
    language sql stable security definer set search_path = pg_catalog, public set enable_seqscan = off as $$
      select x.n, l.id, l.identifier_ids, l.first_observed_at, l.first_event_id
      from jsonb_to_recordset(sets) as x(n integer, site_id uuid, ids jsonb)
      cross join lateral (
        select array_agg(e.value::bigint order by e.value::bigint) as ids from jsonb_array_elements_text(x.ids) as e(value)
      ) s
      cross join lateral (
        select l.id, l.identifier_ids, l.first_observed_at, l.first_event_id from public.identity_links l
        where l.site_id = x.site_id and l.identifier_ids = s.ids
          and l.organization_id = nullif(current_setting('sightline.org_id', true), '')::uuid
        limit 1
      ) l
    $$`.execute(db);
  // The earliest link (by first sighting) that mentions each identifier (`[id, ...]`), if any.
  await sql`
    create function identity_earliest_links(ids jsonb)
    returns table (identifier_id bigint, id bigint, first_observed_at timestamptz, first_event_id text)
    language sql stable security definer set search_path = pg_catalog, public set enable_seqscan = off as $$
      select x.id, l.id, l.first_observed_at, l.first_event_id
      from (select value::bigint as id from jsonb_array_elements_text(ids)) x
      cross join lateral (
        select l.id, l.first_observed_at, l.first_event_id from public.identity_links l
        where l.identifier_ids && array[x.id]
          and l.organization_id = nullif(current_setting('sightline.org_id', true), '')::uuid
        order by l.first_observed_at, l.first_event_id
        limit 1
      ) l
    $$`.execute(db);
  for (const fn of ['identity_links_of(jsonb)', 'identity_earliest_links(jsonb)']) {
    await sql`revoke all on function ${sql.raw(fn)} from public`.execute(db);
    await sql`grant execute on function ${sql.raw(fn)} to sightline_app`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop function if exists identity_links_of(jsonb), identity_earliest_links(jsonb)`.execute(db);
}
