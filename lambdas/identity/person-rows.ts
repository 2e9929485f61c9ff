import { type Kysely, sql as raw } from 'kysely';
import type { Database } from '../db/schema';
import type { RegionRow } from './identifier-rows';
import { recordset } from './sql-values';

export interface PersonRow {
  readonly id: string;
  readonly creator_identifier_id: number;
  readonly merged_into: string | null;
}

/** The live persons created by a region's identifiers, merged or not. */
export function personsOfRegion(region: readonly RegionRow[]): PersonRow[] {
  return region.flatMap((r) =>
    r.created_person_id
      ? [{ id: r.created_person_id, creator_identifier_id: r.id, merged_into: r.created_person_merged_into }]
      : [],
  );
}

export interface NewPerson {
  readonly id: string;
  readonly creatorIdentifierId: number;
  readonly firstSeenAt: Date;
}

/** Inserts persons whose id is free; returns the ids that were taken (by an erased person's tombstone). */
export async function insertPersons(
  db: Kysely<Database>,
  scope: { organizationId: string; siteId: string },
  persons: readonly NewPerson[],
): Promise<Set<string>> {
  if (persons.length === 0) return new Set();
  const input = persons.map((p) => ({ id: p.id, creator: p.creatorIdentifierId, first_seen_at: p.firstSeenAt }));
  const { rows } = await raw<{ id: string }>`
    insert into persons (id, organization_id, site_id, creator_identifier_id, first_seen_at)
    select x.id, ${scope.organizationId}::uuid, ${scope.siteId}::uuid, x.creator, x.first_seen_at
    from ${recordset(input, 'id uuid, creator bigint, first_seen_at timestamptz')} as x
    on conflict (id) do nothing
    returning id`.execute(db);
  const inserted = new Set(rows.map((r) => r.id));
  return new Set(persons.filter((p) => !inserted.has(p.id)).map((p) => p.id));
}
