import { type Kysely, sql as raw } from 'kysely';
import type { Database } from '../db/schema';
import type { Scope } from './identifier-rows';
import { bigintArray } from './sql-values';

export interface LinkRow {
  readonly id: number;
  readonly identifier_ids: number[];
  readonly first_observed_at: Date;
  readonly first_event_id: string;
}

/** A link with the stitching conflicts recorded on it. */
export interface LinkWithConflicts extends LinkRow {
  readonly conflicts: readonly {
    readonly id: number;
    readonly identifier_id: number;
    readonly reason: string;
    /** The persons the conflict names, as last written. */
    readonly person_ids: readonly string[];
  }[];
}

/** The link of exactly this set of identifiers, if it was seen before. */
export async function findLink(
  db: Kysely<Database>,
  siteId: string,
  ids: readonly number[],
): Promise<LinkRow | undefined> {
  const { rows } = await raw<LinkRow>`
    select id, identifier_ids, first_observed_at, first_event_id from identity_link_of(${siteId}::uuid, ${bigintArray(ids)})`.execute(
    db,
  );
  return rows[0] && withNumericIds(rows[0]);
}

export async function insertLink(
  db: Kysely<Database>,
  scope: Scope,
  ids: readonly number[],
  observedAt: Date,
  eventId: string,
): Promise<LinkRow> {
  const { rows } = await raw<LinkRow>`
    insert into identity_links (organization_id, site_id, identifier_ids, first_observed_at, first_event_id)
    values (${scope.organizationId}::uuid, ${scope.siteId}::uuid, ${bigintArray(ids)}, ${observedAt}::timestamptz, ${eventId}::text)
    returning id, identifier_ids, first_observed_at, first_event_id`.execute(db);
  return withNumericIds(rows[0] as LinkRow);
}

/** Moves a link back to an earlier sighting. */
export async function advanceLink(
  db: Kysely<Database>,
  linkId: number,
  observedAt: Date,
  eventId: string,
): Promise<void> {
  await raw`update identity_links set first_observed_at = ${observedAt}::timestamptz, first_event_id = ${eventId}::text
    where id = ${linkId}`.execute(db);
}

/** Whether a sighting at (`observedAt`, `eventId`) comes before the link's current one. */
export function isEarlier(link: LinkRow, observedAt: Date, eventId: string): boolean {
  const current = new Date(link.first_observed_at).getTime();
  return observedAt.getTime() < current || (observedAt.getTime() === current && eventId < link.first_event_id);
}

/** Every link that mentions one of `ids` (ids are global: no site filter, so the GIN index serves it), with its conflicts. */
export async function linksTouching(db: Kysely<Database>, ids: readonly number[]): Promise<LinkWithConflicts[]> {
  const { rows } = await raw<LinkWithConflicts>`
    select l.id, l.identifier_ids, l.first_observed_at, l.first_event_id,
      coalesce((select jsonb_agg(jsonb_build_object('id', c.id, 'identifier_id', c.identifier_id, 'reason', c.reason,
          'person_ids', c.person_ids))
        from identity_conflicts c where c.link_id = l.id and c.reason <> 'region_cap'), '[]'::jsonb) as conflicts
    from identity_links_touching(${bigintArray(ids)}) l`.execute(db);
  return rows.map((row) => ({
    ...withNumericIds(row),
    conflicts: row.conflicts.map((c) => ({
      id: Number(c.id),
      identifier_id: Number(c.identifier_id),
      reason: c.reason,
      person_ids: c.person_ids ?? [],
    })),
  }));
}

/** Ids as numbers: `pg` returns `bigint[]` elements as strings (only scalar int8 is parsed as a number). */
function withNumericIds<T extends LinkRow>(row: T): T {
  return { ...row, id: Number(row.id), identifier_ids: row.identifier_ids.map(Number) };
}
