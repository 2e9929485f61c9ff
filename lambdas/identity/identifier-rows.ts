import { type Kysely, sql as raw } from 'kysely';
import type { Database } from '../db/schema';
import type { IdentifierType } from './identifier-types';
import type { PreparedIdentifier } from './prepared-identifiers';
import { bigintList, jsonb } from './sql-values';

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
}

/**
 * The rows of these identifiers, inserting those not seen before (without a person yet). The caller
 * holds their locks, so nobody inserts the same identifier meanwhile.
 *
 * @example
 * const rows = await upsertIdentifiers(trx, scope, prepared, new Date(observation.observedAt));
 */
export async function upsertIdentifiers(
  db: Kysely<Database>,
  scope: Scope,
  identifiers: readonly PreparedIdentifier[],
  observedAt: Date,
): Promise<IdentifierRow[]> {
  const input = identifiers.map(({ type, value }) => ({ type, value }));
  const { rows } = await raw<IdentifierRow>`
    with input as (select * from jsonb_to_recordset(${jsonb(input)}) as x(type text, value text)),
    inserted as (
      insert into identifiers (organization_id, site_id, type, value, first_seen_at)
      select ${scope.organizationId}::uuid, ${scope.siteId}::uuid, x.type, x.value, ${observedAt}::timestamptz
      from input x
      on conflict (site_id, type, value) do nothing
      returning id, type, value, person_id, first_seen_at, false as has_cipher)
    select * from inserted
    union all
    select i.id, i.type, i.value, i.person_id, i.first_seen_at, i.value_cipher is not null
    from identifiers i join input x on i.type = x.type and i.value = x.value
    where i.site_id = ${scope.siteId}::uuid`.execute(db);
  return rows.map(withNumericId);
}

/**
 * Every identifier connected to `ids` through links (the region whose persons one link can change),
 * at most `limit` of them.
 */
export async function regionOf(
  db: Kysely<Database>,
  siteId: string,
  ids: readonly number[],
  limit: number,
): Promise<IdentifierRow[]> {
  const { rows } = await raw<IdentifierRow>`
    with recursive region(id) as (
      select * from ${bigintList(ids)} as seed
      union
      select m.id from region r
        join identity_links l on l.identifier_ids @> array[r.id] and l.site_id = ${siteId}::uuid
        cross join lateral unnest(l.identifier_ids) as m(id)
    )
    select i.id, i.type, i.value, i.person_id, i.first_seen_at, i.value_cipher is not null as has_cipher
    from (select id from region limit ${limit}) r join identifiers i on i.id = r.id`.execute(db);
  return rows.map(withNumericId);
}

/** `bigint` as a number whatever the driver's int8 parsing (ids stay far below 2^53). */
function withNumericId(row: IdentifierRow): IdentifierRow {
  return typeof row.id === 'number' ? row : { ...row, id: Number(row.id) };
}
