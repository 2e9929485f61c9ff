import { type Kysely, type RawBuilder, sql as raw } from 'kysely';
import type { Database } from '../db/schema';
import type { RegionRow } from './identifier-rows';
import type { IdentifierType } from './identifier-types';
import { bigintArray, jsonb, recordset, writeTogether } from './sql-values';

/** An identifier row found for a batch, with its site (a batch may span sites of one organization). */
export interface SiteIdentifierRow {
  readonly id: number;
  readonly site_id: string;
  readonly type: IdentifierType;
  readonly value: string;
  readonly person_id: string | null;
  readonly first_seen_at: Date;
  readonly has_cipher: boolean;
  readonly fresh: false;
}

/**
 * The stored rows of these identifiers (those that exist), in one round trip: one unique-index probe
 * each (a lateral with `limit` keeps the planner from turning it into a scan).
 */
export async function findIdentifiers(
  db: Kysely<Database>,
  wanted: readonly { readonly siteId: string; readonly type: string; readonly value: string }[],
): Promise<SiteIdentifierRow[]> {
  if (wanted.length === 0) return [];
  const input = wanted.map((w) => ({ site_id: w.siteId, type: w.type, value: w.value }));
  const { rows } = await raw<SiteIdentifierRow>`
    select i.* from ${recordset(input, 'site_id uuid, type text, value text')} as x
    cross join lateral (
      select id, site_id, type, value, person_id, first_seen_at, value_cipher is not null as has_cipher, false as fresh
      from identifiers where site_id = x.site_id and type = x.type and value = x.value
      limit 1
    ) i`.execute(db);
  return rows.map((r) => ({ ...r, id: Number(r.id) }));
}

export interface SiteLinkRow {
  readonly id: number;
  readonly site_id: string;
  readonly identifier_ids: number[];
  readonly first_observed_at: Date;
  readonly first_event_id: string;
}

/** The links of exactly these sets of identifier ids (those that exist), in one call (`identity_links_of`). */
export async function findLinks(
  db: Kysely<Database>,
  sets: readonly { readonly siteId: string; readonly ids: readonly number[] }[],
): Promise<SiteLinkRow[]> {
  if (sets.length === 0) return [];
  const input = jsonb(sets.map((s, n) => ({ n, site_id: s.siteId, ids: s.ids.map(String) })));
  const { rows } = await raw<Omit<SiteLinkRow, 'site_id'> & { n: number }>`
    select n, id, identifier_ids, first_observed_at, first_event_id from identity_links_of(${input})`.execute(db);
  return rows.map((r) => ({
    id: Number(r.id),
    site_id: (sets[r.n] as (typeof sets)[number]).siteId,
    identifier_ids: r.identifier_ids.map(Number),
    first_observed_at: r.first_observed_at,
    first_event_id: r.first_event_id,
  }));
}

/**
 * A member of the region (identifiers connected by links) around a seed identifier, with the live
 * person it created (if any), as `regionOf` reads it.
 */
export interface SeededRegionRow extends RegionRow {
  readonly seed: number;
}

/** The regions around these identifiers, each member tagged with its seed; at most `limit` rows in all. */
export async function regionsAround(
  db: Kysely<Database>,
  seeds: readonly number[],
  limit: number,
): Promise<SeededRegionRow[]> {
  if (seeds.length === 0) return [];
  const { rows } = await raw<SeededRegionRow>`
    select r.seed, i.id, i.type, i.value, i.person_id, i.first_seen_at, i.value_cipher is not null as has_cipher,
      false as fresh, p.id as created_person_id, p.merged_into as created_person_merged_into
    from identity_regions(${bigintArray(seeds)}, ${limit}::integer) r
    cross join lateral (select * from identifiers where id = r.id limit 1) i
    left join lateral (
      select id, merged_into from persons where creator_identifier_id = i.id and erased_at is null limit 1
    ) p on true`.execute(db);
  return rows.map((r) => ({ ...r, seed: Number(r.seed), id: Number(r.id) }));
}

