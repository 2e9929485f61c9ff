import { type Kysely, sql as raw } from 'kysely';
import type { Database } from '../db/schema';
import type { Scope } from './identifier-rows';
import { bigintArray, bigintList } from './sql-values';

export interface LinkRow {
  readonly id: number;
  readonly identifier_ids: number[];
  readonly first_observed_at: Date;
  readonly first_event_id: string;
}

/** The link of exactly this set of identifiers, if it was seen before. */
export async function findLink(
  db: Kysely<Database>,
  siteId: string,
  ids: readonly number[],
): Promise<LinkRow | undefined> {
  const { rows } = await raw<LinkRow>`
    select id, identifier_ids, first_observed_at, first_event_id from identity_links
    where site_id = ${siteId}::uuid and identifier_ids = ${bigintArray(ids)}`.execute(db);
  return rows[0] && withNumericIds(rows[0]);
}

export async function insertLink(
  db: Kysely<Database>,
  scope: Scope,
  ids: readonly number[],
  observedAt: Date,
  eventId: string,
): Promise<number> {
  const { rows } = await raw<{ id: number }>`
    insert into identity_links (organization_id, site_id, identifier_ids, first_observed_at, first_event_id)
    values (${scope.organizationId}::uuid, ${scope.siteId}::uuid, ${bigintArray(ids)}, ${observedAt}::timestamptz, ${eventId}::text)
    returning id`.execute(db);
  return (rows[0] as { id: number }).id;
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

/** Every link that mentions one of `ids`. */
export async function linksTouching(db: Kysely<Database>, siteId: string, ids: readonly number[]): Promise<LinkRow[]> {
  const { rows } = await raw<LinkRow>`
    select id, identifier_ids, first_observed_at, first_event_id from identity_links
    where site_id = ${siteId}::uuid and identifier_ids && array${bigintList(ids)}`.execute(db);
  return rows.map(withNumericIds);
}

/** Ids as numbers: `pg` returns `bigint[]` elements as strings (only scalar int8 is parsed as a number). */
function withNumericIds(row: LinkRow): LinkRow {
  return { ...row, id: Number(row.id), identifier_ids: row.identifier_ids.map(Number) };
}
