import { type Kysely, sql } from 'kysely';
import { IDENTIFIER_TYPES_AT_0002 } from './0002-identity-types';

/**
 * Persons and what they are made of: identifiers (PII as ciphertext plus blind index), the hard links
 * that join identifiers, the conflicts and merges stitching decided, traits, and the keys that make
 * per-person crypto-shredding possible. Part of migration `0002-identity`.
 */
export async function createPersonTables(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table identity_organization_keys (
      organization_id uuid primary key references organizations(id) on delete cascade,
      wrapped_key bytea not null,
      created_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table persons (
      id uuid primary key,
      organization_id uuid not null references organizations(id) on delete cascade,
      site_id uuid not null references sites(id) on delete cascade,
      creator_identifier_id bigint,
      first_seen_at timestamptz not null,
      created_at timestamptz not null default now(),
      merged_into uuid references persons(id),
      merged_at timestamptz,
      erased_at timestamptz,
      check (merged_into is null or merged_into <> id)
    )`.execute(db);
  await sql`create index persons_site_idx on persons (site_id, first_seen_at)`.execute(db);
  await sql`create index persons_merged_into_idx on persons (merged_into) where merged_into is not null`.execute(db);
  await sql`create unique index persons_creator_key on persons (creator_identifier_id) where erased_at is null`.execute(
    db,
  );

  // Crypto-shredding: deleting a person's key makes every ciphertext sealed with it unreadable,
  // backups included.
  await sql`
    create table person_keys (
      person_id uuid primary key references persons(id) on delete cascade,
      organization_id uuid not null references organizations(id) on delete cascade,
      wrapped_key bytea not null,
      created_at timestamptz not null default now()
    )`.execute(db);

  const types = sql.join(IDENTIFIER_TYPES_AT_0002.map((t) => sql.lit(t)));
  await sql`
    create table identifiers (
      id bigint generated always as identity primary key,
      organization_id uuid not null references organizations(id) on delete cascade,
      site_id uuid not null references sites(id) on delete cascade,
      type text not null check (type in (${types})),
      value text not null check (length(value) between 1 and 512),
      value_cipher bytea,
      key_person_id uuid,
      person_id uuid references persons(id),
      first_seen_at timestamptz not null,
      unique (site_id, type, value),
      -- PII is only ever stored as its blind index (and ciphertext), never as plaintext.
      check (type not in ('email', 'phone') or value ~ '^[0-9a-f]{64}$')
    )`.execute(db);
  await sql`create index identifiers_person_idx on identifiers (person_id)`.execute(db);

  // One row per distinct set of identifiers seen together, placed in time by its earliest sighting.
  await sql`
    create table identity_links (
      id bigint generated always as identity primary key,
      organization_id uuid not null references organizations(id) on delete cascade,
      site_id uuid not null references sites(id) on delete cascade,
      identifier_ids bigint[] not null check (cardinality(identifier_ids) between 1 and 20),
      first_observed_at timestamptz not null,
      first_event_id text not null,
      unique (site_id, identifier_ids)
    )`.execute(db);
  await sql`create index identity_links_members_idx on identity_links using gin (identifier_ids)`.execute(db);

  await sql`
    create table identity_conflicts (
      id bigint generated always as identity primary key,
      organization_id uuid not null references organizations(id) on delete cascade,
      site_id uuid not null references sites(id) on delete cascade,
      link_id bigint not null references identity_links(id) on delete cascade,
      identifier_id bigint not null references identifiers(id) on delete cascade,
      reason text not null check (length(reason) between 1 and 64),
      person_ids uuid[] not null default '{}',
      detected_at timestamptz not null default now(),
      unique (link_id, identifier_id)
    )`.execute(db);
  await sql`create index identity_conflicts_site_idx on identity_conflicts (site_id, detected_at desc)`.execute(db);
  await sql`create index identity_conflicts_identifier_idx on identity_conflicts (identifier_id)`.execute(db);

  await sql`
    create table person_merges (
      id bigint generated always as identity primary key,
      organization_id uuid not null references organizations(id) on delete cascade,
      site_id uuid not null references sites(id) on delete cascade,
      from_person_id uuid not null references persons(id),
      into_person_id uuid not null references persons(id),
      rule text not null check (length(rule) between 1 and 200),
      merged_at timestamptz not null default now(),
      reversed_at timestamptz
    )`.execute(db);
  await sql`create index person_merges_from_idx on person_merges (from_person_id)`.execute(db);
  await sql`create index person_merges_into_idx on person_merges (into_person_id)`.execute(db);

  // `$set` keeps the latest value, `$set_once` the earliest: both commute, so traits do not depend
  // on the order observations arrive in. PII traits are ciphertext sealed with `key_person_id`'s key.
  await sql`
    create table person_traits (
      person_id uuid not null references persons(id) on delete cascade,
      organization_id uuid not null references organizations(id) on delete cascade,
      key text not null check (length(key) between 1 and 128),
      mode text not null check (mode in ('set', 'set_once')),
      value jsonb,
      value_cipher bytea,
      key_person_id uuid,
      digest text not null,
      observed_at timestamptz not null,
      primary key (person_id, key, mode),
      check ((value is null) <> (value_cipher is null))
    )`.execute(db);

  // Ordered locking for resolution: advisory locks taken one by one in ascending key order, so two
  // resolvers never wait for each other in a cycle. (They return a value: the Data API has no `void`.)
  await sql`
    create function identity_lock_keys(keys jsonb) returns integer language plpgsql as $$
    declare k bigint; n integer := 0;
    begin
      for k in select distinct value::bigint from jsonb_array_elements_text(keys) order by 1 loop
        perform pg_advisory_xact_lock(k);
        n := n + 1;
      end loop;
      return n;
    end $$`.execute(db);
  await sql`
    create function identity_try_lock_keys(keys jsonb) returns boolean language plpgsql as $$
    declare k bigint;
    begin
      for k in select distinct value::bigint from jsonb_array_elements_text(keys) order by 1 loop
        if not pg_try_advisory_xact_lock(k) then return false; end if;
      end loop;
      return true;
    end $$`.execute(db);

  await sql`
    create view identity_map with (security_invoker = true) as
      select i.site_id, i.type as identifier_type, i.value as identifier_value, i.person_id
      from identifiers i join persons p on p.id = i.person_id
      where p.erased_at is null`.execute(db);
  await sql`
    create view person_aliases with (security_invoker = true) as
      select p.id as person_id, coalesce(p.merged_into, p.id) as current_person_id, p.site_id
      from persons p`.execute(db);
  await sql`grant select on identity_map, person_aliases to sightline_app`.execute(db);
}

export const PERSON_TABLES = [
  'identity_organization_keys',
  'persons',
  'person_keys',
  'identifiers',
  'identity_links',
  'identity_conflicts',
  'person_merges',
  'person_traits',
] as const;