/**
 * The earliest link that mentions each identifier (none for an identifier in no link), and the live
 * person the identifier created, if any.
 */
export async function earliestLinkOf(
  db: Kysely<Database>,
  ids: readonly number[],
): Promise<Map<number, { linkId: number; observedAt: number; eventId: string; creatorOf: string | null }>> {
  if (ids.length === 0) return new Map();
  const { rows } = await raw<{
    id: number;
    link_id: number;
    first_observed_at: Date;
    first_event_id: string;
    created_person_id: string | null;
  }>`
    select l.identifier_id as id, l.id as link_id, l.first_observed_at, l.first_event_id,
      (select p.id from persons p
        where p.creator_identifier_id = l.identifier_id and p.erased_at is null and p.merged_into is null)
        as created_person_id
    from identity_earliest_links(${jsonb(ids.map(String))}) l`.execute(db);
  return new Map(
    rows.map((r) => [
      Number(r.id),
      {
        linkId: Number(r.link_id),
        observedAt: new Date(r.first_observed_at).getTime(),
        eventId: r.first_event_id,
        creatorOf: r.created_person_id,
      },
    ]),
  );
}

/**
 * Tries each advisory lock, never waiting (so the order does not matter), and returns those taken.
 * A lock not taken is held by another resolver: the caller leaves what needs it for later.
 */
export async function tryLockEach(db: Kysely<Database>, keys: readonly string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const { rows } = await raw<{ key: string; locked: boolean }>`
    select k.value as key, pg_try_advisory_xact_lock(k.value::bigint) as locked
    from jsonb_array_elements_text(${jsonb([...new Set(keys)])}) k`.execute(db);
  return new Set(rows.filter((r) => r.locked).map((r) => r.key));
}

export interface FreshIdentifier {
  readonly siteId: string;
  readonly type: IdentifierType;
  readonly value: string;
  /** `null` until re-stitching gives it one (in the same transaction). */
  readonly personId: string | null;
  readonly firstSeenAt: Date;
  /** Sealed plaintext (PII only), base64. */
  readonly cipher: string | null;
  /** The new person this identifier started (inserted without its creator), if any. */
  readonly creates?: string;
}

/**
 * Inserts identifiers seen for the first time (with their person, when known) and points the new
 * persons they started at them, in one statement (the persons' row is only updated once its
 * identifier exists); returns their ids.
 */
export async function insertFreshIdentifiers(
  db: Kysely<Database>,
  organizationId: string,
  fresh: readonly FreshIdentifier[],
): Promise<Map<string, number>> {
  if (fresh.length === 0) return new Map();
  const input = fresh.map((f) => ({
    site_id: f.siteId,
    type: f.type,
    value: f.value,
    person_id: f.personId,
    first_seen_at: f.firstSeenAt.toISOString(),
    cipher: f.cipher,
    creates: f.creates ?? null,
  }));
  const columns =
    'site_id uuid, type text, value text, person_id uuid, first_seen_at timestamptz, cipher text, creates uuid';
  const { rows } = await raw<{ id: number; site_id: string; type: string; value: string }>`
    with x as ${recordset(input, columns)},
    inserted as (
      insert into identifiers (organization_id, site_id, type, value, person_id, first_seen_at, value_cipher, key_person_id)
      select ${organizationId}::uuid, x.site_id, x.type, x.value, x.person_id, x.first_seen_at, decode(x.cipher, 'base64'),
        case when x.cipher is null then null else x.person_id end
      from x
      returning id, site_id, type, value
    ),
    creators as (
      update persons p set creator_identifier_id = i.id
      from inserted i join x on x.site_id = i.site_id and x.type = i.type and x.value = i.value
      where x.creates is not null and p.id = x.creates
    )
    select id, site_id, type, value from inserted`.execute(db);
  return new Map(rows.map((r) => [siteIdentifierKey(r.site_id, r.type, r.value), Number(r.id)]));
}

