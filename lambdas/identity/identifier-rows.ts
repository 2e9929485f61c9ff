import { type Kysely, sql as raw } from 'kysely';
import type { Database } from '../db/schema';
import type { IdentifierType } from './identifier-types';
import type { LinkRow } from './link-rows';
import type { PreparedIdentifier } from './prepared-identifiers';
import { bigintArray, jsonb } from './sql-values';

export interface Scope {
  readonly organizationId: string;
  readonly siteId: string;
}

export interface IdentifierRow {
  readonly id: number;
  readonly type: IdentifierType;
  readonly value: string;
  readonly person_id: string | null;
  readonly first_seen_at: Date;
  readonly has_cipher: boolean;
  /** Inserted by this transaction: no link mentions it yet. */
  readonly fresh: boolean;
}

/** An identifier of a region, with the person it created (if any: at most one live one). */
export interface RegionRow extends IdentifierRow {
  readonly created_person_id: string | null;
  readonly created_person_merged_into: string | null;
}

/** An observation's identifiers, and the link of exactly that set if it was seen before. */
export interface ObservedIdentifiers {
  readonly rows: IdentifierRow[];
  readonly link: LinkRow | undefined;
}

/**
 * The rows of these identifiers, inserting those not seen before (without a person yet), and their
 * link when all were known. The caller holds their locks, so nobody inserts them meanwhile.
 *
 * @example
 * const { rows, link } = await findOrInsertIdentifiers(trx, scope, prepared, new Date(observation.observedAt));
 */
export async function findOrInsertIdentifiers(
  db: Kysely<Database>,
  scope: Scope,
  identifiers: readonly PreparedIdentifier[],
  observedAt: Date,
): Promise<ObservedIdentifiers> {
  const input = jsonb(identifiers.map(({ type, value }) => ({ type, value })));
  // Lateral with `limit` (which keeps the planner from flattening it): one unique-index probe per
  // identifier, never a scan of the site's identifiers, however stale the statistics.
  const { rows: found } = await raw<
    IdentifierRow & { link_id: number | null; link_observed_at: Date | null; link_event_id: string | null }
  >`
    with found as (
      select i.* from jsonb_to_recordset(${input}) as x(type text, value text)
      cross join lateral (
        select id, type, value, person_id, first_seen_at, value_cipher is not null as has_cipher, false as fresh
        from identifiers where site_id = ${scope.siteId}::uuid and type = x.type and value = x.value
        limit 1
      ) i
    )
    select f.*, l.id as link_id, l.first_observed_at as link_observed_at, l.first_event_id as link_event_id
    from found f left join lateral identity_link_of(${scope.siteId}::uuid, (select array_agg(id order by id) from found)) l
      on true`.execute(db);
  if (found.length === identifiers.length) {
    const first = found[0];
    const link =
      first?.link_id != null
        ? {
            id: Number(first.link_id),
            identifier_ids: found.map((r) => Number(r.id)).sort((a, b) => a - b),
            first_observed_at: first.link_observed_at as Date,
            first_event_id: first.link_event_id as string,
          }
        : undefined;
    return { rows: found.map(({ link_id, link_observed_at, link_event_id, ...row }) => withNumericId(row)), link };
  }

  const known = new Set(found.map((r) => `${r.type}\u0000${r.value}`));
  const missing = identifiers
    .filter((i) => !known.has(`${i.type}\u0000${i.value}`))
    .map(({ type, value }) => ({ type, value }));
  const { rows: inserted } = await raw<IdentifierRow>`
    insert into identifiers (organization_id, site_id, type, value, first_seen_at)
    select ${scope.organizationId}::uuid, ${scope.siteId}::uuid, x.type, x.value, ${observedAt}::timestamptz
    from jsonb_to_recordset(${jsonb(missing)}) as x(type text, value text)
    returning id, type, value, person_id, first_seen_at, false as has_cipher, true as fresh`.execute(db);
  const rows = [...found.map(({ link_id, link_observed_at, link_event_id, ...row }) => row), ...inserted];
  return { rows: rows.map(withNumericId), link: undefined };
}

/**
 * Every identifier connected to `ids` through links (the region whose persons one link can change),
 * at most `limit` of them, each with the person it created.
 */
export async function regionOf(db: Kysely<Database>, ids: readonly number[], limit: number): Promise<RegionRow[]> {
  // Identifier ids are global, so containment alone finds the links: the GIN index does it.
  const { rows } = await raw<RegionRow>`
    with region as (
      select distinct id from identity_regions(${bigintArray(ids)}, ${limit * Math.max(1, ids.length)}::integer)
    )
    select i.id, i.type, i.value, i.person_id, i.first_seen_at, i.value_cipher is not null as has_cipher, false as fresh,
      p.id as created_person_id, p.merged_into as created_person_merged_into
    from (select id from region limit ${limit}) r
    cross join lateral (select * from identifiers where id = r.id limit 1) i
    left join lateral (
      select id, merged_into from persons where creator_identifier_id = i.id and erased_at is null limit 1
    ) p on true`.execute(db);
  return rows.map(withNumericId);
}

/** `bigint` as a number whatever the driver's int8 parsing (ids stay far below 2^53). */
function withNumericId<T extends IdentifierRow>(row: T): T {
  return typeof row.id === 'number' ? row : { ...row, id: Number(row.id) };
}
