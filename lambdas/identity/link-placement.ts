import { type Kysely, sql as raw } from 'kysely';
import type { Database } from '../db/schema';
import { type IdentifierRow, type RegionRow, regionOf, type Scope } from './identifier-rows';
import type { IdentityRules } from './identity-rules';
import { advanceLink, findLink, insertLink, isEarlier, type LinkRow, type LinkWithConflicts } from './link-rows';

/** Where an observation's link stands: whether its region must be re-stitched, and what is known of it. */
export interface PlacedLink {
  readonly changed: boolean;
  /** The region, when it was read under the observation's locks (saves reading it again). */
  readonly region?: readonly RegionRow[];
  readonly newLink?: LinkWithConflicts;
}

/**
 * Records the observation's link (or moves a known one to an earlier sighting). A link that would
 * grow its region past `regionCap` loses its lowest-priority identifiers first; those stand alone.
 */
export async function placeLink(
  trx: Kysely<Database>,
  scope: Scope,
  rows: readonly IdentifierRow[],
  existing: LinkRow | undefined,
  observedAt: Date,
  eventId: string,
  rules: IdentityRules,
): Promise<PlacedLink> {
  const allIds = rows.map((r) => r.id);
  if (rows.every((r) => r.fresh)) {
    // Nothing links identifiers first seen now: their region is themselves.
    const newLink = await insertLink(trx, scope, sortedIds(allIds), observedAt, eventId);
    const region = rows.map((r) => ({ ...r, created_person_id: null, created_person_merged_into: null }));
    return { changed: true, region, newLink: { ...newLink, conflicts: [] } };
  }
  if (existing) {
    if (!isEarlier(existing, observedAt, eventId)) return { changed: rows.some((r) => !r.person_id) };
    await advanceLink(trx, existing.id, observedAt, eventId);
    return { changed: true };
  }

  const kept = [...rows];
  const trimmed: IdentifierRow[] = [];
  let region = await regionOf(trx, allIds, rules.regionCap + 1);
  while (kept.length > 1 && region.length > rules.regionCap) {
    trimmed.push(kept.pop() as IdentifierRow);
    region = await regionOf(
      trx,
      kept.map((r) => r.id),
      rules.regionCap + 1,
    );
  }
  const keptIds = sortedIds(kept.map((r) => r.id));
  const keptLink = trimmed.length > 0 ? await findLink(trx, scope.siteId, keptIds) : undefined;
  const link = keptLink ?? (await insertLink(trx, scope, keptIds, observedAt, eventId));
  if (keptLink && isEarlier(keptLink, observedAt, eventId)) await advanceLink(trx, keptLink.id, observedAt, eventId);
  for (const row of trimmed) {
    if (!row.person_id && !(await findLink(trx, scope.siteId, [row.id]))) {
      await insertLink(trx, scope, [row.id], observedAt, eventId);
    }
    await raw`
      insert into identity_conflicts (organization_id, site_id, link_id, identifier_id, reason)
      values (${scope.organizationId}::uuid, ${scope.siteId}::uuid, ${link.id}, ${row.id}, 'region_cap')
      on conflict (link_id, identifier_id) do nothing`.execute(trx);
  }
  // Read before the link was added, the region is the same set after: the link joins members only.
  return trimmed.length > 0 ? { changed: true } : { changed: true, region };
}

function sortedIds(ids: readonly number[]): number[] {
  return [...ids].sort((a, b) => a - b);
}