/**
 * Inserts new links (each set unseen before: the caller checked under the identifiers' locks) and
 * moves known links back to earlier sightings, in one statement (they touch different rows).
 */
export async function writeLinks(
  db: Kysely<Database>,
  organizationId: string,
  links: readonly { readonly siteId: string; readonly ids: readonly number[]; observedAt: Date; eventId: string }[],
  moves: readonly { readonly linkId: number; readonly observedAt: Date; readonly eventId: string }[],
): Promise<void> {
  const writes: RawBuilder<unknown>[] = [];
  if (links.length > 0) {
    const input = links.map((l) => ({
      site_id: l.siteId,
      ids: [...l.ids].sort((a, b) => a - b).map(String),
      observed_at: l.observedAt.toISOString(),
      event_id: l.eventId,
    }));
    writes.push(raw`links_inserted as (
      insert into identity_links (organization_id, site_id, identifier_ids, first_observed_at, first_event_id)
      select ${organizationId}::uuid, x.site_id,
        (select array_agg(value::bigint order by value::bigint) from jsonb_array_elements_text(x.ids)),
        x.observed_at, x.event_id
      from ${recordset(input, 'site_id uuid, ids jsonb, observed_at timestamptz, event_id text')} as x)`);
  }
  if (moves.length > 0) {
    const input = moves.map((m) => ({ id: m.linkId, observed_at: m.observedAt.toISOString(), event_id: m.eventId }));
    writes.push(raw`links_advanced as (
      update identity_links l set first_observed_at = x.observed_at, first_event_id = x.event_id
      from ${recordset(input, 'id bigint, observed_at timestamptz, event_id text')} as x
      where l.id = x.id and (x.observed_at, x.event_id) < (l.first_observed_at, l.first_event_id))`);
  }
  await writeTogether(db, writes);
}

/** Seals PII identifiers stored without their ciphertext (given their person only by re-stitching). */
export async function sealIdentifiers(
  db: Kysely<Database>,
  sealed: readonly { readonly id: number; readonly personId: string; readonly cipher: string }[],
): Promise<void> {
  if (sealed.length === 0) return;
  const input = sealed.map((s) => ({ id: s.id, person_id: s.personId, cipher: s.cipher }));
  await raw`
    update identifiers i set value_cipher = decode(x.cipher, 'base64'), key_person_id = x.person_id
    from ${recordset(input, 'id bigint, person_id uuid, cipher text')} as x
    where i.id = x.id and i.value_cipher is null`.execute(db);
}

export function siteIdentifierKey(siteId: string, type: string, value: string): string {
  return `${siteId}\u0001${type}\u0000${value}`;
}

/** Inserts new persons (their creator set with its identifier, by `insertFreshIdentifiers`); returns the ids already taken (tombstones). */
export async function insertCreatedPersons(
  db: Kysely<Database>,
  organizationId: string,
  persons: readonly { readonly id: string; readonly siteId: string; readonly firstSeenAt: Date }[],
): Promise<Set<string>> {
  if (persons.length === 0) return new Set();
  const input = persons.map((p) => ({ id: p.id, site_id: p.siteId, first_seen_at: p.firstSeenAt.toISOString() }));
  const { rows } = await raw<{ id: string }>`
    insert into persons (id, organization_id, site_id, first_seen_at)
    select x.id, ${organizationId}::uuid, x.site_id, x.first_seen_at
    from ${recordset(input, 'id uuid, site_id uuid, first_seen_at timestamptz')} as x
    order by x.id
    on conflict (id) do nothing
    returning id`.execute(db);
  const inserted = new Set(rows.map((r) => r.id));
  return new Set(persons.filter((p) => !inserted.has(p.id)).map((p) => p.id));
}
