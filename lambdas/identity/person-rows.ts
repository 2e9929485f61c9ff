import { type Kysely, sql as raw } from 'kysely';
import type { Database } from '../db/schema';
import { bigintList, jsonb, uuidList } from './sql-values';

export interface PersonRow {
  readonly id: string;
  readonly creator_identifier_id: number;
  readonly merged_into: string | null;
}

/** The live (not erased) persons started by any of these identifiers, merged or not. */
export async function personsCreatedBy(db: Kysely<Database>, identifierIds: readonly number[]): Promise<PersonRow[]> {
  const { rows } = await raw<PersonRow>`
    select id, creator_identifier_id, merged_into from persons
    where creator_identifier_id in ${bigintList(identifierIds)} and erased_at is null`.execute(db);
  return rows.map((r) => ({ ...r, creator_identifier_id: Number(r.creator_identifier_id) }));
}

/** Which of these ids are taken by a person row (an erased one, when the id is derived). */
export async function takenPersonIds(db: Kysely<Database>, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const { rows } = await raw<{ id: string }>`select id from persons where id in ${uuidList(ids)}`.execute(db);
  return new Set(rows.map((r) => r.id));
}

export interface NewPerson {
  readonly id: string;
  readonly creatorIdentifierId: number;
  readonly firstSeenAt: Date;
}

export async function insertPersons(
  db: Kysely<Database>,
  scope: { organizationId: string; siteId: string },
  persons: readonly NewPerson[],
): Promise<void> {
  if (persons.length === 0) return;
  const input = persons.map((p) => ({ id: p.id, creator: p.creatorIdentifierId, first_seen_at: p.firstSeenAt }));
  await raw`
    insert into persons (id, organization_id, site_id, creator_identifier_id, first_seen_at)
    select x.id, ${scope.organizationId}::uuid, ${scope.siteId}::uuid, x.creator, x.first_seen_at
    from jsonb_to_recordset(${jsonb(input)}) as x(id uuid, creator bigint, first_seen_at timestamptz)`.execute(db);
}

/** Points each person at its new target (`null`: it stands on its own again). */
export async function setMergedInto(
  db: Kysely<Database>,
  changes: readonly { readonly id: string; readonly mergedInto: string | null }[],
): Promise<void> {
  if (changes.length === 0) return;
  const input = changes.map((c) => ({ id: c.id, merged_into: c.mergedInto }));
  await raw`
    update persons p set merged_into = x.merged_into,
      merged_at = case when x.merged_into is null then null else now() end
    from jsonb_to_recordset(${jsonb(input)}) as x(id uuid, merged_into uuid)
    where p.id = x.id`.execute(db);
}
